import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { walkFolder } from '../../../src/main/services/library/scan/walk';

const root = mkdtempSync(join(tmpdir(), 'resonate-walk-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('walkFolder', () => {
  it('lists every file once, in order, through links to folders walked before and after, and loops', async () => {
    for (const file of ['a/x.mp3', 'a/deep/z.flac', 'b/y.ogg', 'd/w.opus', 'e/notes.txt', 'e/.hidden.mp3']) {
      mkdirSync(join(root, file, '..'), { recursive: true });
      writeFileSync(join(root, file), 'x');
    }
    symlinkSync('../a', join(root, 'b', 'link-to-a')); // a was walked before
    symlinkSync('d', join(root, 'c-link-to-d')); // d is walked after: walked here, then not again
    mkdirSync(join(root, 'f'));
    symlinkSync('..', join(root, 'f', 'loop')); // back to the root
    const seen: string[] = [];
    const listing = await walkFolder(root, undefined, (file) => seen.push(file.path));
    const paths = listing.files.map((f) => relative(root, f.path));
    // A folder's files come before its subfolders'.
    expect(paths).toEqual(['a/x.mp3', 'a/deep/z.flac', 'b/y.ogg', 'c-link-to-d/w.opus']);
    expect(seen).toEqual(listing.files.map((f) => f.path));
    expect(listing.files.every((f) => f.size === 1 && f.mtimeMs > 0)).toBe(true);
    expect(listing.problems).toEqual([]);
  });
});
