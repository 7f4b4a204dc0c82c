import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFromTokenizer } from 'music-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedFile, CachedFileTokenizer } from '../../../src/main/services/library/tags/cached-file';
import { parseTokenizerFast } from '../../../src/main/services/library/tags/fast-parse';
import { ffmpeg, FIXTURES, makeFixtures, makeMp3WithCover } from './audio-fixtures';

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
    // Long enough (more than 14 Ogg pages) for the Ogg path that stops after the comment header.
    const long = ['-f', 'lavfi', '-i', 'sine=frequency=330:duration=40', '-ac', '2'];
    const longOgg = join(fx.dir, 'long.ogg');
    ffmpeg([...long, ...FIXTURES.ogg, longOgg]);
    const longOpus = join(fx.dir, 'long.opus');
    ffmpeg([...long, ...FIXTURES.opus, longOpus]);
    const truncatedOpus = join(fx.dir, 'truncated.opus');
    const opusBytes = readFileSync(longOpus);
    writeFileSync(truncatedOpus, opusBytes.subarray(0, Math.floor(opusBytes.length * 0.6)));
    const headOnlyOpus = join(fx.dir, 'head-only.opus');
    writeFileSync(
      headOnlyOpus,
      Buffer.concat([opusBytes.subarray(0, 4000), opusBytes.subarray(opusBytes.length - 3000)]),
    );
    for (const file of [
      ...Object.values(fx.files),
      cover,
      text,
      noExtension,
      longOgg,
      longOpus,
      truncatedOpus,
    ]) {
      // The second fast parse checks that nothing leaks from one file into the next.
      const expected = await parse(file, false);
      expect(await parse(file, true), file).toEqual(expected);
      expect(await parse(file, true), file).toEqual(expected);
    }
    // Spliced pages (the head of one file, the tail of it right after): music-metadata meets the last page
    // among its 13 and computes a duration and bitrate from it; stopping after the tags does not. The tags
    // and the stream's format are the same (the library takes Ogg durations from the real last page anyway).
    const spliced = (await parse(headOnlyOpus, false)) as {
      common: unknown;
      native: unknown;
      format: Record<string, unknown>;
    };
    const splicedFast = (await parse(headOnlyOpus, true)) as typeof spliced;
    expect(splicedFast.common).toEqual(spliced.common);
    expect(splicedFast.native).toEqual(spliced.native);
    for (const key of ['container', 'codec', 'sampleRate', 'numberOfChannels'])
      expect(splicedFast.format[key]).toEqual(spliced.format[key]);
  });
});
