export { createArtistDomain, type ArtistDomain, type ArtistDomainDeps } from './domain';
