import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFromTokenizer } from 'music-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedFile, CachedFileTokenizer } from '../../../src/main/services/library/tags/cached-file';
import { parseTokenizerFast } from '../../../src/main/services/library/tags/fast-parse';
import { makeFixtures, makeMp3WithCover } from './audio-fixtures';

let fx: ReturnType<typeof makeFixtures>;
beforeAll(() => {
  fx = makeFixtures();
});
afterAll(() => fx.cleanup());

async function parse(file: string, fast: boolean): Promise<unknown> {
  const cached = CachedFile.open(file);
  try {
    const tokenizer = new CachedFileTokenizer(cached, file);
    const options = { duration: false, skipCovers: false };
    return await (fast ? parseTokenizerFast(tokenizer, options) : parseFromTokenizer(tokenizer, options));
  } catch (error) {
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  } finally {
    cached.close();
  }
}

describe('parseTokenizerFast', () => {
  it('answers exactly what parseFromTokenizer answers, for every format, art and bad files', async () => {
    const cover = join(fx.dir, 'cover.mp3');
    makeMp3WithCover(cover);
    const text = join(fx.dir, 'text.ogg');
    writeFileSync(text, 'not audio at all '.repeat(50));
    const noExtension = join(fx.dir, 'flac-without-extension');
    writeFileSync(noExtension, readFileSync(fx.files.flac));
    for (const file of [...Object.values(fx.files), cover, text, noExtension]) {
      // The second fast parse checks that nothing leaks from one file into the next.
      const expected = await parse(file, false);
      expect(await parse(file, true), file).toEqual(expected);
      expect(await parse(file, true), file).toEqual(expected);
    }
  });
});
