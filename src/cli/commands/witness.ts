import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { fromBase64, toBase64 } from '../../shared/tlog/hash';
import {
  cosignatureLine,
  formatVkey,
  parseVkey,
  publicKeyOf,
  SIG_COSIGNATURE_V1,
  SIG_ED25519,
  verifyCheckpoint,
} from '../../shared/tlog/note';
import { verifyConsistency } from '../../shared/tlog/proof';
import { parseCommandArgs, printJson, type CliCommand } from '../command';

/**
 * `witness --log <url> --key <file> [--state <file>] [--once]`: an independent
 * witness of a Resonate transparency log (docs/transparency-log.md §6). Each
 * round: fetch the checkpoint, verify the log signature, check it against the
 * last checkpoint this witness cosigned (same size → same root; larger →
 * a verified consistency proof), cosign (C2SP tlog-cosignature v1) and post
 * the cosignature. Any inconsistency is refused, printed as JSON with both
 * notes as evidence, and the state never moves past it.
 */
export interface WitnessKey {
  name: string;
  /** base64 of the 32-byte Ed25519 seed. */
  privateKey: string;
}

export interface WitnessState {
  logVkey: string;
  origin: string;
  size: number;
  /** base64. */
  root: string;
  note: string;
}

export type RefusalReason =
  | 'split_view'
  | 'rollback'
  | 'inconsistent'
  | 'bad_signature'
  | 'wrong_origin'
  | 'unreachable'
  | 'malformed'
  | 'post_failed';

export type WitnessReport =
  | { ok: true; event: 'cosigned'; size: number; root: string; witness: string }
  | { ok: true; event: 'unchanged'; size: number }
  | {
      ok: false;
      event: 'refused';
      reason: RefusalReason;
      message: string;
      evidence?: { cosigned: string | null; offered: string };
    };

export interface RoundOptions {
  log: string;
  key: WitnessKey;
  state: WitnessState | null;
  /** Pinned log vkey (--log-key); else the state's; else fetched once and pinned. */
  logVkey?: string;
  nowSeconds?: () => number;
  fetch?: typeof fetch;
}

export function witnessVkey(key: WitnessKey): string {
  return formatVkey(key.name, SIG_COSIGNATURE_V1, publicKeyOf(seedOf(key)));
}

function seedOf(key: WitnessKey): Uint8Array {
  const seed = fromBase64(key.privateKey);
  if (seed.length !== 32) throw new Error('the witness key file holds a base64 32-byte Ed25519 seed');
  return seed;
}

class Refusal extends Error {
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
  }
}

async function fetchText(
  f: typeof fetch,
  url: string,
  init?: RequestInit,
): Promise<{ status: number; text: string }> {
  let response: Response;
  try {
    response = await f(url, { ...init, signal: AbortSignal.timeout(15_000) });
  } catch (error) {
    throw new Refusal('unreachable', `${url}: ${(error as Error).message}`);
  }
  return { status: response.status, text: await response.text() };
}

/** One witness round; answers what to print and the state to keep (unchanged unless it cosigned). */
export async function witnessRound(
  o: RoundOptions,
): Promise<{ report: WitnessReport; state: WitnessState | null }> {
  const f = o.fetch ?? fetch;
  const base = o.log.replace(/\/+$/, '');
  let offered = '';
  try {
    let logVkey = o.logVkey ?? o.state?.logVkey;
    if (!logVkey) {
      const key = await fetchText(f, `${base}/v1/log/key`);
      if (key.status !== 200) throw new Refusal('unreachable', `GET /v1/log/key answered ${key.status}`);
      logVkey = (JSON.parse(key.text) as { vkey: string }).vkey;
    }
    if (parseVkey(logVkey).type !== SIG_ED25519)
      throw new Refusal('malformed', 'the log vkey is not an Ed25519 (0x01) key');
    const cp = await fetchText(f, `${base}/v1/log/checkpoint`);
    if (cp.status !== 200) throw new Refusal('unreachable', `GET /v1/log/checkpoint answered ${cp.status}`);
    offered = cp.text;
    const verdict = verifyCheckpoint(cp.text, logVkey);
    if (!verdict.ok)
      throw new Refusal(
        verdict.reason.startsWith('malformed')
          ? 'malformed'
          : verdict.reason.includes('origin')
            ? 'wrong_origin'
            : 'bad_signature',
        verdict.reason,
      );
    const { checkpoint, note } = verdict;
    const root = toBase64(checkpoint.root);
    const last = o.state;
    if (last) {
      if (checkpoint.origin !== last.origin)
        throw new Refusal('wrong_origin', `origin ${checkpoint.origin}, cosigned ${last.origin}`);
      if (checkpoint.size < last.size)
        throw new Refusal(
          'rollback',
          `the log shows size ${checkpoint.size}, after this witness cosigned ${last.size}`,
        );
      if (checkpoint.size === last.size) {
        if (root !== last.root)
          throw new Refusal(
            'split_view',
            `two different roots for size ${checkpoint.size}: cosigned ${last.root}, now shown ${root}`,
          );
        return { report: { ok: true, event: 'unchanged', size: checkpoint.size }, state: last };
      }
      const proof = await fetchText(
        f,
        `${base}/v1/log/proof/consistency?from=${last.size}&to=${checkpoint.size}`,
      );
      if (proof.status !== 200)
        throw new Refusal(
          'inconsistent',
          `no consistency proof ${last.size} → ${checkpoint.size} (HTTP ${proof.status})`,
        );
      const hashes = (JSON.parse(proof.text) as { proof: string[] }).proof.map(fromBase64);
      const check = verifyConsistency(
        last.size,
        checkpoint.size,
        fromBase64(last.root),
        checkpoint.root,
        hashes,
      );
      if (!check.ok)
        throw new Refusal(
          'inconsistent',
          `size ${checkpoint.size} does not extend the cosigned size ${last.size}: ${check.reason}`,
        );
    }
    const seed = seedOf(o.key);
    const time = Math.floor(o.nowSeconds?.() ?? Date.now() / 1000);
    // Our line replaces any of the log's published cosignatures in what we post: the log signature and ours.
    const logLine = note.signatures.find((s) => s.name === checkpoint.origin)!.line;
    const cosigned = `${note.body}\n${logLine}${cosignatureLine(note.body, o.key.name, seed, time)}`;
    const post = await fetchText(f, `${base}/v1/log/cosignatures`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ vkey: witnessVkey(o.key), cosigned }),
    });
    if (post.status !== 201)
      throw new Refusal(
        'post_failed',
        `the log refused the cosignature (HTTP ${post.status}): ${post.text.slice(0, 300)}`,
      );
    return {
      report: { ok: true, event: 'cosigned', size: checkpoint.size, root, witness: o.key.name },
      state: { logVkey, origin: checkpoint.origin, size: checkpoint.size, root, note: cp.text },
    };
  } catch (error) {
    const refusal = error instanceof Refusal ? error : new Refusal('malformed', (error as Error).message);
    const evidence = offered ? { cosigned: o.state?.note ?? null, offered } : undefined;
    return {
      report: {
        ok: false,
        event: 'refused',
        reason: refusal.reason,
        message: refusal.message,
        ...(evidence ? { evidence } : {}),
      },
      state: o.state,
    };
  }
}

async function loadKey(file: string, name: string | undefined): Promise<WitnessKey> {
  if (!existsSync(file)) {
    const key: WitnessKey = {
      name: name ?? `witness.local/${randomBytes(4).toString('hex')}`,
      privateKey: randomBytes(32).toString('base64'),
    };
    await writeFile(file, `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    printJson({ ok: true, event: 'key_created', file, vkey: witnessVkey(key) });
    return key;
  }
  const key = JSON.parse(await readFile(file, 'utf8')) as WitnessKey;
  if (typeof key.name !== 'string' || typeof key.privateKey !== 'string')
    throw new Error(`${file} is not a witness key file ({ name, privateKey })`);
  witnessVkey(key); // validates the name and seed
  return key;
}

async function loadState(file: string): Promise<WitnessState | null> {
  if (!existsSync(file)) return null;
  return JSON.parse(await readFile(file, 'utf8')) as WitnessState;
}

/** Written to a temporary file and renamed: a crash never leaves half a state. */
async function saveState(file: string, state: WitnessState): Promise<void> {
  await writeFile(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
}

export const witnessCommand: CliCommand = {
  name: 'witness',
  summary:
    "witness --log <url> --key <file> [--state <file>] [--once] [--interval-ms <n>] [--name <key name>] [--log-key <vkey>]: cosign a transparency log's consistent checkpoints",
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      log: { type: 'string' },
      key: { type: 'string' },
      state: { type: 'string' },
      once: { type: 'boolean' },
      'interval-ms': { type: 'string' },
      name: { type: 'string' },
      'log-key': { type: 'string' },
    });
    if (!values.log || !values.key)
      throw new Error(
        'Usage: witness --log <url> --key <file> [--state <file>] [--once] [--interval-ms <n>] [--name <key name>] [--log-key <vkey>]',
      );
    const interval = Number(values['interval-ms'] ?? 10_000);
    if (!Number.isInteger(interval) || interval < 100)
      throw new Error('--interval-ms is a whole number of milliseconds, at least 100');
    const key = await loadKey(values.key, values.name);
    const stateFile = values.state ?? `${values.key.replace(/\.json$/, '')}.state.json`;
    let state = await loadState(stateFile);
    let stop = false;
    process.once('SIGINT', () => (stop = true));
    process.once('SIGTERM', () => (stop = true));
    for (;;) {
      const round = await witnessRound({ log: values.log, key, state, logVkey: values['log-key'] });
      printJson(round.report);
      if (round.state && round.state !== state) {
        state = round.state;
        await saveState(stateFile, state);
      }
      if (values.once) return round.report.ok ? 0 : 1;
      if (stop) return 0;
      await new Promise((resolve) => setTimeout(resolve, interval));
      if (stop) return 0;
    }
  },
};
