import type { releaseCalls } from '../../../shared/contract/release';
import type { CallHandlers } from '../core/dispatcher';
import type { MediaRouter } from '../media/media-router';
import { AnalysisPool, type AnalysisWorkerEntry } from './analysis/analysis-pool';
import { ReleaseService, type ReleaseDeps } from './release-service';

export type ReleaseCallName = keyof typeof releaseCalls;
export type ReleaseHandlers = Pick<CallHandlers, ReleaseCallName>;

export interface ReleaseDomainDeps extends Omit<ReleaseDeps, 'analysis'> {
  /** When given, `draft/<draftId>/<position>` and `draft/<draftId>/cover` are served (free previews, no receipts). */
  media?: MediaRouter;
  /** Where the analysis worker is (the bundled host's own entry); default: next to the source. */
  analysisWorker?: AnalysisWorkerEntry;
}

/**
 * The release-preview domain as the app wires it: the service, the handlers
 * for its contract calls, and the `draft` media kind. Playback of a draft
 * path must not go through stream-to-own (no session, no receipt).
 */
export function createReleaseDomain(deps: ReleaseDomainDeps) {
  const service = new ReleaseService({ ...deps, analysis: new AnalysisPool(deps.analysisWorker) });
  const handlers: ReleaseHandlers = {
    'release.openDraft': ({ folder }) => service.openDraft(folder),
    'release.draft': ({ draftId }) => service.draft(draftId),
    'release.tracks': ({ draftId }) => service.tracks(draftId),
    'release.checks': (options) => service.checks(options),
    'release.closeDraft': ({ draftId }) => service.closeDraft(draftId),
  };
  deps.media?.register('draft', (segments) => service.mediaFile(segments));
  return { handlers, service, close: () => service.close() };
}

export type ReleaseDomain = ReturnType<typeof createReleaseDomain>;
