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
type ParserClass = new (metadata: Collector, tokenizer: IRandomAccessTokenizer, opts: IOptions) => { parse(): Promise<void> };
interface ParserLoader {
  extensions: string[];
  load(): Promise<ParserClass>;
}
interface Internals {
  newCollector(opts: IOptions): Collector;
  parserFor(path: string): ParserClass | undefined;
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
const COLLECTOR_FIELDS = ['format', 'native', 'common', 'quality', 'commonOrigin', 'originPriority', 'tagMapper', 'opts'];

let internals: Promise<Internals | null> | null = null;

export async function parseTokenizerFast(tokenizer: IRandomAccessTokenizer, opts: IOptions): Promise<IAudioMetadata> {
  const fast = await (internals ??= loadInternals());
  const Parser = fast?.parserFor(tokenizer.fileInfo.path ?? '');
  if (!fast || !Parser) return parseFromTokenizer(tokenizer, opts);
  await scanAppendingHeaders(tokenizer, opts);
  const metadata = fast.newCollector(opts);
  await new Parser(metadata, tokenizer, opts).parse();
  const tracks = metadata.format.trackInfo ?? [];
  if (metadata.format.hasAudio === undefined) metadata.setFormat('hasAudio', tracks.some((t) => t.type === 2));
  if (metadata.format.hasVideo === undefined) metadata.setFormat('hasVideo', tracks.some((t) => t.type === 1));
  return metadata.toCommonMetadata();
}

async function loadInternals(): Promise<Internals | null> {
  try {
    const lib = dirname(createRequire(import.meta.url).resolve('music-metadata'));
    const load = (file: string) => import(pathToFileURL(join(lib, file)).href) as Promise<Record<string, unknown>>;
    const [{ MetadataCollector }, ...loaderModules] = await Promise.all([
      load('common/MetadataCollector.js'),
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
    return {
      newCollector(opts) {
        // The constructor's work minus building a tag mapper: the template's is shared.
        const collector = Object.create(Collector.prototype) as Record<string, unknown>;
        collector.format = { tagTypes: [], trackInfo: [] };
        collector.native = {};
        collector.common = { track: { no: null, of: null }, disk: { no: null, of: null }, movementIndex: { no: null, of: null } };
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
