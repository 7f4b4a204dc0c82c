import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { currentItem, usePlayer, type PlayerState } from '../../../src/renderer/src/player/store';
import type { PlayableTrack } from '../../../src/renderer/src/player/track';

const track = (n: number): PlayableTrack => ({
  source: 'local',
  id: String(n),
  localId: n,
  title: `Song ${n}`,
  artist: 'A',
  album: 'B',
  albumId: null,
  artistId: null,
  durationMs: 200_000,
  coverPath: null,
  mediaPath: `track/local/${n}`,
  stream2own: null,
});
const tracks = (...ns: number[]) => ns.map(track);

const initial = usePlayer.getState();
const player = () => usePlayer.getState();
/** The queue as the queue panel shows it. */
const titles = () => player().queue.map((i) => i.track.title);
const nowPlaying = () => currentItem(player())?.track.title ?? null;
const songs = (...ns: number[]) => ns.map((n) => `Song ${n}`);

/** What the engine notices: a (re)start of the current entry is a new startToken. */
function watchStarts() {
  const starts: string[] = [];
  const unsubscribe = usePlayer.subscribe((s, before) => {
    if (s.startToken !== before.startToken) starts.push(currentItem(s)?.track.title ?? '(none)');
  });
  return { starts, unsubscribe };
}

/** Plays `ns`, the current entry at `at`, already past the "previous restarts" threshold when `positionMs` says so. */
function playing(ns: number[], at = 0, patch: Partial<PlayerState> = {}) {
  player().playTracks(tracks(...ns), at);
  usePlayer.setState({ status: 'playing', ...patch });
}

beforeEach(() => usePlayer.setState(initial, true));
afterEach(() => vi.restoreAllMocks());

describe('play now', () => {
  it('replaces the queue and starts the chosen track', () => {
    playing([9]);
    const w = watchStarts();
    player().playTracks(tracks(1, 2, 3), 1);
    expect(titles()).toEqual(songs(1, 2, 3));
    expect(nowPlaying()).toBe('Song 2');
    expect(player()).toMatchObject({ wantPlaying: true, status: 'loading', positionMs: 0 });
    expect(w.starts).toEqual(['Song 2']);
    w.unsubscribe();
  });

  it('the time shown is the length of the new track from the start, not of the one that was playing', () => {
    playing([9]);
    expect(player().durationMs).toBe(200_000);
    player().playTracks([{ ...track(1), durationMs: 61_000 }, track(2)], 0);
    expect(player().durationMs).toBe(61_000);
    player().toggleShuffle();
    player().playTracks([track(3), { ...track(4), durationMs: 33_000 }], 1);
    expect(nowPlaying()).toBe('Song 4');
    expect(player().durationMs).toBe(33_000);
  });

  it('a start past the end plays the last track; nothing to play changes nothing', () => {
    player().playTracks(tracks(1, 2), 7);
    expect(nowPlaying()).toBe('Song 2');
    player().playTracks([], 0);
    expect(titles()).toEqual(songs(1, 2));
  });

  it('with shuffle on, the chosen track plays first and the others follow in some order', () => {
    player().toggleShuffle();
    player().playTracks(tracks(1, 2, 3, 4, 5), 2);
    expect(nowPlaying()).toBe('Song 3');
    expect(player().index).toBe(0);
    expect([...titles()].sort()).toEqual(songs(1, 2, 3, 4, 5));
  });
});

describe('play next, add, remove, move', () => {
  it('play next goes right after the current track; add goes to the end', () => {
    playing([1, 2, 3], 1);
    player().playNext(tracks(8));
    player().addToQueue(tracks(9));
    expect(titles()).toEqual(songs(1, 2, 8, 3, 9));
    expect(nowPlaying()).toBe('Song 2');
    player().next();
    expect(nowPlaying()).toBe('Song 8');
  });

  it('adding to an empty queue plays nothing until play', () => {
    const w = watchStarts();
    player().addToQueue(tracks(1, 2));
    expect(nowPlaying()).toBeNull();
    expect(player().wantPlaying).toBe(false);
    expect(w.starts).toEqual([]);
    player().play();
    expect(nowPlaying()).toBe('Song 1');
    expect(w.starts).toEqual(['Song 1']);
    w.unsubscribe();
  });

  it('the same track twice is two entries, each removable on its own', () => {
    playing([1, 2]);
    player().addToQueue(tracks(2));
    const keys = player().queue.map((i) => i.key);
    expect(new Set(keys).size).toBe(3);
    player().remove(1);
    expect(titles()).toEqual(songs(1, 2));
    expect(player().queue[1]!.key).toBe(keys[2]);
  });

  it('removing another entry keeps the current track playing without a restart', () => {
    playing([1, 2, 3, 4], 2);
    const w = watchStarts();
    player().remove(0);
    player().remove(2);
    expect(titles()).toEqual(songs(2, 3));
    expect(nowPlaying()).toBe('Song 3');
    expect(w.starts).toEqual([]);
    w.unsubscribe();
  });

  it('removing the current track starts the one after it (the one before when it was last), playing or paused as it was', () => {
    playing([1, 2, 3], 1);
    player().pause();
    const w = watchStarts();
    player().remove(1);
    expect(nowPlaying()).toBe('Song 3');
    expect(player().wantPlaying).toBe(false);
    player().remove(1);
    expect(nowPlaying()).toBe('Song 1');
    expect(w.starts).toEqual(['Song 3', 'Song 1']);
    player().remove(0);
    expect(player()).toMatchObject({ queue: [], index: -1, status: 'idle', wantPlaying: false });
    w.unsubscribe();
  });

  it('moving entries keeps the current track current wherever it ends up', () => {
    playing([1, 2, 3, 4], 1);
    player().move(1, 3); // the current one, to the end
    expect(titles()).toEqual(songs(1, 3, 4, 2));
    expect(nowPlaying()).toBe('Song 2');
    player().move(0, 3); // one from above it to below it
    expect(titles()).toEqual(songs(3, 4, 2, 1));
    expect(nowPlaying()).toBe('Song 2');
    player().move(3, 0); // one from below it to above it
    expect(titles()).toEqual(songs(1, 3, 4, 2));
    expect(nowPlaying()).toBe('Song 2');
    player().move(0, 9); // out of range: nothing moves
    expect(titles()).toEqual(songs(1, 3, 4, 2));
  });

  it('clearing the queue keeps only the playing track', () => {
    playing([1, 2, 3], 1);
    player().clearQueue();
    expect(titles()).toEqual(songs(2));
    expect(nowPlaying()).toBe('Song 2');
  });
});

describe('next and previous at the ends', () => {
  it('next at the last track: nothing on a press, stops (paused at 0) when the track ends', () => {
    playing([1, 2], 1);
    const w = watchStarts();
    player().next();
    expect(nowPlaying()).toBe('Song 2');
    expect(player().wantPlaying).toBe(true);
    player().engine.ended();
    expect(nowPlaying()).toBe('Song 2');
    expect(player()).toMatchObject({ wantPlaying: false, status: 'paused', positionMs: 0 });
    expect(w.starts).toEqual([]);
    w.unsubscribe();
  });

  it('repeat all wraps at both ends', () => {
    playing([1, 2, 3], 2);
    player().cycleRepeat();
    expect(player().repeat).toBe('all');
    player().engine.ended();
    expect(nowPlaying()).toBe('Song 1');
    player().previous();
    expect(nowPlaying()).toBe('Song 3');
    player().next();
    expect(nowPlaying()).toBe('Song 1');
  });

  it('repeat one replays the track when it ends, but a press of next still moves on (wrapping at the end)', () => {
    playing([1, 2], 0, { repeat: 'one' });
    const w = watchStarts();
    player().engine.ended();
    expect(nowPlaying()).toBe('Song 1');
    player().next();
    expect(nowPlaying()).toBe('Song 2');
    player().next();
    expect(nowPlaying()).toBe('Song 1');
    expect(w.starts).toEqual(['Song 1', 'Song 2', 'Song 1']);
    w.unsubscribe();
  });

  it('previous goes back early in a track, restarts it later on, and restarts the first track', () => {
    playing([1, 2, 3], 2, { positionMs: 1_000 });
    player().previous();
    expect(nowPlaying()).toBe('Song 2');
    usePlayer.setState({ positionMs: 90_000 });
    player().previous();
    expect(nowPlaying()).toBe('Song 2');
    expect(player().seekRequest?.positionMs).toBe(0);
    player().playAt(0);
    usePlayer.setState({ positionMs: 1_000, seekRequest: null });
    player().previous();
    expect(nowPlaying()).toBe('Song 1');
    expect(player().seekRequest?.positionMs).toBe(0);
  });

  it('next and previous with nothing loaded do nothing', () => {
    player().next();
    player().previous();
    expect(player()).toMatchObject({ queue: [], index: -1, status: 'idle' });
  });
});

describe('shuffle and repeat', () => {
  it('shuffle reorders only what is still to come, and turning it off puts that back, keeping entries added since', () => {
    // A fixed "random": the reversed order, so the test sees that shuffle moved things.
    vi.spyOn(Math, 'random').mockReturnValue(0);
    playing([1, 2, 3, 4, 5], 1);
    player().toggleShuffle();
    expect(titles().slice(0, 2)).toEqual(songs(1, 2));
    expect(titles().slice(2)).not.toEqual(songs(3, 4, 5));
    expect([...titles().slice(2)].sort()).toEqual(songs(3, 4, 5));
    expect(nowPlaying()).toBe('Song 2');
    player().addToQueue(tracks(6));
    player().toggleShuffle();
    expect(titles()).toEqual(songs(1, 2, 3, 4, 5, 6));
    expect(nowPlaying()).toBe('Song 2');
  });

  it('turning shuffle off leaves out what was removed meanwhile and keeps once what was moved above the current track', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    playing([1, 2, 3, 4, 5], 0);
    player().toggleShuffle();
    player().remove(titles().indexOf('Song 4'));
    player().move(titles().indexOf('Song 5'), 0);
    expect(nowPlaying()).toBe('Song 1');
    player().toggleShuffle();
    expect(titles()).toEqual(songs(5, 1, 2, 3));
    expect(nowPlaying()).toBe('Song 1');
  });

  it('repeat cycles off → all → one → off', () => {
    const seen = [player().repeat];
    for (let i = 0; i < 3; i++) {
      player().cycleRepeat();
      seen.push(player().repeat);
    }
    expect(seen).toEqual(['off', 'all', 'one', 'off']);
  });
});

describe('restore from the saved session', () => {
  it('puts the queue back paused at the saved position, without starting sound', () => {
    player().restore(tracks(1, 2, 3), 2, 42_000);
    expect(titles()).toEqual(songs(1, 2, 3));
    expect(nowPlaying()).toBe('Song 3');
    expect(player()).toMatchObject({
      wantPlaying: false,
      status: 'paused',
      positionMs: 42_000,
      resumeAtMs: 42_000,
    });
    player().play();
    expect(player().wantPlaying).toBe(true);
    expect(nowPlaying()).toBe('Song 3');
  });

  it('never replaces a queue the user already has', () => {
    playing([7]);
    player().restore(tracks(1, 2), 0, 5_000);
    expect(titles()).toEqual(songs(7));
    expect(player().wantPlaying).toBe(true);
  });

  it('a saved index outside the queue keeps the tracks with none current; an empty session changes nothing', () => {
    player().restore([], 0, 0);
    expect(player().queue).toEqual([]);
    player().restore(tracks(1, 2), 5, 1_000);
    expect(titles()).toEqual(songs(1, 2));
    expect(nowPlaying()).toBeNull();
    expect(player().wantPlaying).toBe(false);
  });

  it('a new play after a restore starts from the beginning (the resume point is forgotten)', () => {
    player().restore(tracks(1, 2), 0, 42_000);
    player().next();
    expect(nowPlaying()).toBe('Song 2');
    expect(player()).toMatchObject({ positionMs: 0, resumeAtMs: null });
  });
});
