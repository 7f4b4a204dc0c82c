import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TlogParts } from './tlog-parts';

/** `tlog.exportEvidence`: every failure's signed notes, in a file of the data dir only this user can read. */
export function exportEvidence(p: TlogParts): { path: string; failures: number } {
  const { deps, store } = p;
  const failures = store.evidence();
  const dir = join(deps.dataDir, 'tlog-evidence');
  mkdirSync(dir, { recursive: true });
  const nowMs = deps.clock.nowMs();
  const path = join(dir, `evidence-${new Date(nowMs).toISOString().replace(/[:.]/g, '-')}.json`);
  const serverKey = deps.serverKey();
  const body = {
    format: 'resonate/tlog-evidence',
    version: 1,
    exportedAt: new Date(nowMs).toISOString(),
    about:
      'Each failure keeps the checkpoint this app had verified (keptCheckpoint) and the one the server offered (offeredCheckpoint), both signed by the log key (logKey); see docs/transparency-log.md.',
    latest: { serverKey, checkpoint: store.latest(serverKey) },
    failures,
  };
  writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
  return { path, failures: failures.length };
}
