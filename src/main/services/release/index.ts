export { createReleaseDomain, type ReleaseDomain, type ReleaseDomainDeps } from './release-domain';
export { ReleaseService } from './release-service';
export { AnalysisPool, defaultAnalysisWorkerEntry, type AnalysisWorkerEntry } from './analysis/analysis-pool';
