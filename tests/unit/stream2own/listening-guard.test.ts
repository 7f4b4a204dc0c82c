import { describe, expect, it } from 'vitest';
import { guardHarness } from './guard-harness';

describe('listening guard: counting', () => {
  it('counts a play once, at 45 s heard, not before', () => {
    const h = guardHarness();
    const r = h.open();
    expect(r.play(0, 44_750).counted).toBe(false);
    expect(h.counted).toHaveLength(0);
    h.clock.advance(250);
    const at45 = r.report('timeupdate', 45_000);
    expect(at45).toMatchObject({ accepted: true, counted: true, heardMs: 45_000, stop: false });
    expect(h.counted).toHaveLength(1);
    expect(h.counted[0]).toMatchObject({
      trackId: 't1',
      source: 'coop',
      heardMs: 45_000,
      durationMs: 200_000,
    });
    // listening on, pausing, seeking back, hearing it all again: still once
    r.play(45_000, 60_000);
    r.report('seeked', 0);
    r.play(0, 60_000);
    r.report('ended', 200_000);
    expect(h.counted).toHaveLength(1);
  });

  it('records the session start and count times from the wall clock', () => {
    const h = guardHarness();
    const start = h.clock.nowMs();
    const r = h.open();
    h.clock.advance(3_000); // loading
    r.play(0, 45_000);
    expect(h.counted[0]!.sessionStartedAtMs).toBe(start);
    expect(h.counted[0]!.countedAtMs).toBe(start + 48_000);
  });

  it('adds nothing while paused', () => {
    const h = guardHarness();
    const r = h.open();
    r.play(0, 20_000);
    r.report('paused', 20_000);
    h.clock.advance(600_000);
    r.report('timeupdate', 20_000);
    const resumed = r.play(20_000, 10_000);
    expect(resumed.heardMs).toBe(30_000);
    expect(h.counted).toHaveLength(0);
  });

  it('adds nothing for a forward seek', () => {
    const h = guardHarness();
    const r = h.open();
    r.play(0, 10_000);
    r.report('seeked', 150_000);
    const after = r.play(150_000, 10_000);
    expect(after.heardMs).toBe(20_000);
  });

  it('adds re-heard parts after a backward seek', () => {
    const h = guardHarness();
    const r = h.open();
    r.play(0, 30_000);
    r.report('seeked', 0);
    const after = r.play(0, 15_000);
    expect(after.heardMs).toBe(45_000);
    expect(after.counted).toBe(true);
  });

  it('does not count faster at a faster playback rate', () => {
    const h = guardHarness();
    const r = h.open();
    const at2x = r.play(0, 30_000, 2); // 60 s of audio in 30 s
    expect(at2x.heardMs).toBe(30_000);
    expect(at2x.counted).toBe(false);
    r.play(60_000, 15_000, 2);
    expect(h.counted).toHaveLength(1);
  });

  it('counts slower at a slower playback rate: only the position advanced is heard', () => {
    const h = guardHarness();
    const r = h.open();
    expect(r.play(0, 60_000, 0.5).heardMs).toBe(30_000);
  });

  it('adds nothing for a suspended laptop: the monotonic clock stood still, the position did not move', () => {
    const h = guardHarness();
    const r = h.open();
    r.play(0, 20_000);
    h.clock.jumpWall(3_600_000); // an hour asleep: wall clock moved, monotonic did not
    const after = r.report('timeupdate', 20_000);
    expect(after.heardMs).toBe(20_000);
  });

  it('adds nothing when the monotonic clock moved but the audio did not (stalled, buffering, asleep on a clock that runs on)', () => {
    const h = guardHarness();
    const r = h.open();
    r.play(0, 20_000);
    h.clock.advance(3_600_000);
    expect(r.report('timeupdate', 20_250).heardMs).toBe(20_250);
  });

  it('treats a position that ran ahead of the clock as a seek: rejected as a jump, adds nothing, measures on', () => {
    const h = guardHarness();
    const r = h.open();
    r.play(0, 10_000);
    h.clock.advance(250);
    expect(r.report('timeupdate', 100_000)).toMatchObject({
      accepted: false,
      reason: 'position_jump',
      heardMs: 10_000,
    });
    expect(h.logs.some((l) => l.message.includes('position_jump'))).toBe(true);
    // normal playback from the new place is measured again
    h.clock.advance(250);
    expect(r.report('timeupdate', 100_250)).toMatchObject({ accepted: true, heardMs: 10_250 });
  });

  it('a renderer that claims 45 s of position in 1 s of clock gets nothing counted', () => {
    const h = guardHarness();
    const r = h.open();
    r.report('playing', 0);
    h.clock.advance(1_000);
    r.report('timeupdate', 45_000);
    r.report('ended', 200_000);
    expect(h.counted).toHaveLength(0);
  });

  it('a renderer whose position moves in lockstep with the clock is only counted after 45 s of real time', () => {
    const h = guardHarness();
    const r = h.open();
    r.report('playing', 0);
    for (let i = 1; i <= 179; i++) {
      h.clock.advance(250);
      r.report('timeupdate', i * 250 * 16, { rate: 16 }); // claims 16x
    }
    expect(h.counted).toHaveLength(0);
  });
});

describe('listening guard: short tracks', () => {
  it('counts a short track when heard to the end', () => {
    const h = guardHarness();
    const r = h.open(30_000);
    r.play(0, 29_750);
    expect(h.counted).toHaveLength(0);
    h.clock.advance(250);
    expect(r.report('ended', 30_000)).toMatchObject({ counted: true });
    expect(h.counted[0]).toMatchObject({ durationMs: 30_000, heardMs: 30_000 });
  });

  it('counts a short track whose file is a little shorter than its catalog duration', () => {
    const h = guardHarness();
    const r = h.open(30_000);
    r.play(0, 29_250);
    expect(r.report('ended', 29_250).counted).toBe(true);
  });

  it('does not count a short track skipped to its end', () => {
    const h = guardHarness();
    const r = h.open(30_000);
    r.play(0, 5_000);
    r.report('seeked', 29_000);
    h.clock.advance(1_000);
    r.report('ended', 30_000);
    expect(h.counted).toHaveLength(0);
  });

  it('counts a short track that is looped past 45 s within one session', () => {
    const h = guardHarness();
    const r = h.open(30_000);
    r.play(0, 25_000);
    r.report('seeked', 0);
    r.play(0, 20_000);
    expect(h.counted).toHaveLength(1);
  });
});

describe('listening guard: previews and failures', () => {
  it('stops playback at the count when the play is a preview, and rejects playing on', () => {
    const h = guardHarness({ preview: true });
    const r = h.open();
    const last = r.play(0, 60_000);
    expect(last).toMatchObject({ counted: true, stop: true });
    expect(last.heardMs).toBe(45_000);
    h.clock.advance(250);
    expect(r.report('playing', 45_250)).toMatchObject({
      accepted: false,
      reason: 'preview_ended',
      stop: true,
    });
    expect(h.guard.liveSession(r.sessionId)).toBeNull();
  });

  it('stops playback when the charge cannot be recorded, and does not pretend it counted', () => {
    const h = guardHarness({ throwOnCount: true });
    const r = h.open();
    const last = r.play(0, 60_000);
    expect(last).toMatchObject({ counted: false, stop: true });
    expect(h.logs.some((l) => l.level === 'error')).toBe(true);
    h.clock.advance(250);
    expect(r.report('timeupdate', 45_500)).toMatchObject({ accepted: false, reason: 'session_ended' });
  });

  it('a counted play after an error at 45 s still counts once', () => {
    const h = guardHarness();
    const r = h.open();
    r.play(0, 44_750);
    h.clock.advance(250);
    r.report('error', 45_000);
    expect(h.counted).toHaveLength(1);
  });
});

describe('listening guard: hostile reports', () => {
  it('rejects an unknown session', () => {
    const h = guardHarness();
    h.open();
    expect(
      h.guard.report({ sessionId: 'made-up', trackId: 't1', seq: 1, event: 'playing', positionMs: 0 }),
    ).toMatchObject({
      accepted: false,
      reason: 'unknown_session',
    });
    expect(h.logs.at(-1)?.message).toContain('unknown_session');
  });

  it("rejects a report naming another track than the session's", () => {
    const h = guardHarness();
    const r = h.open();
    expect(r.report('playing', 0, { trackId: 'other' })).toMatchObject({
      accepted: false,
      reason: 'track_mismatch',
    });
  });

  it("rejects another track's session: an old session after a new one opened", () => {
    const h = guardHarness();
    const first = h.open(200_000, 't1');
    first.play(0, 30_000);
    const second = h.open(200_000, 't2');
    h.clock.advance(20_000);
    expect(first.report('timeupdate', 50_000)).toMatchObject({
      accepted: false,
      reason: 'session_closed',
      stop: true,
    });
    expect(h.counted).toHaveLength(0);
    expect(second.play(0, 1_000).accepted).toBe(true);
  });

  it('rejects out-of-order and replayed reports', () => {
    const h = guardHarness();
    const r = h.open();
    r.report('playing', 0, { seq: 5 });
    h.clock.advance(10_000);
    expect(r.report('timeupdate', 10_000, { seq: 5 })).toMatchObject({
      accepted: false,
      reason: 'out_of_order',
    });
    expect(r.report('timeupdate', 10_000, { seq: 3 })).toMatchObject({
      accepted: false,
      reason: 'out_of_order',
    });
    expect(r.report('timeupdate', 10_000, { seq: 6 })).toMatchObject({ accepted: true, heardMs: 10_000 });
  });

  it('rejects a flood, without losing or adding time', () => {
    const h = guardHarness();
    const r = h.open();
    r.report('playing', 0);
    const results = Array.from({ length: 500 }, () => r.report('timeupdate', 0));
    expect(results.filter((x) => x.reason === 'flooding').length).toBeGreaterThan(400);
    // the flood did not get logged 400 times
    expect(h.logs.filter((l) => l.message.includes('flooding')).length).toBeLessThan(12);
    h.clock.advance(10_000);
    expect(r.report('timeupdate', 10_000)).toMatchObject({ accepted: true, heardMs: 10_000 });
  });

  it('rejects reports after the track ended: a replay is a new session', () => {
    const h = guardHarness();
    const r = h.open(60_000);
    r.play(0, 30_000);
    r.report('ended', 30_000);
    r.report('seeked', 0);
    expect(r.play(0, 20_000)).toMatchObject({ accepted: false, reason: 'session_ended' });
    expect(h.counted).toHaveLength(0);
  });

  it('never credits negative positions or time before playing', () => {
    const h = guardHarness();
    const r = h.open();
    h.clock.advance(60_000);
    r.report('timeupdate', 60_000); // not playing: nothing
    r.report('playing', -5_000);
    h.clock.advance(250);
    expect(r.report('timeupdate', 250).heardMs).toBe(250);
  });

  it('forgets closed sessions beyond a bound, answering unknown for very old ones', () => {
    const h = guardHarness();
    const first = h.open();
    for (let i = 0; i < 100; i++) h.open();
    expect(first.report('playing', 0)).toMatchObject({ accepted: false, reason: 'unknown_session' });
  });
});
