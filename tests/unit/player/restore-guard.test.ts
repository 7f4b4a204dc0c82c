import { describe, expect, it } from 'vitest';
import { guardHarness } from '../stream2own/guard-harness';

/**
 * A co-op track restored at start-up goes through the listening guard like
 * any play: the engine opens a session and seeks the element to the saved
 * position (the reports it sends are these). The position restored is not
 * heard; only what plays after it is.
 */
describe('a restored co-op track and the listening guard', () => {
  it('restored at 2:00 and paused, then played for 10 s: 10 s heard, not counted', () => {
    const h = guardHarness();
    const r = h.open(200_000);
    expect(r.report('seeked', 120_000)).toMatchObject({ accepted: true, heardMs: 0 });
    h.clock.advance(30_000); // the listener looks around before pressing play
    const last = r.play(120_000, 10_000);
    expect(last).toMatchObject({ heardMs: 10_000, counted: false });
    expect(h.counted).toEqual([]);
  });

  it('restored 1 s before the end of a 40 s track: its end is not a whole play', () => {
    const h = guardHarness();
    const r = h.open(40_000);
    r.report('seeked', 39_000);
    r.play(39_000, 1_000);
    expect(r.report('ended', 40_000)).toMatchObject({ counted: false });
    expect(h.counted).toEqual([]);
  });
});
