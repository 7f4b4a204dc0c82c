import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { fileResponse } from '../../../src/node/file-range';
import { createMediaRouter } from '../../../src/main/services/media/media-router';

const dir = mkdtempSync(join(tmpdir(), 'range-'));
// Names that break players that pass paths through URLs.
const file = join(dir, 'a %20 #1 ?.mp3');
writeFileSync(file, '0123456789');

describe('file responses with Range', () => {
  it('answers a whole file, a byte range, an open range and an unsatisfiable one', async () => {
    const whole = await fileResponse(file, 'audio/mpeg', undefined);
    expect(whole.status).toBe(200);
    expect(await text(whole.body!)).toBe('0123456789');

    const part = await fileResponse(file, 'audio/mpeg', 'bytes=2-5');
    expect(part.status).toBe(206);
    expect(part.headers['Content-Range']).toBe('bytes 2-5/10');
    expect(await text(part.body!)).toBe('2345');

    const tail = await fileResponse(file, 'audio/mpeg', 'bytes=7-');
    expect(await text(tail.body!)).toBe('789');

    const beyond = await fileResponse(file, 'audio/mpeg', 'bytes=50-60');
    expect(beyond.status).toBe(416);
  });

  it('answers 404 for a missing file or a folder', async () => {
    expect((await fileResponse(join(dir, 'nope.mp3'), 'audio/mpeg', undefined)).status).toBe(404);
    expect((await fileResponse(dir, 'audio/mpeg', undefined)).status).toBe(404);
  });
});

describe('the media router', () => {
  it('resolves only well-formed id paths, never file paths', async () => {
    const router = createMediaRouter();
    router.register('track', (segments) =>
      segments.join('/') === 'local/1' ? { file, contentType: 'audio/mpeg' } : null,
    );
    expect(await router.resolve('track/local/1')).toEqual({ file, contentType: 'audio/mpeg' });
    for (const hostile of [
      'track/../../etc/passwd',
      'track/local/1%2F..',
      '/etc/passwd',
      'track',
      'other/local/1',
      'track/local/a b',
    ]) {
      expect(await router.resolve(hostile)).toBeNull();
    }
  });
});
