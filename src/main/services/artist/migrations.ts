import type { Migration } from '../db/database';

export const artistMigrations: readonly Migration[] = [
  {
    id: 'artist-001-releases',
    up(db) {
      db.exec(`
        -- Releases made on the server from this device, so the artist finds them again
        -- (the server has no "releases of an artist" listing; their state is asked each time).
        CREATE TABLE artist_releases (
          release_id TEXT PRIMARY KEY,
          artist_id TEXT NOT NULL,
          title TEXT NOT NULL,
          created_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX artist_releases_by_artist ON artist_releases (artist_id, created_at);
      `);
    },
  },
];
