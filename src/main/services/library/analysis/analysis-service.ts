import { statSync } from 'node:fs';
import { sql } from 'kysely';
import { cpus } from 'node:os';
import type { AnalysisStatus, TrackAnalysisInfo } from '../../../../shared/contract/library';
import { assert } from '../../../../shared/assert';
import type { Clock } from '../../core/clock';
import type { EventHub } from '../../core/events';
import type { Logger } from '../../core/logger';
import type { Db } from '../../db/database';
import { typedDb, type TypedDb } from '../../db/typed-query';
import { AnalysisPool, type AnalysisWorkerEntry } from '../../release/analysis/analysis-pool';
import type { LibraryTables } from '../tables';
import type { TrackAnalysis } from './analyze-track';

export interface LibraryAnalysisDeps {
  db: Db;
  events: EventHub;
  clock: Clock;
  logger: Logger;
  /** The file to open for a track (the library's `fileForTrack`), null when it is not on disk. */
  fileForTrack(trackId: number): string | null;
  analysisWorker?: AnalysisWorkerEntry;
  /** Tracks measured at once, each in its own worker thread (default: cores − 1, 1 to 4). */
  concurrency?: number;
}

interface Run {
  queue: number[];
  done: number;
  failed: number;
  total: number;
  startedMs: number;
  cancelled: boolean;
  finished: Promise<void>;
}

/**
 * Measures library tracks in the background: worker threads decode each
 * file once and give its EBU R128 loudness, peaks, tempo and key (see
 * `analyzeTrack`); this stores them (`schema.ts`) and fills in what the
 * track's tags lack. At most `concurrency` files are decoded at once, so a
 * big library never takes every core from playback.
 */
export class LibraryAnalysisService {
  private readonly pools: AnalysisPool[];
  private run: Run | null = null;
  private last: AnalysisStatus['last'] = null;
  private lastProgressMs = -Infinity;
  private readonly db: TypedDb<LibraryTables>;

  constructor(private readonly deps: LibraryAnalysisDeps) {
    this.db = typedDb<LibraryTables>(deps.db);
    const concurrency = deps.concurrency ?? Math.min(4, Math.max(1, cpus().length - 1));
    assert(
      Number.isInteger(concurrency) && concurrency >= 1,
      'analysis concurrency must be a positive integer',
    );
    this.pools = Array.from({ length: concurrency }, () => new AnalysisPool(deps.analysisWorker));
  }

  status(): AnalysisStatus {
    const r = this.run;
    return {
      state: r ? 'running' : 'idle',
      done: r?.done ?? 0,
      total: r?.total ?? 0,
      failed: r?.failed ?? 0,
      last: this.last,
    };
  }

  /**
   * Starts measuring the named tracks (default: every playable track) that
   * lack a ReplayGain, BPM or key tag and have no measurement of their file
   * as it is now; `force` measures the named ones again. Named tracks join a
   * run already going.
   */
  start(input: { trackIds?: number[]; force?: boolean } = {}): AnalysisStatus {
    const ids = this.candidates(input.trackIds, input.force ?? false);
    if (this.run) {
      const queued = new Set(this.run.queue);
      const added = ids.filter((id) => !queued.has(id));
      this.run.queue.push(...added);
      this.run.total += added.length;
    } else if (ids.length > 0) {
      const run: Run = {
        queue: ids,
        done: 0,
        failed: 0,
        total: ids.length,
        startedMs: this.deps.clock.monotonicMs(),
        cancelled: false,
        finished: Promise.resolve(),
      };
      this.run = run;
      run.finished = Promise.all(this.pools.map((pool) => this.lane(run, pool))).then(() => this.finish(run));
    }
    this.progress(true);
    return this.status();
  }

  cancel(): AnalysisStatus {
    if (this.run) {
      this.run.cancelled = true;
      this.run.queue.length = 0;
    }
    return this.status();
  }

  /** Resolves when the current run (if any) has finished. */
  async idle(): Promise<void> {
    await this.run?.finished;
  }

  trackAnalysis(trackId: number): TrackAnalysisInfo | null {
    const row = this.db.get(
      this.db.q
        .selectFrom('library_analysis as a')
        .innerJoin('library_tracks as t', 't.id', 'a.track_id')
        .select([
          'a.status',
          'a.detail',
          'a.analysed_at',
          'a.integrated_lufs',
          'a.track_gain_db',
          'a.true_peak',
          'a.bpm',
          'a.musical_key',
          't.rg_detected',
          't.bpm_detected',
          't.key_detected',
        ])
        .where('a.track_id', '=', trackId),
    );
    if (!row) return null;
    return {
      status: row.status,
      detail: row.detail,
      analysedAt: row.analysed_at,
      integratedLufs: row.integrated_lufs,
      trackGainDb: row.track_gain_db,
      truePeak: row.true_peak,
      bpm: row.bpm,
      key: row.musical_key,
      detected: {
        replayGain: row.rg_detected === 1,
        bpm: row.bpm_detected === 1,
        key: row.key_detected === 1,
      },
    };
  }

  async close(): Promise<void> {
    this.cancel();
    await Promise.all(this.pools.map((p) => p.close()));
    await this.idle();
  }

  private candidates(trackIds: number[] | undefined, force: boolean): number[] {
    const rows = this.db.all(
      this.db.q
        .selectFrom('library_tracks as t')
        .select('t.id')
        .where('t.status', '=', sql.lit('ok'))
        .$if(!force, (qb) =>
          qb.where((eb) =>
            eb.and([
              // Lacking a tag…
              eb.or([
                eb('t.rg_track_gain', 'is', null),
                eb('t.bpm', 'is', null),
                eb('t.musical_key', 'is', null),
              ]),
              // …and not measured as the file is now.
              eb.not(
                eb.exists(
                  eb
                    .selectFrom('library_analysis as a')
                    .select(sql.lit(1).as('one'))
                    .whereRef('a.track_id', '=', 't.id')
                    .whereRef('a.size', '=', 't.size')
                    .whereRef('a.mtime_ms', '=', 't.mtime_ms'),
                ),
              ),
            ]),
          ),
        )
        .orderBy('t.id'),
    );
    const all = rows.map((r) => r.id);
    if (!trackIds) return all;
    const named = new Set(trackIds);
    return all.filter((id) => named.has(id));
  }

  private async lane(run: Run, pool: AnalysisPool): Promise<void> {
    for (let id = run.queue.shift(); id !== undefined; id = run.queue.shift()) {
      const file = this.deps.fileForTrack(id);
      const analysis: TrackAnalysis = file
        ? await pool.analyzeTrack(file)
        : { measured: false, reason: 'corrupt', detail: 'the file is not on disk' };
      if (run.cancelled && !analysis.measured && analysis.detail === 'the analysis was stopped') return;
      try {
        this.store(id, file, analysis);
      } catch (error) {
        // The track went away meanwhile (removed folder): nothing to keep.
        this.deps.logger.warn(`analysis of track ${id} not stored: ${(error as Error).message}`);
      }
      run.done++;
      if (!analysis.measured) run.failed++;
      this.progress(false);
    }
  }

  /** Keeps the measurement and fills in, for each value the tags lack, the measured one (flagged as detected). */
  private store(trackId: number, file: string | null, a: TrackAnalysis): void {
    let size = -1;
    let mtimeMs = -1;
    try {
      if (file) ({ size, mtimeMs } = statSync(file));
    } catch {
      // Gone since: stored against an impossible size, so it is measured again when it is back.
    }
    const now = this.deps.clock.nowMs();
    const { q } = this.db;
    const write = this.db.raw.transaction(() => {
      const exists = this.db.get(q.selectFrom('library_tracks').select('id').where('id', '=', trackId));
      if (!exists) return;
      this.db.run(
        q
          .insertInto('library_analysis')
          .orReplace()
          .values({
            track_id: trackId,
            size,
            mtime_ms: Math.trunc(mtimeMs),
            analysed_at: Math.trunc(now),
            status: a.measured ? 'ok' : 'failed',
            detail: a.measured ? '' : a.detail,
            integrated_lufs: a.measured ? a.integratedLufs : null,
            track_gain_db: a.measured ? a.trackGainDb : null,
            sample_peak: a.measured ? a.samplePeak : null,
            true_peak: a.measured ? a.truePeak : null,
            bpm: a.measured ? a.bpm : null,
            bpm_confidence: a.measured ? a.bpmConfidence : null,
            musical_key: a.measured ? a.key : null,
            key_confidence: a.measured ? a.keyConfidence : null,
            elapsed_ms: a.measured ? a.elapsedMs : null,
          }),
      );
      if (!a.measured) return;
      this.fillIn(trackId, a);
    });
    write();
  }

  private fillIn(trackId: number, a: Extract<TrackAnalysis, { measured: true }>): void {
    const { q } = this.db;
    const track = q.updateTable('library_tracks').where('id', '=', trackId);
    // A value measured before and still shown as measured is replaced by the new one; a tag never is.
    if (a.trackGainDb !== null) {
      this.db.run(
        track
          .set({ rg_track_gain: a.trackGainDb, rg_track_peak: a.truePeak, rg_detected: 1 })
          .where((eb) => eb.or([eb('rg_track_gain', 'is', null), eb('rg_detected', '=', 1)])),
      );
    }
    if (a.bpm !== null) {
      this.db.run(
        track
          .set({ bpm: a.bpm, bpm_detected: 1 })
          .where((eb) => eb.or([eb('bpm', 'is', null), eb('bpm_detected', '=', 1)])),
      );
    }
    if (a.key !== null) {
      this.db.run(
        track
          .set({ musical_key: a.key, key_detected: 1 })
          .where((eb) => eb.or([eb('musical_key', 'is', null), eb('key_detected', '=', 1)])),
      );
    }
  }

  private finish(run: Run): void {
    const ms = Math.round(this.deps.clock.monotonicMs() - run.startedMs);
    const analysed = run.done - run.failed;
    this.last = {
      analysed,
      failed: run.failed,
      ms,
      msPerTrack: run.done > 0 ? Math.round(ms / run.done) : 0,
      cancelled: run.cancelled,
    };
    this.run = null;
    this.progress(true);
    this.deps.events.emit('library.changed', { reason: 'analysis' });
  }

  private progress(force: boolean): void {
    const now = this.deps.clock.monotonicMs();
    if (!force && now - this.lastProgressMs < 250) return;
    this.lastProgressMs = now;
    this.deps.events.emit('library.analysisProgress', this.status());
  }
}
