import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixtures, place } from '../../unit/library/audio-fixtures';
import { tempDir } from './library-harness';

const run = promisify(execFile);
let fx: ReturnType<typeof makeFixtures>;
let music: string;
let data: string;
beforeAll(() => {
  fx = makeFixtures();
  music = tempDir();
  data = tempDir('resonate-cli-data-');
  place(fx.files.mp3, join(music, 'a', 'one.mp3'));
  place(fx.files.flac, join(music, 'a', 'two.flac'));
  place(fx.files.opus, join(music, 'b', 'three.opus'));
  writeFileSync(join(music, 'b', 'broken.m4a'), 'nope');
});
afterAll(() => {
  fx.cleanup();
  rmSync(music, { recursive: true, force: true });
  rmSync(data, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!);
}

describe('library CLI', () => {
  it('scan prints one JSON summary; tracks and problems print JSON arrays', async () => {
    const first = await cli('scan', music, '--data', data, '--json');
    expect(first).toMatchObject({ files: 4, added: 3, updated: 0, missing: 0, failed: 1 });
    expect(typeof (first as { ms: number }).ms).toBe('number');
    const again = await cli('scan', music, '--data', data, '--json');
    expect(again).toMatchObject({ files: 4, added: 0, updated: 0, missing: 0, failed: 1 });

    const tracks = (await cli('tracks', '--data', data, '--json')) as Record<string, unknown>[];
    expect(tracks).toHaveLength(3);
    for (const key of ['id', 'path', 'title', 'artist', 'album', 'durationMs', 'bpm', 'key', 'format']) {
      expect(tracks[0]).toHaveProperty(key);
    }
    const opus = tracks.find((t) => t.format === 'Opus')!;
    expect(opus).toMatchObject({ durationMs: 3500, bpm: 90, key: 'F#m', title: 'Opus Song' });

    const found = (await cli('tracks', '--data', data, '--search', 'lossl', '--json')) as { title: string }[];
    expect(found.map((t) => t.title)).toEqual(['Flac Song']);

    const problems = (await cli('problems', '--data', data, '--json')) as { path: string; reason: string }[];
    expect(problems).toEqual([
      expect.objectContaining({
        path: join(music, 'b', 'broken.m4a'),
        reason: expect.stringMatching(/not_audio|corrupt/),
      }),
    ]);
  });
});
