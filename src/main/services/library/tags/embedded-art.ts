import type { CachedFile } from './cached-file';

/**
 * Whether a file carries embedded cover art, found from the tag structure
 * without decoding (or even reading) the picture: the scan only needs the
 * flag; covers are extracted on demand.
 *
 * - ID3v2 (MP3, also AIFF/WAV heads): an `APIC` (v2.3/2.4) or `PIC` (v2.2) frame header.
 * - FLAC: a `PICTURE` metadata block header.
 * - Ogg Vorbis/Opus/FLAC: a `METADATA_BLOCK_PICTURE` comment in the header pages the tag parser read.
 * - MP4: a `covr` item holding a `data` atom in what the tag parser read.
 * - APEv2 (any format): a `Cover Art (…)` item in the tail.
 */
export function hasEmbeddedArt(file: CachedFile, container: string): boolean {
  const head = file.bytes(0, 10);
  if (head.toString('latin1', 0, 3) === 'ID3' && id3v2HasPicture(file, head)) return true;
  const kind = container.toLowerCase();
  if (kind.includes('flac') && !kind.includes('ogg') && flacHasPicture(file, head)) return true;
  if (kind.includes('ogg') && readBytesContain(file, OGG_PICTURE)) return true;
  if (/mp4|m4a|m4b|isom|3gp|quicktime|mov/.test(kind) && mp4HasCover(file)) return true;
  return apeHasCover(file);
}

const OGG_PICTURE = [Buffer.from('METADATA_BLOCK_PICTURE='), Buffer.from('metadata_block_picture=')];

function id3v2HasPicture(file: CachedFile, header: Buffer): boolean {
  if (header.length < 10) return false;
  const major = header[3]!;
  const tagSize = synchsafe(header, 6);
  const end = Math.min(10 + tagSize, file.size);
  let at = 10;
  if (header[5]! & 0x40 && major >= 3) {
    // Extended header: its size is synchsafe in v2.4 (including itself), plain in v2.3 (excluding itself).
    const ext = file.bytes(at, 4);
    if (ext.length < 4) return false;
    at += major === 4 ? synchsafe(ext, 0) : ext.readUInt32BE(0) + 4;
  }
  const headerLength = major === 2 ? 6 : 10;
  for (let frames = 0; at + headerLength <= end && frames < 10_000; frames++) {
    const frame = file.bytes(at, headerLength);
    if (frame.length < headerLength || frame[0] === 0) return false; // padding
    const id = frame.toString('latin1', 0, major === 2 ? 3 : 4);
    if (id === 'APIC' || id === 'PIC') return true;
    if (!/^[A-Z0-9]+$/.test(id)) return false;
    const size =
      major === 2 ? frame.readUIntBE(3, 3) : major === 4 ? synchsafe(frame, 4) : frame.readUInt32BE(4);
    at += headerLength + size;
  }
  return false;
}

function flacHasPicture(file: CachedFile, head: Buffer): boolean {
  let at = head.toString('latin1', 0, 4) === 'fLaC' ? 4 : -1;
  if (at < 0) {
    // FLAC behind an ID3v2 tag.
    if (head.toString('latin1', 0, 3) !== 'ID3' || head.length < 10) return false;
    at = 10 + synchsafe(head, 6);
    if (file.bytes(at, 4).toString('latin1') !== 'fLaC') return false;
    at += 4;
  }
  for (let blocks = 0; blocks < 1000; blocks++) {
    const block = file.bytes(at, 4);
    if (block.length < 4) return false;
    if ((block[0]! & 0x7f) === 6) return true;
    if (block[0]! & 0x80) return false; // last metadata block
    at += 4 + block.readUIntBE(1, 3);
  }
  return false;
}

function mp4HasCover(file: CachedFile): boolean {
  const covr = Buffer.from('covr');
  for (const { offset, bytes } of file.readBlocks()) {
    for (let at = bytes.indexOf(covr); at >= 0; at = bytes.indexOf(covr, at + 4)) {
      // The `covr` item, then its `data` atom: [size][covr][size][data].
      if (file.bytes(offset + at + 8, 4).toString('latin1') === 'data') return true;
    }
  }
  return false;
}

function apeHasCover(file: CachedFile): boolean {
  const tail = file.bytes(Math.max(0, file.size - 16 * 1024), 16 * 1024);
  return tail.indexOf('APETAGEX') >= 0 && tail.indexOf('Cover Art (') >= 0;
}

function readBytesContain(file: CachedFile, needles: Buffer[]): boolean {
  for (const { bytes } of file.readBlocks()) {
    for (const needle of needles) if (bytes.indexOf(needle) >= 0) return true;
  }
  return false;
}

function synchsafe(bytes: Buffer, at: number): number {
  return (
    ((bytes[at]! & 0x7f) << 21) |
    ((bytes[at + 1]! & 0x7f) << 14) |
    ((bytes[at + 2]! & 0x7f) << 7) |
    (bytes[at + 3]! & 0x7f)
  );
}
