export { createDjDomain, type DjDomain, type DjDomainDeps, type DjHandlers } from './dj-domain';
export { djMigrations } from './schema';
