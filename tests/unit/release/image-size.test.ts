import { describe, expect, it } from 'vitest';
import { imageSize } from '../../../src/main/services/release/artwork/image-size';

const bytes = (...parts: number[][]) => new Uint8Array(parts.flat());
const u16 = (n: number) => [n >> 8, n & 0xff];
const u32 = (n: number) => [(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];

describe('imageSize from headers', () => {
  it('reads a PNG IHDR', () => {
    const png = bytes(
      [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
      u32(13),
      [...'IHDR'].map((c) => c.charCodeAt(0)),
      u32(3000),
      u32(2999),
      [8, 6, 0, 0, 0],
    );
    expect(imageSize(png)).toEqual({ format: 'png', width: 3000, height: 2999 });
  });

  it('walks JPEG segments (APP0, APP1 EXIF, a fill byte) to the progressive frame header', () => {
    const app0 = [0xff, 0xe0, ...u16(16), ...new Array<number>(14).fill(0)];
    const app1 = [0xff, 0xe1, ...u16(200), ...new Array<number>(198).fill(0xff)];
    const sof2 = [0xff, 0xff, 0xc2, ...u16(17), 8, ...u16(1400), ...u16(1600), 3];
    expect(imageSize(bytes([0xff, 0xd8], app0, app1, sof2))).toEqual({
      format: 'jpeg',
      width: 1600,
      height: 1400,
    });
  });

  it('skips DHT (C4), which is not a frame header', () => {
    const dht = [0xff, 0xc4, ...u16(4), 0, 0];
    const sof0 = [0xff, 0xc0, ...u16(17), 8, ...u16(500), ...u16(500), 3];
    expect(imageSize(bytes([0xff, 0xd8], dht, sof0))).toEqual({ format: 'jpeg', width: 500, height: 500 });
  });

  it('answers null for other formats and truncated headers', () => {
    expect(
      imageSize(
        bytes(
          [...'RIFF'].map((c) => c.charCodeAt(0)),
          [0, 0, 0, 0],
        ),
      ),
    ).toBeNull();
    expect(imageSize(bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16]))).toBeNull();
    expect(imageSize(new Uint8Array(0))).toBeNull();
  });
});
