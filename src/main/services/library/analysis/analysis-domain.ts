import type { libraryAnalysisCalls } from '../../../../shared/contract/library';
import type { CallHandlers } from '../../core/dispatcher';
import { LibraryAnalysisService, type LibraryAnalysisDeps } from './analysis-service';

type AnalysisCallName = keyof typeof libraryAnalysisCalls;

/** The library's audio analysis as the app wires it: the service and its contract calls. */
export function createLibraryAnalysisDomain(deps: LibraryAnalysisDeps) {
  const service = new LibraryAnalysisService(deps);
  const handlers: Pick<CallHandlers, AnalysisCallName> = {
    'library.analyse': ({ trackIds, force }) => service.start({ trackIds, force }),
    'library.cancelAnalysis': () => service.cancel(),
    'library.analysisStatus': () => service.status(),
    'library.trackAnalysis': ({ id }) => service.trackAnalysis(id),
  };
  return { service, handlers, close: () => service.close() };
}

export type LibraryAnalysisDomain = ReturnType<typeof createLibraryAnalysisDomain>;
