import { renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { readAudioFile } from '../../../src/main/services/library/tags/read-audio-file';

/**
 * A scan worker for tests, injected as `scanWorker`: files named `hang*`
 * never finish (and, like a real blocked read, hold up the files behind
 * them), files named `crash*` kill the worker, and every other file is read
 * as usual after `SLOW_MS` (from the file's name, e.g. `slow50-…`). A file
 * named `*vanish*` moves its own folder away (to `<folder>-away`) before it
 * is read, as a user moving a folder mid-scan. Speaks
 * the real protocol: tasks in batches, read in order, answers in arrays.
 */
const queue: { id: number; file: string }[] = [];
let running = false;

parentPort!.on('message', (tasks: { id: number; file: string }[]) => {
  queue.push(...tasks);
  if (!running) void drain();
});

async function drain(): Promise<void> {
  running = true;
  while (queue.length > 0) await handle(queue.shift()!);
  running = false;
}

async function handle(task: { id: number; file: string }): Promise<void> {
  const name = task.file.split('/').at(-1) ?? '';
  if (name.startsWith('hang')) await new Promise(() => undefined);
  if (name.startsWith('crash')) process.exit(3);
  const folder = dirname(task.file);
  if (name.includes('vanish') && !folder.endsWith('-away')) renameSync(folder, `${folder}-away`);
  const slow = /slow(\d+)/.exec(task.file);
  if (slow) await new Promise((r) => setTimeout(r, Number(slow[1])));
  try {
    parentPort!.postMessage([{ id: task.id, ok: true, info: await readAudioFile(task.file) }]);
  } catch (error) {
    parentPort!.postMessage([
      {
        id: task.id,
        ok: false,
        reason: (error as { reason?: string }).reason ?? 'corrupt',
        detail: String(error),
      },
    ]);
  }
}
// Loaded: the pool starts timing files from here.
parentPort!.postMessage('ready');
