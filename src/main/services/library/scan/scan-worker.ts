import { parentPort } from 'node:worker_threads';
import { FileProblem, readAudioFile } from '../tags/read-audio-file';
import type { WorkerReply, WorkerTask } from './worker-protocol';

/**
 * The scan worker's entry: reads one file per task, off the main thread.
 * Several tasks may be in flight; each reply names its task.
 */
const port = parentPort;
if (!port) throw new Error('scan-worker must run in a worker thread');

port.on('message', (task: WorkerTask) => {
  void handle(task).then((reply) => port.postMessage(reply));
});
// Loaded: the pool starts timing files from here.
port.postMessage('ready');

async function handle(task: WorkerTask): Promise<WorkerReply> {
  try {
    return { id: task.id, ok: true, info: await readAudioFile(task.file) };
  } catch (error) {
    const problem =
      error instanceof FileProblem
        ? error
        : new FileProblem('corrupt', error instanceof Error ? error.message : String(error));
    return { id: task.id, ok: false, reason: problem.reason, detail: problem.message };
  }
}
