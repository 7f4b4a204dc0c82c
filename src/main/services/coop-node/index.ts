export { createCoopNodeDomain, type CoopNodeDomain, type CoopNodeDomainDeps } from './domain';
