import type { CallOutput } from '../../../shared/contract';
import type { CoopTrack } from '../../../shared/contract/wallet';
import type { CoopCatalogStore, CoopTrackWithProgress } from '../wallet/catalog-store';
import { stream2OwnState } from '../wallet/charge-rules';
import type { Stream2OwnParts } from './parts';

/** A cached co-op track as track rows show it, with its stream-to-own state at this spendable amount. */
export function toCoopTrack(t: CoopTrackWithProgress, spendable: number): CoopTrack {
  return {
    id: t.id,
    title: t.title,
    artist: t.artist,
    album: t.album,
    durationMs: t.durationMs,
    status: t.status,
    rightsholder: t.rightsholder,
    isOwn: t.isOwn,
    downloaded: t.localFile !== null,
    stream2own: stream2OwnState(t, t.progress, spendable),
  };
}

/** `wallet.collection`: the owned tracks. */
export function walletCollection(p: Stream2OwnParts): CallOutput<'wallet.collection'> {
  const spendable = p.wallet.balances().spendableThousandths;
  return { tracks: p.catalog.owned().map((t) => toCoopTrack(t, spendable)) };
}

/** `coop.tracks`: a page of the cached co-op catalog. */
export function coopTracks(
  p: Stream2OwnParts,
  { query, limit, offset }: Parameters<CoopCatalogStore['list']>[0],
): CallOutput<'coop.tracks'> {
  const spendable = p.wallet.balances().spendableThousandths;
  const { tracks, total } = p.catalog.list({ query, limit, offset });
  return { tracks: tracks.map((t) => toCoopTrack(t, spendable)), total };
}
