import type { ReplayGainMode } from './gain';
import { gainFactor } from './gain';
import { api, ApiError } from '../api/client';
import { mediaUrl } from '../api/media';
import { currentItem, usePlayer, type QueueItem } from './store';
import type { PlayableTrack } from './track';
import type { PlayerStore } from './types';
import { updateMediaSession, installMediaSessionHandlers, updatePositionState } from './media-session';
import { useSkipNotice } from './skip-notice';
import { startPlayerSession } from './session';

type ReportEvent = 'playing' | 'paused' | 'seeked' | 'timeupdate' | 'ratechange' | 'ended' | 'error';

interface Session {
  /** Null when the host has no listening guard (playback still works). */
  id: string | null;
  trackId: string;
  seq: number;
}

interface Load {
  token: number;
  item: QueueItem;
  session: Session | null;
  /** Reports made before the session was opened, sent once it is. */
  backlog: { event: ReportEvent; positionMs: number; rate: number }[];
  /** False while the element still holds the previous track: its late events are not this session's. */
  accepting: boolean;
  /** A restored position not reached yet: shown (and saved) instead of the element's 0 until the element has sought there. */
  resumeAtMs: number | null;
}

/** The element a crossfade fades out, with its load, asked for just before the store moves on. */
type FadeFrom = { audio: HTMLAudioElement; load: Load; fadeMs: number };

/** The track fading out during a crossfade: its own element, reported to its own session until it ends. */
interface Fading {
  audio: HTMLAudioElement;
  load: Load;
  fadeMs: number;
  startedAt: number;
  timer: ReturnType<typeof setInterval>;
  done: Promise<void>;
  resolve(): void;
}

/** Start preloading the next track this long before the current one ends. */
const PRELOAD_AHEAD_MS = 30_000;
const VOLUME_SAVE_DELAY_MS = 600;

/**
 * The audio side of the player: two audio elements (the playing one and the
 * next track preloading), following the store's intentions and reporting
 * what the element did to the main process, which alone decides what counts.
 */
class PlayerEngine {
  private active: HTMLAudioElement;
  private standby: HTMLAudioElement;
  /** What the standby element holds: the queue entry's key and the URL. */
  private standbyFor: { key: string; url: string } | null = null;
  private load: Load | null = null;
  private loadSeq = 0;
  /** Tracks that failed to play one after another: the player skips on until every queued one has failed. */
  private failedInARow = 0;
  private replayGain: ReplayGainMode = 'track';
  private gains = new Map<
    number,
    {
      trackGainDb: number | null;
      trackPeak: number | null;
      albumGainDb: number | null;
      albumPeak: number | null;
    }
  >();
  private volumeTimer: ReturnType<typeof setTimeout> | null = null;
  private volumeLoaded = false;
  private lastPositionState = 0;
  private gapless = true;
  private crossfadeMs = 0;
  /** Set just before the store moves on for a crossfade: the element to fade out, taken over by `startCurrent`. */
  private fadeFrom: FadeFrom | null = null;
  private fading: Fading | null = null;
  /** The incoming track's share of the volume during a crossfade (1 otherwise). */
  private fadeIn = 1;

  constructor() {
    this.active = this.makeAudio();
    this.standby = this.makeAudio();
  }

  start(): void {
    this.followSettings();
    this.followPlayEvents();
    usePlayer.subscribe((state, previous) => this.followStore(state, previous));
    installMediaSessionHandlers();
  }

  /** The saved volume and playback settings at start-up and on each change; gains re-read after an analysis. */
  private followSettings(): void {
    void api
      .call('settings.get', {})
      .then((settings) => {
        this.replayGain = settings.replayGain;
        this.followPlaybackSettings(settings);
        usePlayer.getState().engine.initVolume(settings.volume, settings.muted);
        this.volumeLoaded = true;
        this.applyVolume();
      })
      .catch(() => (this.volumeLoaded = true));
    api.on('settings.changed', (settings) => {
      this.followPlaybackSettings(settings);
      if (settings.replayGain !== this.replayGain) {
        this.replayGain = settings.replayGain;
        this.applyVolume();
      }
    });
    // Tracks just measured (library.analyse) have a ReplayGain now: forget the cached ones, re-read the playing one's.
    api.on('library.changed', ({ reason }) => {
      if (reason !== 'analysis') return;
      this.gains.clear();
      const track = this.load?.item.track;
      if (track) void this.loadGain(track);
    });
  }

  /** The main process's word on the current play: its free preview ended, it was counted (maybe charged). */
  private followPlayEvents(): void {
    api.on('player.previewEnded', (preview) => {
      const item = this.load?.item;
      usePlayer.getState().engine.preview({
        trackId: preview.trackId,
        title: item && item.track.id === preview.trackId ? item.track.title : '',
        priceThousandths: preview.priceThousandths,
        spendableThousandths: preview.spendableThousandths,
        remainingToOwnThousandths: preview.remainingToOwnThousandths,
      });
    });
    api.on('player.playCounted', (counted) => {
      if (counted.stream2own)
        usePlayer.getState().engine.stream2own(counted.source, counted.trackId, counted.stream2own);
      if (this.load?.session?.id === counted.sessionId) {
        const item = this.load.item;
        usePlayer.getState().engine.counted(
          counted.outcome === 'charged' && counted.paidPlayNumber !== null
            ? {
                title: item.track.title,
                chargeThousandths: counted.chargeThousandths,
                paidPlayNumber: counted.paidPlayNumber,
              }
            : null,
        );
      }
      // Its cache writes (the wallet, the catalog's counts) are in api/live-events.ts.
    });
  }

  /** Acts on what changed in the store: a (re)start, a stop, the intention, a seek, the volume, what comes next. */
  private followStore(state: PlayerStore, previous: PlayerStore): void {
    if (state.startToken !== previous.startToken) void this.startCurrent();
    else if (state.index !== previous.index && state.index < 0) this.stop();
    if (state.wantPlaying !== previous.wantPlaying) this.followIntent();
    if (state.seekRequest && state.seekRequest !== previous.seekRequest) {
      const target = state.seekRequest.positionMs / 1000;
      if (Number.isFinite(target)) this.active.currentTime = target;
      state.engine.seekDone();
    }
    if (state.volume !== previous.volume || state.muted !== previous.muted) {
      this.applyVolume();
      this.saveVolume(state.volume, state.muted);
    }
    if (
      state.queue !== previous.queue ||
      state.index !== previous.index ||
      state.repeat !== previous.repeat
    ) {
      // What "next" means may have changed: drop a preload that is no longer next.
      const next = this.nextItem();
      if (this.standbyFor && this.standbyFor.key !== next?.key) this.clearStandby();
    }
  }

  private makeAudio(): HTMLAudioElement {
    const audio = new Audio();
    audio.preload = 'auto';
    const on = (type: string, handler: () => void) =>
      audio.addEventListener(type, () => {
        if (audio === this.active) handler();
        else if (this.fading?.audio === audio) this.fadingEvent(type);
      });
    on('playing', () => {
      this.failedInARow = 0;
      usePlayer.getState().engine.status('playing');
      this.report('playing');
    });
    on('pause', () => {
      if (!audio.ended) usePlayer.getState().engine.status('paused');
      this.report('paused');
    });
    on('seeked', () => {
      if (this.load) this.load.resumeAtMs = null;
      this.report('seeked');
    });
    on('ratechange', () => this.report('ratechange'));
    on('timeupdate', () => {
      this.publishTime();
      this.report('timeupdate');
      this.maybePreload();
      this.maybeCrossfade();
    });
    on('durationchange', () => this.publishTime());
    on('ended', () => {
      this.report('ended');
      usePlayer.getState().engine.ended();
    });
    on('error', () => {
      if (!audio.getAttribute('src')) return;
      this.report('error');
      this.playFailed();
    });
    return audio;
  }

  /** The file could not be played (missing, cut short, undecodable): say so plainly and go on to the next track. */
  private playFailed(): void {
    const state = usePlayer.getState();
    const title = this.load?.item.track.title ?? '';
    this.failedInARow += 1;
    const skip = this.nextItem() !== null && this.failedInARow < state.queue.length;
    useSkipNotice.getState().show(title, skip);
    if (skip) state.next(true);
    else state.engine.status('error', null);
  }

  private publishTime(): void {
    const audio = this.active;
    const item = this.load?.item;
    const duration =
      Number.isFinite(audio.duration) && audio.duration > 0
        ? audio.duration * 1000
        : (item?.track.durationMs ?? 0);
    const position = this.load?.resumeAtMs ?? audio.currentTime * 1000;
    usePlayer.getState().engine.time(position, duration);
    const now = performance.now();
    if (now - this.lastPositionState > 1000) {
      this.lastPositionState = now;
      updatePositionState(position, duration, audio.playbackRate);
    }
  }

  private nextItem(): QueueItem | null {
    const s = usePlayer.getState();
    if (s.index < 0 || s.repeat === 'one') return null;
    return s.queue[s.index + 1] ?? (s.repeat === 'all' ? (s.queue[0] ?? null) : null);
  }

  /** Near the end of a track, the next local track starts loading in the standby element. */
  private maybePreload(): void {
    const audio = this.active;
    if ((!this.gapless && this.crossfadeMs === 0) || this.fading || !Number.isFinite(audio.duration)) return;
    if ((audio.duration - audio.currentTime) * 1000 > PRELOAD_AHEAD_MS) return;
    const next = this.nextItem();
    if (!next || !next.track.mediaPath || this.standbyFor?.key === next.key) return;
    const key = next.key;
    this.standbyFor = { key, url: '' };
    void mediaUrl(next.track.mediaPath).then((url) => {
      if (this.standbyFor?.key !== key) return;
      this.standbyFor = { key, url };
      this.standby.src = url;
      this.standby.load();
    });
  }

  private clearStandby(): void {
    // During a crossfade the standby element is the track fading out: it ends first.
    if (this.fading) this.finishFade();
    this.standbyFor = null;
    if (this.standby.getAttribute('src')) {
      this.standby.removeAttribute('src');
      this.standby.load();
    }
  }

  private stop(): void {
    if (this.fading) this.finishFade();
    const session = this.load?.session;
    this.load = null;
    this.active.pause();
    this.active.removeAttribute('src');
    this.active.load();
    this.clearStandby();
    if (session?.id) void api.call('player.close', { sessionId: session.id }).catch(() => undefined);
    updateMediaSession(null);
  }

  /** Loads the current queue entry from its start, in a new play session. */
  private async startCurrent(): Promise<void> {
    const state = usePlayer.getState();
    const item = currentItem(state);
    if (!item) return this.stop();
    const { load, fadeFrom } = this.beginLoad(item, state.resumeAtMs);
    const swapped = this.swapInPreloaded(load, fadeFrom);
    if (!swapped) this.active.pause();
    updateMediaSession(item.track);
    void this.loadGain(item.track);
    // The guard times one session at a time: the fading track's runs to its end, then this one opens
    // (the incoming track's reports wait in the backlog meanwhile; what the guard cannot time is not heard).
    if (this.fading) await this.fading.done;
    if (this.load !== load) return;
    const url = await this.openSession(load);
    if (url === null) return;
    for (const r of load.backlog.splice(0)) this.send(load, r.event, r.positionMs, r.rate);
    if (!swapped || !sameMedia(this.active.src, url)) await this.playFrom(load, url);
  }

  /** The new load becomes the current one; a crossfade still going ends, one just asked for is handed over. */
  private beginLoad(item: QueueItem, resumeAtMs: number | null): { load: Load; fadeFrom: FadeFrom | null } {
    const load: Load = {
      token: ++this.loadSeq,
      item,
      session: null,
      backlog: [],
      accepting: false,
      resumeAtMs,
    };
    const fadeFrom = this.fadeFrom;
    this.fadeFrom = null;
    // A crossfade still going when the user moves on ends now.
    if (this.fading) this.finishFade();
    this.load = load;
    return { load, fadeFrom };
  }

  /**
   * Gapless: the next track may already be waiting in the standby element. It becomes the active one
   * (playing at once if the user wants sound) and the old one fades out or is emptied; false when none waits.
   */
  private swapInPreloaded(load: Load, fadeFrom: FadeFrom | null): boolean {
    const waiting = this.standbyFor?.key === load.item.key && this.standbyFor.url;
    if (!waiting || !(this.gapless || fadeFrom)) return false;
    const old = this.active;
    this.active = this.standby;
    this.standby = old;
    if (fadeFrom?.audio === old) this.beginFade(fadeFrom);
    else {
      old.pause();
      old.removeAttribute('src');
      old.load();
    }
    this.standbyFor = null;
    load.accepting = true;
    this.applyVolume();
    if (usePlayer.getState().wantPlaying) void this.active.play().catch(() => undefined);
    return true;
  }

  /**
   * Opens the load's play session and answers the URL to play; null when another load took over
   * meanwhile or the session could not be opened (the player then shows the error).
   */
  private async openSession(load: Load): Promise<string | null> {
    const track = load.item.track;
    try {
      const opened = await api.call('player.open', { source: track.source, trackId: track.id });
      if (this.load !== load) return null;
      load.session = { id: opened.sessionId, trackId: track.id, seq: 0 };
      if (opened.stream2own)
        usePlayer.getState().engine.stream2own(track.source, track.id, opened.stream2own);
      return opened.mediaUrl;
    } catch (error) {
      if (this.load !== load) return null;
      // A host without the listening guard still plays local files.
      if (error instanceof ApiError && error.code === 'unknown_call' && track.mediaPath) {
        load.session = { id: null, trackId: track.id, seq: 0 };
        const url = await mediaUrl(track.mediaPath);
        return this.load === load ? url : null;
      }
      usePlayer.getState().engine.status('error', messageOf(error));
      return null;
    }
  }

  /** The active element loads `url` (at the restored position, if any) and plays it if the user wants sound. */
  private async playFrom(load: Load, url: string): Promise<void> {
    this.active.src = url;
    load.accepting = true;
    if (load.resumeAtMs !== null) this.resumeAt(load, this.active);
    this.applyVolume();
    if (!usePlayer.getState().wantPlaying) return usePlayer.getState().engine.status('paused');
    try {
      await this.active.play();
    } catch (error) {
      // NotSupportedError ("no supported source"): the element's error event handles it, in plain words.
      const expected =
        error instanceof DOMException && (error.name === 'AbortError' || error.name === 'NotSupportedError');
      if (this.load === load && !expected) usePlayer.getState().engine.status('error', messageOf(error));
    }
  }

  private followIntent(): void {
    const { wantPlaying } = usePlayer.getState();
    if (!this.load) return;
    if (wantPlaying) {
      if (this.active.ended) return void usePlayer.getState().playAt(usePlayer.getState().index);
      void this.active.play().catch(() => undefined);
    } else this.active.pause();
  }

  private report(event: ReportEvent, load = this.load, audio = this.active): void {
    if (!load || !load.accepting) return;
    const positionMs = audio.currentTime * 1000;
    const rate = audio.playbackRate;
    if (!load.session) {
      // Sent all at once when the session opens: one time update in a row is as good as many (and stays under the guard's flood limit).
      if (event === 'timeupdate' && load.backlog.at(-1)?.event === 'timeupdate') load.backlog.pop();
      load.backlog.push({ event, positionMs, rate });
      return;
    }
    this.send(load, event, positionMs, rate);
  }

  private send(load: Load, event: ReportEvent, positionMs: number, rate: number): void {
    const session = load.session;
    if (!session?.id) return;
    session.seq += 1;
    void api
      .call('player.report', {
        sessionId: session.id,
        trackId: session.trackId,
        seq: session.seq,
        event,
        positionMs,
        rate,
      })
      .then((answer) => {
        if (this.load === load && answer.accepted) usePlayer.getState().engine.heard(answer.heardMs);
        if (answer.stop && this.load === load) usePlayer.getState().pause();
      })
      .catch(() => undefined);
  }

  private async loadGain(track: PlayableTrack): Promise<void> {
    if (track.localId === null || this.gains.has(track.localId)) return this.applyVolume();
    try {
      const details = await api.call('library.track', { id: track.localId });
      this.gains.set(track.localId, details.replayGain);
      if (this.gains.size > 500) this.gains.delete(this.gains.keys().next().value!);
    } catch {
      // No details: play at the plain volume.
    }
    this.applyVolume();
  }

  private applyVolume(): void {
    const { volume, muted } = usePlayer.getState();
    const track = this.load?.item.track;
    const gain = track?.localId != null ? this.gains.get(track.localId) : undefined;
    const factor = gain ? gainFactor(gain, this.replayGain) : 1;
    const value = muted ? 0 : Math.min(1, Math.max(0, volume * factor));
    this.active.volume = value * this.fadeIn;
    if (!this.fading) this.standby.volume = value;
  }

  private followPlaybackSettings(settings: { gapless: boolean; crossfadeSeconds: number }): void {
    this.gapless = settings.gapless;
    this.crossfadeMs = Math.round(Math.max(0, Math.min(10, settings.crossfadeSeconds)) * 1000);
    if (!this.gapless && this.crossfadeMs === 0 && this.standbyFor) this.clearStandby();
  }

  /** Once the element knows the track, it seeks to the restored position (a seek: the guard does not count it as heard). */
  private resumeAt(load: Load, audio: HTMLAudioElement): void {
    audio.addEventListener(
      'loadedmetadata',
      () => {
        if (this.load === load && load.resumeAtMs !== null && audio === this.active)
          audio.currentTime = load.resumeAtMs / 1000;
      },
      { once: true },
    );
  }

  /** Near the end of a track with a crossfade set, the preloaded next track starts while this one fades out. */
  private maybeCrossfade(): void {
    const audio = this.active;
    if (
      this.crossfadeMs === 0 ||
      this.fading ||
      !this.load ||
      audio.paused ||
      !Number.isFinite(audio.duration)
    )
      return;
    const remainingMs = (audio.duration - audio.currentTime) * 1000;
    // A track shorter than two fades plays out whole.
    if (remainingMs > this.crossfadeMs || audio.duration * 1000 < 2 * this.crossfadeMs) return;
    const next = this.nextItem();
    if (!next || this.standbyFor?.key !== next.key || !this.standbyFor.url) return;
    this.fadeFrom = { audio, load: this.load, fadeMs: Math.max(200, remainingMs) };
    usePlayer.getState().next(true);
    // The store did not move on (the queue changed under us): nothing to fade.
    this.fadeFrom = null;
  }

  private beginFade(from: FadeFrom): void {
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const startedAt = performance.now();
    const timer = setInterval(() => this.stepFade(), 50);
    this.fading = { ...from, startedAt, timer, done, resolve };
    this.fadeIn = 0;
    this.stepFade();
  }

  private stepFade(): void {
    const f = this.fading;
    if (!f) return;
    const elapsed = performance.now() - f.startedAt;
    const p = Math.min(1, elapsed / f.fadeMs);
    const { volume, muted } = usePlayer.getState();
    f.audio.volume = muted ? 0 : Math.max(0, Math.min(1, volume * (1 - p)));
    this.fadeIn = p;
    this.applyVolume();
    // The outgoing track should end about when the fade does; if it stalls, it is cut.
    if (elapsed > f.fadeMs + 2_000) this.finishFade();
  }

  /** The fading element's own events go to its own session. */
  private fadingEvent(type: string): void {
    const f = this.fading!;
    if (type === 'timeupdate') this.report('timeupdate', f.load, f.audio);
    else if (type === 'ended' || type === 'error') {
      this.report(type, f.load, f.audio);
      this.finishFade();
    }
  }

  private finishFade(): void {
    const f = this.fading;
    if (!f) return;
    this.fading = null;
    clearInterval(f.timer);
    if (!f.audio.ended) this.report('paused', f.load, f.audio);
    f.audio.pause();
    f.audio.removeAttribute('src');
    f.audio.load();
    this.fadeIn = 1;
    this.applyVolume();
    f.resolve();
  }

  private saveVolume(volume: number, muted: boolean): void {
    if (!this.volumeLoaded) return;
    if (this.volumeTimer) clearTimeout(this.volumeTimer);
    this.volumeTimer = setTimeout(() => {
      void api.call('settings.update', { volume, muted }).catch(() => undefined);
    }, VOLUME_SAVE_DELAY_MS);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sameMedia(a: string, b: string): boolean {
  try {
    return new URL(a, location.href).href === new URL(b, location.href).href;
  } catch {
    return a === b;
  }
}

let engine: PlayerEngine | null = null;

/** Starts the one player engine of this window (idempotent). */
export function startPlayerEngine(): void {
  if (engine) return;
  engine = new PlayerEngine();
  engine.start();
  startPlayerSession();
}
