import { hostname } from 'node:os';
import { SyncApiError, type SyncApiClient } from './api-client';
import { connection, emitAccount, emitStatus, NotSignedIn, type Connection } from './connection';
import type { RunResult } from './scheduler';
import { emitSafely, emitWallet, type SyncParts } from './sync-parts';

/**
 * Makes sure the server knows every device key that signed a receipt still
 * waiting, and this device's current key. A current key the server knows
 * under another account gets a new identity here (keys are per account);
 * receipts signed by it stay and will be answered by that account's server.
 */
export async function ensureDevices(p: SyncParts, conn: Connection): Promise<void> {
  const { stream2own } = p.deps;
  const current = stream2own.identity().deviceId;
  const ids = new Set([current, ...p.store.devicesWithPendingReceipts()]);
  for (const deviceId of ids) {
    if (p.store.isDeviceRegistered(deviceId, conn.key, conn.userId)) continue;
    const publicKey = stream2own.outbox.devicePublicKey(deviceId);
    if (!publicKey) continue;
    const result = await conn.api.registerDevice({
      id: deviceId,
      name: p.deps.deviceName ?? `Resonate on ${hostname()}`.slice(0, 100),
      publicKey,
    });
    if (result === 'exists') {
      const mine = (await conn.api.listDevices()).devices.some(
        (d) => d.id === deviceId && d.publicKey === publicKey,
      );
      if (!mine) {
        if (deviceId === current) {
          p.log.warn(
            { deviceId },
            'this device key is registered to another account; making a new device identity',
          );
          stream2own.rotateIdentity();
          return ensureDevices(p, conn);
        }
        p.log.warn({ deviceId }, 'receipts of a device registered to another account stay in the outbox');
        continue;
      }
    }
    p.store.deviceRegistered(deviceId, conn.key, conn.userId, p.deps.clock.nowMs());
    if (deviceId === current) emitAccount(p);
  }
}

/**
 * The server's highest seq per device of ours: the next receipt takes a
 * higher one, so a device restored from a backup never replays a seq.
 */
async function learnSeqs(p: SyncParts, api: SyncApiClient): Promise<void> {
  const { outbox } = p.deps.stream2own;
  const { devices } = await api.listDevices();
  for (const d of devices) {
    if (d.lastSeq === undefined || outbox.devicePublicKey(d.id) !== d.publicKey) continue;
    if (outbox.raiseNextSeq(d.id, d.lastSeq))
      p.log.warn(
        { deviceId: d.id, lastSeq: d.lastSeq },
        'the server has seen higher receipt numbers from this device (restored from a backup?); continuing after them',
      );
  }
}

async function push(p: SyncParts, api: SyncApiClient): Promise<void> {
  const { clock, stream2own, events } = p.deps;
  // Bounded, so a server that keeps answering "try later" for some receipts cannot loop us;
  // receipts kept for a retry wait until their time, so they are not in the next batch.
  for (let round = 0; round < 1000; round++) {
    const batch = p.store.unansweredBatch(p.batchSize, clock.nowMs());
    if (batch.length === 0) return;
    const answer = await api.pushReceipts(stream2own.identity().deviceId, batch);
    const outcome = p.store.applyPushAnswer(batch, answer, clock.nowMs());
    for (const c of outcome.corrections) emitSafely(p, () => events.emit('sync.correction', c));
    emitWallet(p);
    if (batch.length < p.batchSize) return;
  }
}

async function pull(p: SyncParts, api: SyncApiClient): Promise<void> {
  const { clock, stream2own } = p.deps;
  for (let page = 0; page < 1000; page++) {
    const answer = await api.pull(stream2own.identity().deviceId, p.store.account().cursor);
    p.store.applyPull(answer, clock.nowMs(), (trackId) => p.downloads.fileOf(trackId));
    if (answer.deviceRevoked) {
      // A revoked key can sign nothing the server accepts: new key, new device id, registered next run.
      p.log.warn(
        { deviceId: stream2own.identity().deviceId },
        'this device was revoked on the server; making a new device identity',
      );
      stream2own.rotateIdentity();
    }
    if (answer.catalog.complete) break;
  }
  emitWallet(p);
}

/** One sync: devices, seqs, push, pull; then the check after a sync (the public log), whose failure is its own. */
export async function runSync(p: SyncParts): Promise<RunResult> {
  const { engine } = p;
  let conn;
  try {
    conn = await connection(p);
  } catch (error) {
    if (error instanceof NotSignedIn) {
      engine.state = 'signed_out';
      emitStatus(p);
      return { ok: false, retry: false };
    }
    return failed(p, error);
  }
  engine.state = 'syncing';
  engine.lastAttemptAtMs = p.deps.clock.nowMs();
  const startedAtMs = engine.lastAttemptAtMs;
  emitStatus(p);
  try {
    await ensureDevices(p, conn);
    await learnSeqs(p, conn.api);
    await push(p, conn.api);
    await pull(p, conn.api);
    engine.state = 'online';
    engine.lastError = null;
    emitStatus(p);
  } catch (error) {
    return failed(p, error);
  }
  if (p.deps.afterSync)
    await p.deps
      .afterSync({ serverKey: conn.key, startedAtMs })
      .catch((error: unknown) => p.log.error({ err: error }, 'the check after the sync failed'));
  return { ok: true };
}

/** A sync that did not complete: offline, signed out (401: the outbox stays), or an error; retried unless signed out. */
function failed(p: SyncParts, error: unknown): RunResult {
  const { engine } = p;
  engine.lastAttemptAtMs = p.deps.clock.nowMs();
  let retry = true;
  if (error instanceof SyncApiError) {
    if (error.kind === 'network' || error.kind === 'timeout') {
      engine.state = 'offline';
      engine.lastError = { code: error.kind, message: error.message };
    } else if (error.status === 401) {
      // The session expired or was ended elsewhere: sign in again. The outbox stays.
      engine.state = 'signed_out';
      engine.lastError = { code: 'unauthenticated', message: 'The session ended; sign in again to sync.' };
      p.sessions.clear();
      p.store.signedOut();
      retry = false;
      emitAccount(p);
    } else {
      engine.state = 'error';
      engine.lastError = { code: error.kind === 'http' ? 'other' : error.kind, message: error.message };
    }
  } else {
    engine.state = 'error';
    engine.lastError = { code: 'other', message: error instanceof Error ? error.message : String(error) };
    p.log.error({ err: error }, 'sync failed');
  }
  p.log.info({ state: engine.state, error: engine.lastError }, 'sync did not complete');
  emitStatus(p);
  return { ok: false, retry };
}
