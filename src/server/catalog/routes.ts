import type { ServerContext } from '../context';
import type { AnyRoute } from '../http/route';
import { addRightsholderRoute, createArtistRoute, createReleaseFromJsonRoute } from './admin-routes';
import { getReleaseRoute, getTrackRoute, listArtistsRoute, listTracksRoute } from './listing-routes';
import { trackAudioRoute, trackStatusRoute } from './track-routes';

export {
  assertRightsholderOrAdmin,
  isRightsholderOrAdmin,
  trackSchema,
  trackViews,
  type TrackView,
} from './track-views';

/**
 * The catalog: listing and search, a track's audio and status, and the
 * admin's artist, rightsholder and release calls. One route per function,
 * its schemas beside its handler; this plugin only lists them
 * (docs/architecture.md, "Handlers").
 */
export function catalogRoutes(ctx: ServerContext): AnyRoute[] {
  return [
    listTracksRoute(ctx),
    getTrackRoute(ctx),
    getReleaseRoute(ctx),
    listArtistsRoute(ctx),
    trackAudioRoute(ctx),
    trackStatusRoute(ctx),
    createArtistRoute(ctx),
    addRightsholderRoute(ctx),
    createReleaseFromJsonRoute(ctx),
  ];
}
