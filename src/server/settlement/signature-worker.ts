import { parentPort } from 'node:worker_threads';
import { PublicKeyCache, verifyWithKeyCache } from './ed25519-key-cache';
import type { VerifyChunkReply, VerifyChunkTask } from './signature-pool';

/**
 * A signature worker of `SignaturePool`: verifies chunks of Ed25519
 * signatures and answers one byte per job (1 = valid). The messages arrive
 * as one transferred buffer with end offsets, so posting a chunk copies no
 * per-receipt objects.
 */
const port = parentPort;
if (!port) throw new Error('signature-worker must run as a worker thread');
const cache = new PublicKeyCache();

port.on('message', (task: VerifyChunkTask) => {
  const bytes = new Uint8Array(task.bytes);
  const ok = new Uint8Array(task.publicKeys.length);
  let start = 0;
  for (let i = 0; i < ok.length; i++) {
    const end = task.ends[i]!;
    ok[i] = verifyWithKeyCache(cache, task.publicKeys[i]!, bytes.subarray(start, end), task.signatures[i]!)
      ? 1
      : 0;
    start = end;
  }
  const reply: VerifyChunkReply = { id: task.id, ok };
  port.postMessage(reply, [ok.buffer]);
});
port.postMessage({ ready: true });
