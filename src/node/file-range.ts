import { createReadStream, promises as fs } from 'node:fs';
import type { Readable } from 'node:stream';
import parseRange from 'range-parser';

/**
 * Answers an HTTP-style request for a file with Range support, for both
 * hosts: the web host writes it to an HTTP response, Electron's media
 * protocol wraps it in a fetch `Response`. Audio elements seek with Range
 * requests; without 206 answers seeking breaks.
 */
export interface FileResponse {
  status: 200 | 206 | 404 | 416;
  headers: Record<string, string>;
  body: Readable | null;
}

export async function fileResponse(
  file: string,
  contentType: string,
  rangeHeader: string | undefined | null,
): Promise<FileResponse> {
  let size: number;
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return notFound();
    size = stat.size;
  } catch {
    return notFound();
  }
  const base = {
    'Content-Type': contentType,
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'no-store',
  };
  if (rangeHeader) {
    const ranges = parseRange(size, rangeHeader, { combine: true });
    if (ranges === -1 || size === 0) {
      return { status: 416, headers: { ...base, 'Content-Range': `bytes */${size}` }, body: null };
    }
    // -2 is a malformed header: answer the whole file, as HTTP says to.
    if (ranges !== -2 && ranges.type === 'bytes' && ranges.length === 1) {
      const { start, end } = ranges[0]!;
      return {
        status: 206,
        headers: {
          ...base,
          'Content-Range': `bytes ${start}-${end}/${size}`,
          'Content-Length': String(end - start + 1),
        },
        body: createReadStream(file, { start, end }),
      };
    }
  }
  return {
    status: 200,
    headers: { ...base, 'Content-Length': String(size) },
    body: size === 0 ? null : createReadStream(file),
  };
}

function notFound(): FileResponse {
  return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: null };
}
