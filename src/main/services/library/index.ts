export { createLibraryDomain, type LibraryDomain, type LibraryDomainDeps } from './library-domain';
export { LibraryService, type LibraryDeps, type PlayableFile } from './library-service';
export { libraryMigrations } from './schema';
export { defaultScanWorkerEntry, type ScanWorkerEntry } from './scan/worker-pool';
