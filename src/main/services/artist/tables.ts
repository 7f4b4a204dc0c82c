/**
 * The artist domain's table as its migration creates it (`artistMigrations`
 * in migrations.ts, artist-001), for typed queries through `typedDb`.
 */

export interface ArtistReleasesTable {
  /** The server's release id. */
  release_id: string;
  artist_id: string;
  title: string;
  created_at: number;
}

/** Every table the artist domain's migrations create. */
export interface ArtistTables {
  artist_releases: ArtistReleasesTable;
}
