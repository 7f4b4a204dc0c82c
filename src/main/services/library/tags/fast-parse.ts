import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseFromTokenizer, scanAppendingHeaders, type IAudioMetadata, type IOptions } from 'music-metadata';
import type { IRandomAccessTokenizer } from 'strtok3';

/**
 * `parseFromTokenizer` without its per-file set-up costs, for a scan's
 * thousands of files. music-metadata, per call:
 * - builds its tag-mapper tables (every tag dialect's map, upper-cased key by
 *   key: ~60 µs a file) though they never change;
 * - `import()`s the parser's module, which in a worker loaded through a
 *   loader hook (tsx, when running from source) is a round trip to the
 *   hooks thread (~80 µs).
 * Here the parser classes are loaded once and one tag mapper is shared
 * (mappers keep no state between tags); everything else is music-metadata's
 * own code, so results are the same (checked by the library tests against
 * `parseFromTokenizer`). If its internals ever change shape, this falls back
 * to the public call.
 */
interface Collector {
  format: { trackInfo?: { type?: unknown }[]; hasAudio?: boolean; hasVideo?: boolean };
  setFormat(key: string, value: unknown): void;
  toCommonMetadata(): IAudioMetadata;
}
type CollectorClass = new (opts: IOptions) => Collector;
type ParserClass = new (
  metadata: Collector,
  tokenizer: IRandomAccessTokenizer,
  opts: IOptions,
) => { parse(): Promise<void> };
interface ParserLoader {
  extensions: string[];
  load(): Promise<ParserClass>;
}
interface Internals {
  newCollector(opts: IOptions): Collector;
  parserFor(path: string): ParserClass | undefined;
  ogg: OggInternals | null;
}
interface OggPageHeader {
  capturePattern: string;
  streamSerialNumber: number;
  headerType: { firstPage: boolean; lastPage: boolean; continued: boolean };
}
interface OggPageConsumer {
  isMetadataComplete?: boolean;
  parsePage(header: OggPageHeader, data: Uint8Array): Promise<void>;
  flush(): Promise<void>;
  calculateDuration(endOfStream: boolean): void;
}
interface OggInternals {
  Parser: ParserClass;
  PageHeader: { len: number; get(data: Uint8Array, offset: number): OggPageHeader };
  SegmentTable: new (header: OggPageHeader) => {
    len: number;
    get(data: Uint8Array, offset: number): { totalPageSize: number };
  };
  VorbisStream: new (metadata: Collector, opts: IOptions) => OggPageConsumer;
  OpusStream: new (metadata: Collector, opts: IOptions, tokenizer: IRandomAccessTokenizer) => OggPageConsumer;
}

/** music-metadata's loaders, in its own order (the first whose extensions match wins). */
const LOADERS: [file: string, name: string][] = [
  ['flac/FlacLoader.js', 'flacParserLoader'],
  ['mpeg/MpegLoader.js', 'mpegParserLoader'],
  ['apev2/Apev2Loader.js', 'apeParserLoader'],
  ['mp4/Mp4Loader.js', 'mp4ParserLoader'],
  ['matroska/MatroskaLoader.js', 'matroskaParserLoader'],
  ['wav/WaveLoader.js', 'riffParserLoader'],
  ['ogg/OggLoader.js', 'oggParserLoader'],
  ['asf/AsfLoader.js', 'asfParserLoader'],
  ['aiff/AiffLoader.js', 'aiffParserLoader'],
  ['wavpack/WavPackLoader.js', 'wavpackParserLoader'],
  ['musepack/MusepackLoader.js', 'musepackParserLoader'],
  ['dsf/DsfLoader.js', 'dsfParserLoader'],
  ['dsdiff/DsdiffLoader.js', 'dsdiffParserLoader'],
];
/** The fields `MetadataCollector`'s constructor sets (music-metadata 11). */
const COLLECTOR_FIELDS = [
  'format',
  'native',
  'common',
  'quality',
  'commonOrigin',
  'originPriority',
  'tagMapper',
  'opts',
];

let internals: Promise<Internals | null> | null = null;

export async function parseTokenizerFast(
  tokenizer: IRandomAccessTokenizer,
  opts: IOptions,
): Promise<IAudioMetadata> {
  const fast = await (internals ??= loadInternals());
  const Parser = fast?.parserFor(tokenizer.fileInfo.path ?? '');
  if (!fast || !Parser) return parseFromTokenizer(tokenizer, opts);
  await scanAppendingHeaders(tokenizer, opts);
  let metadata = fast.newCollector(opts);
  if (fast.ogg && Parser === fast.ogg.Parser) {
    const start = tokenizer.position;
    if (!(await parseOggHeaders(fast.ogg, metadata, tokenizer, opts))) {
      tokenizer.setPosition(start);
      metadata = fast.newCollector(opts);
      await new Parser(metadata, tokenizer, opts).parse();
    }
  } else {
    await new Parser(metadata, tokenizer, opts).parse();
  }
  const tracks = metadata.format.trackInfo ?? [];
  if (metadata.format.hasAudio === undefined)
    metadata.setFormat(
      'hasAudio',
      tracks.some((t) => t.type === 2),
    );
  if (metadata.format.hasVideo === undefined)
    metadata.setFormat(
      'hasVideo',
      tracks.some((t) => t.type === 1),
    );
  return metadata.toCommonMetadata();
}

/**
 * music-metadata's Ogg parser reads 13 pages (or to the end) before it
 * stops, though the tags are in the first two or three: for an Opus file
 * that is ~180 KiB instead of ~30. This reads the pages up to the comment
 * header through music-metadata's own page consumers and stops there, which
 * answers the same (the pages after it are audio, which those consumers
 * ignore, and music-metadata only computes a duration when it reaches the
 * last page). One difference, for damaged files only: where pages were
 * spliced or lost so that the last page comes among the first 13,
 * music-metadata computes a duration and bitrate from it (and a damaged
 * audio page can fail its parse); this does not look past the tags. Ogg
 * durations come from the real last page (`oggDurationFromFile`) either
 * way. Anything else (a file of 14 pages or fewer, where it would
 * reach the last page; several streams; codecs other than Vorbis and Opus;
 * anything malformed) answers false, and the caller parses the usual way.
 */
async function parseOggHeaders(
  ogg: OggInternals,
  metadata: Collector,
  tokenizer: IRandomAccessTokenizer,
  opts: IOptions,
): Promise<boolean> {
  const lastSequence = await lastOggPageSequence(tokenizer);
  if (lastSequence === null || lastSequence <= 14) return false;
  try {
    let consumer: OggPageConsumer | null = null;
    let serial = -1;
    for (let page = 0; page <= 12; page++) {
      const header = await tokenizer.readToken(ogg.PageHeader);
      if (header.capturePattern !== 'OggS' || header.headerType.lastPage) return false;
      if (
        page === 0
          ? !header.headerType.firstPage
          : header.headerType.firstPage || header.streamSerialNumber !== serial
      )
        return false;
      serial = header.streamSerialNumber;
      const table = await tokenizer.readToken(new ogg.SegmentTable(header));
      const data = new Uint8Array(table.totalPageSize);
      await tokenizer.readBuffer(data);
      if (page === 0) {
        metadata.setFormat('container', 'Ogg');
        const id = Buffer.from(data.subarray(0, 8)).toString('latin1');
        if (id.startsWith('\x01vorbis')) consumer = new ogg.VorbisStream(metadata, opts);
        else if (id === 'OpusHead') consumer = new ogg.OpusStream(metadata, opts, tokenizer);
        else return false;
      }
      await consumer!.parsePage(header, data);
      if (consumer!.isMetadataComplete === true) {
        await consumer!.flush();
        consumer!.calculateDuration(false);
        return true;
      }
    }
    return false;
  } catch {
    return false;
  }
}

/** The page sequence number of the file's last Ogg page (from its tail), or null. */
async function lastOggPageSequence(tokenizer: IRandomAccessTokenizer): Promise<number | null> {
  const size = tokenizer.fileInfo.size;
  if (!size || size < 27) return null;
  const length = Math.min(size, 16 * 1024);
  const tail = Buffer.alloc(length);
  await tokenizer.peekBuffer(tail, { position: size - length, mayBeLess: true });
  for (let at = tail.lastIndexOf('OggS'); at >= 0; at = at > 0 ? tail.lastIndexOf('OggS', at - 1) : -1) {
    if (at + 27 <= tail.length && tail[at + 4] === 0 && (tail[at + 5]! & 0x04) !== 0)
      return tail.readUInt32LE(at + 18);
  }
  return null;
}

async function loadInternals(): Promise<Internals | null> {
  try {
    const lib = dirname(createRequire(import.meta.url).resolve('music-metadata'));
    const load = (file: string) =>
      import(pathToFileURL(join(lib, file)).href) as Promise<Record<string, unknown>>;
    const [{ MetadataCollector }, oggToken, vorbis, opus, ...loaderModules] = await Promise.all([
      load('common/MetadataCollector.js'),
      load('ogg/OggToken.js'),
      load('ogg/vorbis/VorbisStream.js'),
      load('ogg/opus/OpusStream.js'),
      ...LOADERS.map(([file]) => load(file)),
    ]);
    const Collector = MetadataCollector as CollectorClass;
    const template = new Collector({}) as unknown as Record<string, unknown>;
    if (Object.keys(template).sort().join() !== [...COLLECTOR_FIELDS].sort().join()) return null;
    const byExtension = new Map<string, ParserClass>();
    for (let i = 0; i < LOADERS.length; i++) {
      const loader = loaderModules[i]![LOADERS[i]![1]] as ParserLoader | undefined;
      if (!loader || !Array.isArray(loader.extensions)) return null;
      const Parser = await loader.load();
      for (const ext of loader.extensions) if (!byExtension.has(ext)) byExtension.set(ext, Parser);
    }
    const { tagMapper, originPriority } = template;
    const oggParser = byExtension.get('.ogg');
    const ogg =
      oggParser && oggToken!.PageHeader && oggToken!.SegmentTable && vorbis!.VorbisStream && opus!.OpusStream
        ? ({
            Parser: oggParser,
            PageHeader: oggToken!.PageHeader,
            SegmentTable: oggToken!.SegmentTable,
            VorbisStream: vorbis!.VorbisStream,
            OpusStream: opus!.OpusStream,
          } as OggInternals)
        : null;
    return {
      ogg,
      newCollector(opts) {
        // The constructor's work minus building a tag mapper: the template's is shared.
        const collector = Object.create(Collector.prototype) as Record<string, unknown>;
        collector.format = { tagTypes: [], trackInfo: [] };
        collector.native = {};
        collector.common = {
          track: { no: null, of: null },
          disk: { no: null, of: null },
          movementIndex: { no: null, of: null },
        };
        collector.quality = { warnings: [] };
        collector.commonOrigin = {};
        collector.originPriority = originPriority;
        collector.tagMapper = tagMapper;
        collector.opts = opts;
        return collector as unknown as Collector;
      },
      parserFor(path) {
        const dot = path.lastIndexOf('.');
        return dot < 0 ? undefined : byExtension.get(path.slice(dot).toLowerCase());
      },
    };
  } catch {
    return null;
  }
}
