import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, migrate, type Db } from '../src/main/services/db/database';
import { allMigrations } from '../src/main/services/db/migrations';
import { FakeClock } from '../src/main/services/core/clock';
import { QueryService } from '../src/main/services/dj/query-service';
import { ALL_KEYS, formatKey } from '../src/shared/musical-key';

/**
 * The DJ query language at 100,000 tracks: a library built directly in
 * SQLite (random but realistic artists, genres, BPMs, keys in mixed
 * notations, play counts, dates), then representative queries — each run
 * like the UI does (count + first page of 200, sorted) — timed many times.
 * Target: p95 < 20 ms per query. Seeded, so runs compare. The collection
 * also holds co-op catalog tracks (QUERY_BENCH_COOP, default 1,000: every
 * other one owned), which join the results through a merge.
 */
const TRACKS = 100_000;
const RUNS = 40;
const DAY = 86_400_000;

function report(metric: string, value: number, unit: string, target: string): void {
  process.stdout.write(
    `${JSON.stringify({ bench: 'query', metric, value: Math.round(value * 100) / 100, unit, target })}\n`,
  );
}

/** Small seeded PRNG (mulberry32). */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = rng(7);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const syllables = [
  'ka',
  'lo',
  'mi',
  'ra',
  'ton',
  'vel',
  'dra',
  'sun',
  'ne',
  'or',
  'bi',
  'zu',
  'el',
  'ma',
  'tis',
];
const word = () => Array.from({ length: 2 + Math.floor(random() * 2) }, () => pick(syllables)).join('');
const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);
const genres = [
  'House',
  'Deep House',
  'Tech House',
  'Techno',
  'Minimal',
  'Drum & Bass',
  'Dubstep',
  'Disco',
  'Nu Disco',
  'Ambient',
  'Trance',
  'Progressive House',
  'Hip Hop',
  'Jazz',
  'Rock',
  'Pop',
  'Electro',
  'Breaks',
];
const bpmRange: Record<string, [number, number]> = {
  Techno: [126, 140],
  'Drum & Bass': [170, 176],
  Dubstep: [138, 142],
  'Hip Hop': [80, 100],
  Ambient: [60, 110],
  Trance: [132, 140],
};
const artists = Array.from({ length: 6000 }, () => `${cap(word())} ${cap(word())}`).concat([
  'Mattias W',
  'Mattias Wendel',
]);

// QUERY_BENCH_DB=<file> keeps the built library there and reuses it (for tuning); default: a temp folder.
const keep = process.env.QUERY_BENCH_DB;
const root = mkdtempSync(join(tmpdir(), 'query-bench-'));
try {
  const file = keep ?? join(root, 'library.sqlite');
  const reuse = keep !== undefined && existsSync(keep);
  const db = openDatabase(file);
  migrate(db, allMigrations);
  const clock = new FakeClock();
  const now = clock.nowMs();
  if (!reuse) buildLibrary(db, now);
  addCoopTracks(db, now);
  const queries = new QueryService(db, clock);
  const representative: [string, string][] = [
    ['all_by_artist', ''],
    ['issue_example', 'bpm:120-128 key:8A genre:house owned:yes plays:>3 added:<30d artist:"Mattias W"'],
    ['bpm_range', 'bpm:120-128'],
    ['bpm_and_key', 'bpm:122-126 key:8A'],
    ['compatible_keys', 'key:~8A bpm:>=124'],
    ['genre_contains', 'genre:house'],
    ['full_text_word', 'kalo'],
    ['full_text_and_filter', 'mira genre:techno bpm:>130'],
    ['or_not_parens', '(genre:techno OR genre:minimal) -key:Am plays:>=2'],
    ['recently_added', 'added:<30d'],
    ['never_played_old', 'plays:0 added:>1y'],
    ['artist_phrase', 'artist:"Mattias W"'],
    ['coop_not_owned', 'owned:no'],
  ];
  const sorts = ['artist', 'bpm', 'key', 'addedAt'] as const;
  const all: number[] = [];
  for (const [name, query] of representative) {
    const times: number[] = [];
    let total = 0;
    for (let r = 0; r < RUNS; r++) {
      const started = performance.now();
      total = queries.run({
        query,
        offset: 0,
        limit: 200,
        sort: sorts[r % sorts.length]!,
        direction: r % 2 ? 'desc' : 'asc',
        status: 'ok',
      }).total;
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    all.push(...times);
    report(`${name}_p50`, times[Math.floor(times.length / 2)]!, 'ms', 'info');
    report(`${name}_p95`, times[Math.floor(times.length * 0.95) - 1]!, 'ms', '< 20');
    process.stderr.write(`${name}: ${total} matches\n`);
  }
  all.sort((a, b) => a - b);
  report('p50', all[Math.floor(all.length * 0.5)]!, 'ms', 'info');
  report('p95', all[Math.floor(all.length * 0.95) - 1]!, 'ms', '< 20');
  report('max', all.at(-1)!, 'ms', 'info');
  db.close();
} finally {
  rmSync(root, { recursive: true, force: true });
}

function buildLibrary(db: Db, now: number): void {
  db.prepare("INSERT INTO library_folders (id, path, added_at) VALUES (1, '/music', 0)").run();
  const insert = db.prepare(
    `INSERT INTO library_tracks (folder_id, path, size, mtime_ms, fingerprint, status, title, artist, album_artist, album, genre,
       year, duration_ms, container, codec, bpm, musical_key, play_count, last_played_at, added_at, updated_at)
     VALUES (1, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const built = performance.now();
  db.transaction(() => {
    for (let i = 0; i < TRACKS; i++) {
      const genre = pick(genres);
      const [lo, hi] = bpmRange[genre] ?? [115, 132];
      const artist = pick(artists);
      const key =
        random() < 0.85
          ? formatKey(pick(ALL_KEYS), pick(['camelot', 'musical', 'musical', 'openkey'] as const))
          : null;
      const plays = random() < 0.4 ? 0 : Math.floor(-Math.log(random()) * 6);
      const added = now - Math.floor(random() * 5 * 365) * DAY;
      const flac = random() < 0.3;
      insert.run(
        `/music/${artist}/${i}.${flac ? 'flac' : 'mp3'}`,
        8_000_000,
        `fp${i}`,
        random() < 0.98 ? 'ok' : 'missing',
        `${cap(word())} ${word()}`,
        artist,
        artist,
        `${cap(word())} ${cap(word())}`,
        genre,
        1990 + Math.floor(random() * 36),
        180_000 + Math.floor(random() * 300_000),
        flac ? 'FLAC' : 'MPEG',
        flac ? 'FLAC' : 'MPEG 1 Layer 3',
        random() < 0.9 ? Math.round((lo + random() * (hi - lo)) * 100) / 100 : null,
        key,
        plays,
        plays ? added + Math.floor(random() * (now - added)) : null,
        added,
        added,
      );
    }
  })();
  db.exec('ANALYZE');
  report('build_library', performance.now() - built, 'ms', 'info');
}

/** Co-op catalog rows (half owned), once per database; QUERY_BENCH_COOP=0 for none. */
function addCoopTracks(db: Db, now: number): void {
  const count = Number(process.env.QUERY_BENCH_COOP ?? 1000);
  if ((db.prepare('SELECT count(*) AS n FROM coop_tracks').get() as { n: number }).n > 0 || count === 0)
    return;
  const track = db.prepare(
    `INSERT INTO coop_tracks (id, title, artist, album, duration_ms, status, rightsholder, is_own, local_file, updated_at)
     VALUES (?, ?, ?, ?, ?, 'paid', ?, 0, ?, ?)`,
  );
  const progress = db.prepare(
    'INSERT INTO coop_track_progress (track_id, paid_plays, owned, owned_at, counted_plays) VALUES (?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = `coop-${i}`;
      const owned = i % 2 === 0;
      track.run(
        id,
        `${cap(word())} ${word()}`,
        pick(artists),
        `${cap(word())}`,
        180_000 + Math.floor(random() * 300_000),
        `artist-${i % 50}`,
        owned ? `/data/downloads/${id}.flac` : null,
        now,
      );
      progress.run(
        id,
        owned ? 9 : i % 9,
        owned ? 1 : 0,
        owned ? now - Math.floor(random() * 365) * DAY : null,
        owned ? 9 + (i % 7) : i % 9,
      );
    }
  })();
}
