import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFile } from 'music-metadata';
import { systemClock } from '../src/main/services/core/clock';
import { EventHub } from '../src/main/services/core/events';
import { silentLogger } from '../src/main/services/core/logger';
import { migrate, openDatabase, type Db } from '../src/main/services/db/database';
import { allMigrations } from '../src/main/services/db/migrations';
import { LibraryService } from '../src/main/services/library';
import { LibraryQueries } from '../src/main/services/library/library-queries';
import { SettingsService } from '../src/main/services/settings/settings-service';
import { fillSyntheticLibrary } from '../tests/support/synthetic-library';

/**
 * `npm run bench -- library`. Makes (once, cached in `.bench-cache/library`)
 * 10,000 tagged files across MP3, FLAC, Ogg Vorbis, Opus and M4A, then
 * measures a cold scan against a plain sequential `parseFile(…, {duration:
 * true})` loop over the same files, a no-change rescan, FTS search over
 * 100,000 tracks, and the resident memory of a process holding that library.
 */
const here = dirname(fileURLToPath(import.meta.url));
const cache = join(here, '..', '.bench-cache', 'library');
const FILES = 10_000;
const KINDS = [
  { ext: 'mp3', args: ['-c:a', 'libmp3lame', '-b:a', '96k'] },
  { ext: 'flac', args: ['-c:a', 'flac'] },
  { ext: 'ogg', args: ['-c:a', 'libvorbis', '-q:a', '2'] },
  { ext: 'opus', args: ['-c:a', 'libopus', '-b:a', '64k'] },
  { ext: 'm4a', args: ['-c:a', 'aac', '-b:a', '96k'] },
];
const SECONDS = 20;
const PLACEHOLDER = 'ZZZZZZZZ';

function report(metric: string, value: number, unit: string, target: string): void {
  process.stdout.write(
    `${JSON.stringify({ bench: 'library', metric, value: Math.round(value * 100) / 100, unit, target })}\n`,
  );
}

async function main(): Promise<void> {
  // `--search-only`: skip the files and scans (for working on queries).
  if (!process.argv.includes('--search-only')) await scanFigures();
  searchAndMemoryFigures();
}

async function scanFigures(): Promise<void> {
  const music = join(cache, 'music');
  ensureLibraryFiles(music);
  const files = listFiles(music);

  // Baseline: what a naive scanner does, one file after another, reading whole files for durations.
  const baselineStart = performance.now();
  const baselineCpu = process.cpuUsage();
  for (const file of files) {
    try {
      await parseFile(file, { duration: true });
    } catch {
      // counted like any file
    }
  }
  const baselineRate = files.length / ((performance.now() - baselineStart) / 1000);
  report('baseline_parsefile_files_per_s', baselineRate, 'files/s', 'reference');
  // CPU time (all threads of this process) per file: what the machine's other load does not change.
  report(
    'baseline_cpu_us_per_file',
    cpuMicros(process.cpuUsage(baselineCpu)) / files.length,
    'µs',
    'reference',
  );
  report('load_average_1min', loadavg()[0]!, '', 'reference');

  const data = join(cache, 'data-cold');
  rmSync(data, { recursive: true, force: true });
  const { library, db } = openService(data);
  library.start();
  library.addFolder(music);
  const folderId = library.queries.folders()[0]!.id;
  const coldCpu = process.cpuUsage();
  const cold = await library.scanAndWait([folderId]);
  report('cold_scan_cpu_us_per_file', cpuMicros(process.cpuUsage(coldCpu)) / cold.files, 'µs', 'reference');
  report('load_average_1min', loadavg()[0]!, '', 'reference');
  const coldRate = cold.files / (cold.ms / 1000);
  report('cold_scan_files_per_s', coldRate, 'files/s', `>= ${Math.round(baselineRate * 5)} (5x baseline)`);
  report('cold_scan_vs_baseline', coldRate / baselineRate, 'x', '>= 5');
  if (cold.added !== files.length) report('cold_scan_added_mismatch', cold.added, 'files', `${files.length}`);
  const rescan = await library.scanAndWait([folderId]);
  report('no_change_rescan_ms', rescan.ms, 'ms', '< 1000');
  await library.close();
  db.close();
}

function searchAndMemoryFigures(): void {
  const big = join(cache, 'data-100k');
  build100kLibrary(big);
  const bigDb = openDatabase(join(big, 'library.sqlite'));
  migrate(bigDb, allMigrations); // a library built by an older version gets the newer indexes
  const queries = new LibraryQueries(bigDb);
  // What people type: 1–3 letter prefixes (the broadest matches), whole words, several words,
  // accented and unaccented forms, and words that match nothing.
  const QUERY_SET: Record<string, string[]> = {
    prefix: [
      'l',
      'lo',
      'd',
      'da',
      'dan',
      's',
      'st',
      'str',
      'r',
      'ro',
      'b',
      'bl',
      '1',
      '12',
      'g',
      'go',
      'm',
      'mo',
    ],
    word: [
      'love',
      'night',
      'summer',
      'blue',
      'gold',
      'street',
      'rock',
      'dream',
      'river',
      'electronic',
      'pop',
    ],
    multi: ['moon light', 'in the', 'heart fire rain', 'love 12', 'blue sky road', 'summer night'],
    accented: ['ré', 'rêve', 'reve', 'café', 'cafe', 'Cafe Reve'],
    none: ['zzz', 'qwerty', 'xylophone', 'lovez', 'moon zzz'],
  };
  const timings: Record<'quick' | 'window' | 'window_deep', Record<string, number[]>> = {
    quick: {},
    window: {},
    window_deep: {},
  };
  const sorts = ['artist', 'title', 'album', 'addedAt', 'year'] as const;
  for (let round = 0; round < 10; round++) {
    for (const [kind, texts] of Object.entries(QUERY_SET)) {
      for (const text of texts) {
        let t = performance.now();
        queries.search(text, 25);
        (timings.quick[kind] ??= []).push(performance.now() - t);
        const sort = sorts[round % sorts.length]!;
        t = performance.now();
        const page = queries.tracks({
          search: text,
          offset: 0,
          limit: 200,
          sort,
          direction: round % 2 ? 'desc' : 'asc',
          status: 'ok',
        });
        (timings.window[kind] ??= []).push(performance.now() - t);
        // Scrolled down: a window in the middle of the matches.
        const offset = Math.max(0, Math.floor(page.total / 2) - 100);
        t = performance.now();
        queries.tracks({ search: text, offset, limit: 200, sort, direction: 'asc', status: 'ok' });
        (timings.window_deep[kind] ??= []).push(performance.now() - t);
      }
    }
  }
  const names = {
    quick: 'search',
    window: 'search_sorted_window',
    window_deep: 'search_sorted_window_mid',
  } as const;
  for (const [call, byKind] of Object.entries(timings) as [
    keyof typeof timings,
    Record<string, number[]>,
  ][]) {
    const all = Object.values(byKind).flat();
    report(`${names[call]}_p50_ms`, percentile(all, 50), 'ms', 'reference');
    report(`${names[call]}_p95_ms`, percentile(all, 95), 'ms', '< 10');
    for (const [kind, values] of Object.entries(byKind)) {
      report(`${names[call]}_${kind}_p50_ms`, percentile(values, 50), 'ms', 'reference');
      report(`${names[call]}_${kind}_p95_ms`, percentile(values, 95), 'ms', '< 10');
    }
  }
  const pages: number[] = [];
  for (const offset of [0, 25_000, 50_000, 99_900]) {
    const t = performance.now();
    queries.tracks({ offset, limit: 100, sort: 'title', direction: 'asc', status: 'ok' });
    pages.push(performance.now() - t);
  }
  report('tracks_window_at_100k_max_ms', Math.max(...pages), 'ms', 'reference');
  bigDb.close();

  const probe = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--rss-probe', big],
    { encoding: 'utf8' },
  );
  const rss = Number(probe.stdout.trim());
  report('main_process_rss_100k_mb', rss, 'MB', '< 300');
  report('cpus', cpus().length, 'cores', 'reference');
}

/** A process as the app's main process would be: the service open on 100,000 tracks, queried. */
function rssProbe(dataDir: string): void {
  const { library } = openService(dataDir);
  library.start();
  for (const sort of ['artist', 'title', 'addedAt'] as const) {
    for (let offset = 0; offset < 100_000; offset += 20_000)
      library.queries.tracks({ offset, limit: 200, sort, direction: 'asc', status: 'ok' });
  }
  library.queries.albums(0, 500);
  library.queries.artists(0, 500);
  library.queries.search('love', 50);
  global.gc?.();
  process.stdout.write(`${Math.round(process.memoryUsage().rss / 1024 / 1024)}\n`);
  process.exit(0);
}

function openService(dataDir: string): { library: LibraryService; db: Db } {
  mkdirSync(dataDir, { recursive: true });
  const db = openDatabase(join(dataDir, 'library.sqlite'));
  migrate(db, allMigrations);
  const library = new LibraryService({
    db,
    settings: new SettingsService({ store: {} }),
    events: new EventHub(),
    clock: systemClock,
    logger: silentLogger,
    dataDir,
    watch: false,
    resumeOnStart: false,
    scanNewFolders: false,
  });
  return { library, db };
}

/** A few real files per format from ffmpeg, then many copies with their tags patched in place. */
function ensureLibraryFiles(music: string): void {
  const marker = join(cache, `files-${FILES}.done`);
  if (existsSync(marker)) return;
  rmSync(music, { recursive: true, force: true });
  const seeds = join(cache, 'seeds');
  mkdirSync(seeds, { recursive: true });
  const seedData = KINDS.map((kind, k) => {
    const file = join(seeds, `seed.${kind.ext}`);
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=${220 + k * 110}:duration=${SECONDS}`,
      '-ac',
      '2',
      ...kind.args,
      '-metadata',
      `title=Title ${PLACEHOLDER}`,
      '-metadata',
      `artist=Artist ${PLACEHOLDER}`,
      '-metadata',
      `album=Album ${PLACEHOLDER}`,
      '-metadata',
      'genre=Electronic',
      file,
    ]);
    return { ext: kind.ext, bytes: readFileSync(file) };
  });
  for (let i = 0; i < FILES; i++) {
    const seed = seedData[i % seedData.length]!;
    const artist = i % 250;
    const album = Math.floor(i / 10) % 1000;
    const dir = join(music, `Artist ${artist}`, `Album ${album}`);
    mkdirSync(dir, { recursive: true });
    const id = String(i).padStart(8, '0');
    const bytes = patchAll(Buffer.from(seed.bytes), PLACEHOLDER, id);
    if (seed.ext === 'ogg' || seed.ext === 'opus') fixOggCrcs(bytes);
    writeFileSync(join(dir, `${id}.${seed.ext}`), bytes);
  }
  writeFileSync(marker, new Date().toISOString());
}

function patchAll(bytes: Buffer, placeholder: string, value: string): Buffer {
  const needle = Buffer.from(placeholder);
  const replacement = Buffer.from(value);
  for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + needle.length))
    replacement.copy(bytes, at);
  return bytes;
}

const OGG_CRC = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

/** Recomputes every Ogg page checksum (the tag patch changed the comment page). */
function fixOggCrcs(bytes: Buffer): void {
  let at = 0;
  while (at + 27 <= bytes.length && bytes.toString('latin1', at, at + 4) === 'OggS') {
    const segments = bytes[at + 26]!;
    let length = 27 + segments;
    for (let s = 0; s < segments; s++) length += bytes[at + 27 + s]!;
    bytes.writeUInt32LE(0, at + 22);
    let crc = 0;
    for (let i = at; i < at + length; i++)
      crc = ((crc << 8) ^ OGG_CRC[((crc >>> 24) ^ bytes[i]!) & 0xff]!) >>> 0;
    bytes.writeUInt32LE(crc, at + 22);
    at += length;
  }
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
  }
  return out.sort();
}

/** 100,000 synthetic rows inserted directly (the search and memory figures do not need real files). */
function build100kLibrary(dataDir: string): void {
  const marker = join(dataDir, 'built-100k');
  if (existsSync(marker)) return;
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const db = openDatabase(join(dataDir, 'library.sqlite'));
  migrate(db, allMigrations);
  fillSyntheticLibrary(db, { folder: '/synthetic', tracks: 100_000 });
  db.close();
  writeFileSync(marker, 'ok');
}

function cpuMicros(usage: NodeJS.CpuUsage): number {
  return usage.user + usage.system;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

// Last, so every constant above is initialised.
if (process.argv[2] === '--rss-probe') {
  rssProbe(process.argv[3]!);
} else {
  await main();
}
