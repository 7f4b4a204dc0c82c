import { parentPort } from 'node:worker_threads';
import { FileProblem, readAudioFile } from '../tags/read-audio-file';
import type { WorkerReply, WorkerReplyMessage, WorkerTask, WorkerTaskMessage } from './worker-protocol';

/**
 * The scan worker's entry: reads files off the main thread, one after
 * another in the order received (reads are synchronous: this thread has
 * nothing else to do), answering in batches.
 */
const port = parentPort;
if (!port) throw new Error('scan-worker must run in a worker thread');

/** Answers are sent when this many are ready, when the queue is empty, or after `FLUSH_MS`. */
const FLUSH_COUNT = 32;
const FLUSH_MS = 25;

const queue: WorkerTask[] = [];
let running = false;

port.on('message', (tasks: WorkerTaskMessage) => {
  for (const task of tasks) queue.push(task);
  if (!running) void drain();
});
// Loaded: the pool starts timing files from here.
port.postMessage('ready' satisfies WorkerReplyMessage);

async function drain(): Promise<void> {
  running = true;
  let out: WorkerReply[] = [];
  let lastFlush = performance.now();
  const flush = () => {
    if (out.length) port!.postMessage(out satisfies WorkerReplyMessage);
    out = [];
    lastFlush = performance.now();
  };
  try {
    while (queue.length > 0) {
      out.push(await handle(queue.shift()!));
      if (out.length >= FLUSH_COUNT || performance.now() - lastFlush >= FLUSH_MS) {
        flush();
        // Let the next batch of tasks in before the queue runs dry.
        if (queue.length < FLUSH_COUNT) await new Promise((r) => setImmediate(r));
      }
    }
  } finally {
    flush();
    running = false;
  }
}

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
