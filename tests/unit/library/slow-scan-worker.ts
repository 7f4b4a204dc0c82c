import { parentPort } from 'node:worker_threads';
import { readAudioFile } from '../../../src/main/services/library/tags/read-audio-file';

/**
 * A scan worker for tests, injected as `scanWorker`: files named `hang*`
 * never finish, files named `crash*` kill the worker, and every other file
 * is read as usual after `SLOW_MS` (from the file's name, e.g. `slow50-…`).
 */
parentPort!.on('message', async (task: { id: number; file: string }) => {
  const name = task.file.split('/').at(-1) ?? '';
  if (name.startsWith('hang')) return;
  if (name.startsWith('crash')) process.exit(3);
  const slow = /slow(\d+)/.exec(task.file);
  if (slow) await new Promise((r) => setTimeout(r, Number(slow[1])));
  try {
    parentPort!.postMessage({ id: task.id, ok: true, info: await readAudioFile(task.file) });
  } catch (error) {
    parentPort!.postMessage({ id: task.id, ok: false, reason: (error as { reason?: string }).reason ?? 'corrupt', detail: String(error) });
  }
});
// Loaded: the pool starts timing files from here.
parentPort!.postMessage('ready');
