import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlayerSessionStore } from '../../../src/main/services/player-session/player-session-store';
import { playerSessionSchema, type PlayerSession } from '../../../src/shared/contract/player-session';
import { usePlayer } from '../../../src/renderer/src/player/store';
import { sessionOf } from '../../../src/renderer/src/player/saved-session';
import type { PlayableTrack } from '../../../src/renderer/src/player/track';

const track = (n: number, source: 'local' | 'coop' = 'local'): PlayableTrack => ({
  source,
  id: source === 'local' ? String(n) : `coop-${n}`,
  localId: source === 'local' ? n : null,
  title: `Song ${n}`,
  artist: 'A',
  album: 'B',
  albumId: null,
  artistId: null,
  durationMs: 200_000,
  coverPath: null,
  mediaPath: source === 'local' ? `track/local/${n}` : null,
  stream2own: null,
});
const silentLog = {
  warnings: [] as string[],
  warn(_: object, msg: string) {
    this.warnings.push(msg);
  },
};

describe('the saved player session', () => {
  it('keeps the queue, current entry and position across a new store on the same file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'player-session-')), 'player-session.json');
    const session: PlayerSession = {
      queue: [track(1), track(2, 'coop')].map(({ stream2own: _s, ...t }) => t),
      index: 1,
      positionMs: 83_250,
    };
    expect(new PlayerSessionStore(file, silentLog).save(session)).toEqual({ saved: true });
    expect(new PlayerSessionStore(file, silentLog).get()).toEqual(session);
    // An empty queue forgets it.
    new PlayerSessionStore(file, silentLog).save({ queue: [], index: -1, positionMs: 0 });
    expect(new PlayerSessionStore(file, silentLog).get()).toBeNull();
  });

  it('a damaged file starts the player empty, keeps the file aside and says why', () => {
    const dir = mkdtempSync(join(tmpdir(), 'player-session-'));
    const file = join(dir, 'player-session.json');
    writeFileSync(file, '{"v":1,"queue":[{"title":');
    const log = { ...silentLog, warnings: [] as string[] };
    expect(new PlayerSessionStore(file, log).get()).toBeNull();
    expect(log.warnings).toEqual(['player session: saved queue is not JSON, starting empty']);
    expect(readdirSync(dir)).toEqual(['player-session.json.bad']);
    expect(readFileSync(join(dir, 'player-session.json.bad'), 'utf8')).toContain('"queue"');
  });

  it('refuses an index outside the queue', () => {
    expect(playerSessionSchema.safeParse({ queue: [], index: 0, positionMs: 0 }).success).toBe(false);
  });

  it('the player restores paused at the saved position, and saves what it holds', () => {
    usePlayer.getState().restore([track(1), track(2), track(3)], 1, 61_000);
    const s = usePlayer.getState();
    expect(s.queue.map((i) => i.track.title)).toEqual(['Song 1', 'Song 2', 'Song 3']);
    expect(s).toMatchObject({
      index: 1,
      wantPlaying: false,
      status: 'paused',
      positionMs: 61_000,
      resumeAtMs: 61_000,
    });
    expect(sessionOf(s)).toEqual({
      queue: [1, 2, 3].map((n) =>
        expect.objectContaining({ title: `Song ${n}`, mediaPath: `track/local/${n}` }),
      ),
      index: 1,
      positionMs: 61_000,
    });
    expect(Object.keys(sessionOf(s).queue[0]!)).not.toContain('stream2own');
    // A queue already playing is not replaced by a late restore.
    usePlayer.getState().restore([track(9)], 0, 5_000);
    expect(usePlayer.getState().queue).toHaveLength(3);
    // Playing another track starts it from its beginning.
    usePlayer.getState().playAt(2);
    expect(usePlayer.getState()).toMatchObject({
      index: 2,
      resumeAtMs: null,
      positionMs: 0,
      wantPlaying: true,
    });
  });
});
