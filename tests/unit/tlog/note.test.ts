import { describe, expect, it } from 'vitest';
import {
  cosignatureLine,
  formatVkey,
  leafHash,
  MerkleTree,
  parseNote,
  parseVkey,
  publicKeyOf,
  SIG_COSIGNATURE_V1,
  SIG_ED25519,
  signCheckpoint,
  toBase64,
  utf8Bytes,
  verifiedCosignatures,
  verifyCheckpoint,
  withSignatures,
} from '../../../src/shared/tlog';

const seed = (n: number) => Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + n) & 0xff);
const ORIGIN = 'example.test/resonate-log';
const LOG_SEED = seed(1);
const LOG_VKEY = formatVkey(ORIGIN, SIG_ED25519, publicKeyOf(LOG_SEED));

function checkpointOf(size: number) {
  const tree = new MerkleTree();
  for (let i = 0; i < size; i++) tree.append(leafHash(utf8Bytes(`leaf ${i}`)));
  return { origin: ORIGIN, size, root: tree.root() };
}

describe('checkpoints as C2SP signed notes', () => {
  it('a signed checkpoint has the tlog-checkpoint body, a blank line and the log signature line, and verifies', () => {
    const c = checkpointOf(5);
    const note = signCheckpoint(c, ORIGIN, LOG_SEED);
    const lines = note.split('\n');
    expect(lines.slice(0, 4)).toEqual([ORIGIN, '5', toBase64(c.root), '']);
    expect(lines[4]).toMatch(/^\u2014 example\.test\/resonate-log [A-Za-z0-9+/]+=*$/);
    // 4-byte key id + 64-byte signature.
    expect(atob(lines[4]!.split(' ')[2]!).length).toBe(68);
    const verdict = verifyCheckpoint(note, LOG_VKEY);
    expect(verdict.ok && verdict.checkpoint.size).toBe(5);
  });

  it('the vkey carries the key id SHA-256(name || \\n || 0x01 || key)[:4] and round-trips', () => {
    const key = parseVkey(LOG_VKEY);
    expect(key.name).toBe(ORIGIN);
    expect(key.type).toBe(SIG_ED25519);
    expect(key.publicKey).toEqual(publicKeyOf(LOG_SEED));
    const [, hexId] = LOG_VKEY.split('+');
    expect(hexId).toHaveLength(8);
    expect(() => parseVkey(LOG_VKEY.replace(/\+[0-9a-f]{8}\+/, '+00000000+'))).toThrow(/key id/);
  });

  it('a forged signature, another key, a changed size or root, or a missing log signature are refused with a reason', () => {
    const note = signCheckpoint(checkpointOf(5), ORIGIN, LOG_SEED);
    const otherKey = signCheckpoint(checkpointOf(5), ORIGIN, seed(2));
    expect(verifyCheckpoint(otherKey, LOG_VKEY)).toEqual({
      ok: false,
      reason: 'no signature by the log key',
    });
    const resized = note.replace('\n5\n', '\n6\n');
    expect(verifyCheckpoint(resized, LOG_VKEY)).toEqual({
      ok: false,
      reason: 'the log signature does not verify',
    });
    const reRooted = note.replace(toBase64(checkpointOf(5).root), toBase64(checkpointOf(6).root));
    expect(verifyCheckpoint(reRooted, LOG_VKEY).ok).toBe(false);
    const sigOnly = note.split('\n');
    const forged = [...sigOnly.slice(0, 4), sigOnly[4]!.slice(0, -6) + 'AAAAA=', ''].join('\n');
    expect(verifyCheckpoint(forged, LOG_VKEY).ok).toBe(false);
    expect(verifyCheckpoint(`${ORIGIN}\n5\n${toBase64(checkpointOf(5).root)}\n`, LOG_VKEY).ok).toBe(false);
    expect(verifyCheckpoint('garbage', LOG_VKEY)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^malformed/),
    });
    expect(verifyCheckpoint(note.replace('\n5\n', '\n05\n'), LOG_VKEY)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/leading zeros/),
    });
  });

  it('two instances signing the same size produce the same note (Ed25519 is deterministic)', () => {
    expect(signCheckpoint(checkpointOf(9), ORIGIN, LOG_SEED)).toBe(
      signCheckpoint(checkpointOf(9), ORIGIN, LOG_SEED),
    );
  });
});

describe('witness cosignatures (tlog-cosignature v1)', () => {
  const W_SEED = seed(3);
  const W_NAME = 'witness.example/w1';
  const W_VKEY = formatVkey(W_NAME, SIG_COSIGNATURE_V1, publicKeyOf(W_SEED));

  it('a cosignature line carries key id, 8-byte time and signature, and verifies over cosignature/v1 + time + body', () => {
    const note = signCheckpoint(checkpointOf(3), ORIGIN, LOG_SEED);
    const body = parseNote(note).body;
    const line = cosignatureLine(body, W_NAME, W_SEED, 1_700_000_000);
    expect(atob(line.trim().split(' ')[2]!).length).toBe(4 + 8 + 64);
    const cosigned = withSignatures(note, [line]);
    expect(verifyCheckpoint(cosigned, LOG_VKEY).ok).toBe(true);
    expect(verifiedCosignatures(parseNote(cosigned), [W_VKEY])).toEqual([
      { name: W_NAME, vkey: W_VKEY, time: 1_700_000_000, line },
    ]);
  });

  it('a cosignature over another checkpoint, by another key, or with its time changed does not count', () => {
    const note3 = signCheckpoint(checkpointOf(3), ORIGIN, LOG_SEED);
    const note4 = signCheckpoint(checkpointOf(4), ORIGIN, LOG_SEED);
    const lineFor3 = cosignatureLine(parseNote(note3).body, W_NAME, W_SEED, 100);
    expect(verifiedCosignatures(parseNote(withSignatures(note4, [lineFor3])), [W_VKEY])).toEqual([]);
    const byOther = cosignatureLine(parseNote(note3).body, W_NAME, seed(4), 100);
    expect(verifiedCosignatures(parseNote(withSignatures(note3, [byOther])), [W_VKEY])).toEqual([]);
    const raw = Uint8Array.from(atob(lineFor3.trim().split(' ')[2]!), (c) => c.charCodeAt(0));
    raw[11] = raw[11]! ^ 1;
    const retimed = `\u2014 ${W_NAME} ${toBase64(raw)}\n`;
    expect(verifiedCosignatures(parseNote(withSignatures(note3, [retimed])), [W_VKEY])).toEqual([]);
  });
});
