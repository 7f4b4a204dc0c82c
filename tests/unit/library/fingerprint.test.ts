import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fingerprintFile } from '../../../src/main/services/library/tags/read-audio-file';

const dir = mkdtempSync(join(tmpdir(), 'resonate-fingerprint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The fingerprint as it has always been defined: sha1 of the size, then 16 KiB at the start, middle and end. */
function reference(bytes: Buffer): string {
  const sample = 16 * 1024;
  const hash = createHash('sha1').update(String(bytes.length));
  const middle = Math.max(0, Math.floor(bytes.length / 2) - sample / 2);
  for (const at of new Set([0, middle, Math.max(0, bytes.length - sample)]))
    hash.update(bytes.subarray(at, at + sample));
  return hash.digest('base64url');
}

describe('fingerprintFile', () => {
  it('keeps its definition for every size (tiny, one block, unaligned, large), so moves are recognised across versions', async () => {
    for (const size of [
      1,
      100,
      16 * 1024 - 1,
      16 * 1024,
      16 * 1024 + 1,
      20_000,
      32 * 1024 + 7,
      48 * 1024,
      100_003,
      1_000_000,
    ]) {
      const bytes = Buffer.alloc(size);
      for (let i = 0; i < size; i++) bytes[i] = (i * 7919 + size) & 0xff;
      const file = join(dir, `f${size}`);
      writeFileSync(file, bytes);
      expect(await fingerprintFile(file), `size ${size}`).toEqual({
        size,
        fingerprint: reference(readFileSync(file)),
      });
    }
  });
});
