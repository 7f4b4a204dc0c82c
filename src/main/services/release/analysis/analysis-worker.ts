import { parentPort } from 'node:worker_threads';
import { analyzeTrack } from '../../library/analysis/analyze-track';
import { analyzeAudio } from './analyze-audio';
import type { AnalysisReply, AnalysisTask } from './analysis-pool';

/**
 * The analysis worker's entry: decodes and measures one file per task (for
 * the release checks, or a library track's loudness, tempo and key), off
 * the main thread (a 5-minute track is a few seconds of CPU). One task at a
 * time: decoding is CPU-bound, so more in flight would not finish sooner.
 */
const port = parentPort;
if (!port) throw new Error('analysis-worker must run in a worker thread');

let queue: Promise<void> = Promise.resolve();
port.on('message', (task: AnalysisTask) => {
  queue = queue.then(async () => {
    let reply: AnalysisReply;
    try {
      reply = {
        id: task.id,
        analysis: task.kind === 'track' ? await analyzeTrack(task.file) : await analyzeAudio(task.file),
      };
    } catch (error) {
      reply = {
        id: task.id,
        analysis: { measured: false, reason: 'corrupt', detail: (error as Error).message },
      };
    }
    port.postMessage(reply);
  });
});
