import { ed25519 } from '@noble/curves/ed25519.js';
import {
  concatBytes,
  equalBytes,
  fromBase64,
  hashFromBase64,
  sha256Bytes,
  toBase64,
  toHex,
  utf8Bytes,
  type Hash,
} from './hash';

/**
 * C2SP signed notes, checkpoints and cosignatures (docs/transparency-log.md §3):
 * format, parse, sign and verify. Ed25519 only (signature types 0x01 for the
 * log, 0x04 for cosignature/v1).
 */
export const SIG_ED25519 = 0x01;
export const SIG_COSIGNATURE_V1 = 0x04;
export const MAX_NOTE_BYTES = 64 * 1024;
export const MAX_SIGNATURES = 64;
const DASH = '\u2014 ';

export interface Checkpoint {
  origin: string;
  size: number;
  root: Hash;
  /** Lines after the root, before the blank line (none from this server). */
  extensions: string[];
}

export interface NoteSignature {
  name: string;
  keyId: Uint8Array;
  /** The bytes after the key id. */
  signature: Uint8Array;
  line: string;
}

export interface Note {
  /** Every body line with its \n: the signed message. */
  body: string;
  signatures: NoteSignature[];
}

export interface Vkey {
  name: string;
  type: number;
  publicKey: Uint8Array;
  keyId: Uint8Array;
}

const validName = (name: string) => name.length > 0 && name.length <= 256 && !/[\s+]/.test(name);

/** SHA-256(name || 0x0A || type || public key)[0:4]. */
export function keyIdOf(name: string, type: number, publicKey: Uint8Array): Uint8Array {
  return sha256Bytes(concatBytes(utf8Bytes(`${name}\n`), Uint8Array.of(type), publicKey)).subarray(0, 4);
}

export function formatVkey(name: string, type: number, publicKey: Uint8Array): string {
  if (!validName(name)) throw new Error(`invalid key name ${JSON.stringify(name)}`);
  return `${name}+${toHex(keyIdOf(name, type, publicKey))}+${toBase64(concatBytes(Uint8Array.of(type), publicKey))}`;
}

export function parseVkey(vkey: string): Vkey {
  // The base64 may itself contain '+': only the first two separate.
  const m = /^([^+]*)\+([0-9a-f]{8})\+(.+)$/.exec(vkey);
  if (!m) throw new Error('a vkey is <name>+<hex key id>+<base64 key>');
  const [, name, hexId, b64] = m as unknown as [string, string, string, string];
  if (!validName(name)) throw new Error('the vkey name is empty or has spaces');
  const material = fromBase64(b64);
  if (material.length !== 33) throw new Error('an Ed25519 vkey holds a type byte and 32 key bytes');
  const type = material[0]!;
  if (type !== SIG_ED25519 && type !== SIG_COSIGNATURE_V1)
    throw new Error(`signature type 0x${type.toString(16)} is not supported`);
  const publicKey = material.subarray(1);
  const keyId = keyIdOf(name, type, publicKey);
  if (toHex(keyId) !== hexId) throw new Error('the vkey key id does not match its name and key');
  return { name, type, publicKey, keyId };
}

export function publicKeyOf(seed: Uint8Array): Uint8Array {
  return ed25519.getPublicKey(seed);
}

export function newSeed(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(32));
}

export function formatCheckpoint(c: { origin: string; size: number; root: Hash }): string {
  if (!c.origin || /\n/.test(c.origin)) throw new Error('the origin is one non-empty line');
  if (!Number.isSafeInteger(c.size) || c.size < 0) throw new Error('the size is a non-negative integer');
  if (c.root.length !== 32) throw new Error('the root is 32 bytes');
  return `${c.origin}\n${c.size}\n${toBase64(c.root)}\n`;
}

export function parseCheckpoint(body: string): Checkpoint {
  if (!body.endsWith('\n')) throw new Error('the checkpoint body must end with a newline');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) throw new Error('a checkpoint has an origin, a size and a root line');
  if (lines.some((l) => l === '')) throw new Error('a checkpoint has no empty lines');
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (!/^(?:0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText)))
    throw new Error(`the size ${JSON.stringify(sizeText)} is not a decimal without leading zeros`);
  return { origin, size: Number(sizeText), root: hashFromBase64(rootText, 'the root'), extensions };
}

export function parseNote(text: string): Note {
  if (utf8Bytes(text).length > MAX_NOTE_BYTES) throw new Error('the note is too long');
  if (!text.endsWith('\n')) throw new Error('a note ends with a newline');
  const split = text.lastIndexOf('\n\n');
  if (split < 0) throw new Error('a note has a blank line before its signatures');
  const body = text.slice(0, split + 1);
  const lines = text.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new Error('too many signatures');
  const signatures = lines.map((line): NoteSignature => {
    if (!line.startsWith(DASH))
      throw new Error(
        `a signature line starts with an em dash and a space: ${JSON.stringify(line.slice(0, 40))}`,
      );
    const rest = line.slice(DASH.length).split(' ');
    if (rest.length !== 2 || !validName(rest[0]!)) throw new Error('a signature line is — <name> <base64>');
    const bytes = fromBase64(rest[1]!);
    if (bytes.length < 5) throw new Error('a signature is a 4-byte key id and the signature');
    return { name: rest[0]!, keyId: bytes.subarray(0, 4), signature: bytes.subarray(4), line: `${line}\n` };
  });
  return { body, signatures };
}

function signatureLine(name: string, keyId: Uint8Array, signature: Uint8Array): string {
  return `${DASH}${name} ${toBase64(concatBytes(keyId, signature))}\n`;
}

/** The signed note of a checkpoint, signed by the log key (name = origin by convention). */
export function signCheckpoint(
  c: { origin: string; size: number; root: Hash },
  keyName: string,
  seed: Uint8Array,
): string {
  const body = formatCheckpoint(c);
  const sig = ed25519.sign(utf8Bytes(body), seed);
  return `${body}\n${signatureLine(keyName, keyIdOf(keyName, SIG_ED25519, publicKeyOf(seed)), sig)}`;
}

function ed25519Verifies(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return ed25519.verify(signature, message, publicKey);
  } catch {
    return false;
  }
}

export type CheckpointVerdict =
  { ok: true; checkpoint: Checkpoint; note: Note } | { ok: false; reason: string };

/** Parses a checkpoint note and verifies the log's signature with its vkey (type 0x01). */
export function verifyCheckpoint(text: string, logVkey: string | Vkey): CheckpointVerdict {
  let note: Note;
  let checkpoint: Checkpoint;
  let key: Vkey;
  try {
    key = typeof logVkey === 'string' ? parseVkey(logVkey) : logVkey;
    note = parseNote(text);
    checkpoint = parseCheckpoint(note.body);
  } catch (error) {
    return { ok: false, reason: `malformed: ${(error as Error).message}` };
  }
  if (key.type !== SIG_ED25519) return { ok: false, reason: 'the log key is not an Ed25519 (0x01) key' };
  if (checkpoint.origin !== key.name)
    return { ok: false, reason: `the checkpoint's origin ${checkpoint.origin} is not the log's ${key.name}` };
  const mine = note.signatures.filter((s) => s.name === key.name && equalBytes(s.keyId, key.keyId));
  if (!mine.length) return { ok: false, reason: 'no signature by the log key' };
  const message = utf8Bytes(note.body);
  if (!mine.every((s) => s.signature.length === 64 && ed25519Verifies(s.signature, message, key.publicKey)))
    return { ok: false, reason: 'the log signature does not verify' };
  return { ok: true, checkpoint, note };
}

function cosignedMessage(body: string, time: number): Uint8Array {
  return utf8Bytes(`cosignature/v1\ntime ${time}\n${body}`);
}

/** A witness's cosignature line for a checkpoint body (tlog-cosignature v1), at POSIX time `time` seconds. */
export function cosignatureLine(body: string, witnessName: string, seed: Uint8Array, time: number): string {
  if (!Number.isSafeInteger(time) || time < 0) throw new Error('the time is non-negative whole seconds');
  const ts = new Uint8Array(8);
  new DataView(ts.buffer).setBigUint64(0, BigInt(time));
  const sig = ed25519.sign(cosignedMessage(body, time), seed);
  return signatureLine(
    witnessName,
    keyIdOf(witnessName, SIG_COSIGNATURE_V1, publicKeyOf(seed)),
    concatBytes(ts, sig),
  );
}

export interface Cosignature {
  name: string;
  vkey: string;
  time: number;
  line: string;
}

/** The cosignatures in a note that verify under one of the given witness vkeys (type 0x04); lines of unknown keys are ignored. */
export function verifiedCosignatures(note: Note, witnessVkeys: Array<string | Vkey>): Cosignature[] {
  const found: Cosignature[] = [];
  for (const raw of witnessVkeys) {
    const key = typeof raw === 'string' ? parseVkey(raw) : raw;
    if (key.type !== SIG_COSIGNATURE_V1) continue;
    for (const s of note.signatures) {
      if (s.name !== key.name || !equalBytes(s.keyId, key.keyId) || s.signature.length !== 72) continue;
      const time = Number(new DataView(s.signature.buffer, s.signature.byteOffset, 8).getBigUint64(0));
      if (!Number.isSafeInteger(time)) continue;
      if (ed25519Verifies(s.signature.subarray(8), cosignedMessage(note.body, time), key.publicKey)) {
        found.push({
          name: key.name,
          vkey: formatVkey(key.name, key.type, key.publicKey),
          time,
          line: s.line,
        });
        break;
      }
    }
  }
  return found;
}

/** The note with more signature lines appended (each ending in \n). */
export function withSignatures(noteText: string, lines: string[]): string {
  return noteText + lines.join('');
}
