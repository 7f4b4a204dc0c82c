import { describe, expect, it } from 'vitest';
import { VIEW_PATHS, addressOf, locate, type ViewId } from '../../../src/renderer/src/store/navigation';

describe('view addresses (store/navigation.ts)', () => {
  it('every view opens from its own address, and its address reads back as that view', () => {
    for (const view of Object.keys(VIEW_PATHS) as ViewId[]) {
      expect(locate(addressOf(view))).toEqual({ view, detail: null });
    }
  });

  it('an album, an artist, a DJ list and a wallet section keep their detail, even with odd characters', () => {
    expect(addressOf('albums', '12')).toBe('/albums/12');
    expect(locate('/albums/12')).toEqual({ view: 'albums', detail: '12' });
    expect(locate(addressOf('dj', 'a b/c'))).toEqual({ view: 'dj', detail: 'a b/c' });
    expect(locate('/wallet/voucher')).toEqual({ view: 'wallet', detail: 'voucher' });
  });

  it('a view without details ignores one; an unknown or too long address is the library', () => {
    expect(addressOf('settings', 'x')).toBe('/settings');
    expect(locate('/settings/x')).toEqual({ view: 'settings', detail: null });
    expect(locate('/no-such-view')).toEqual({ view: 'library', detail: null });
    expect(locate('/albums/1/2')).toEqual({ view: 'library', detail: null });
    expect(locate('/coop-node')).toEqual({ view: 'coopNode', detail: null });
  });
});
