/**
 * Run as a child process by crash-safety.test.ts: plays co-op tracks until
 * it is killed. Mode `in-transaction`: SIGKILLs itself inside the charge
 * transaction, after every write and before COMMIT. Mode `after-commit`:
 * right after the first charge committed. Mode `loop`: plays on until the
 * parent kills it at a random moment.
 */
import { FakeClock } from '../../../src/main/services/core/clock';
import { aTrack, stream2ownHarness } from './harness';

const [dataDir, mode] = process.argv.slice(2) as [string, 'in-transaction' | 'after-commit' | 'loop'];
const clock = new FakeClock();
const h = stream2ownHarness({
  dataDir,
  clock,
  recorderHooks:
    mode === 'in-transaction' ? { beforeCommit: () => process.kill(process.pid, 'SIGKILL') } : {},
});
if (h.domain.catalog.get('a') === null) {
  h.domain.catalog.upsert([aTrack('a', {}, dataDir), aTrack('b', { status: 'free' }, dataDir)]);
  h.domain.applyServerState({ balanceThousandths: 1_000_000, asOfMs: 0 });
}
process.stdout.write('ready\n');
let i = 0;
for (;;) {
  h.listen(i++ % 3 === 2 ? 'b' : 'a');
  if (mode === 'after-commit') process.kill(process.pid, 'SIGKILL');
}
