import { z } from 'zod';
import { call, event } from './define';
import { libraryTrackSchema, trackSortFieldSchema } from './library';

/**
 * The DJ domain: the query language, crates, playlists and folders, smart
 * playlists (saved queries), export to a folder or USB drive (M3U8 and
 * Rekordbox XML), playlist import, tag editing and compatible keys.
 */

/** A track in a crate: one of the user's own files, or a co-op catalog track (by catalog id). */
export const trackRefSchema = z.discriminatedUnion('source', [
  z.object({ source: z.literal('local'), id: z.number().int() }).strict(),
  z.object({ source: z.literal('coop'), id: z.string().min(1).max(200) }).strict(),
]);
export type TrackRef = z.infer<typeof trackRefSchema>;

/** What every DJ row has: the library track's fields (but `id`) plus the key in both notations. */
const djTrackFields = libraryTrackSchema.omit({ id: true }).extend({
  /** The key in Camelot (8A) and musical (Am) notation; null when the tag holds no key we know. */
  camelotKey: z.string().nullable(),
  musicalKey: z.string().nullable(),
  /** Always true for the user's own files; for co-op tracks, owned through stream to own (or the user's own release). */
  owned: z.boolean(),
});

/** One of the user's own files: a library track (`id` is the library id; `mediaPath` plays it). */
export const localDjTrackSchema = djTrackFields.extend({ source: z.literal('local'), id: z.number().int() });
export type LocalDjTrack = z.infer<typeof localDjTrackSchema>;

/**
 * A co-op catalog track (`id` is the catalog id, a string). The catalog has no
 * genre, year, BPM, key, format or artwork here: those are ''/null/false, and
 * `path`, `mediaPath`, `coverPath` are '' (play it through the player with
 * its co-op id, which starts a stream-to-own session). `status` is 'ok';
 * `playCount` is this device's counted plays; `addedAt` is when it became
 * owned (or was cached).
 */
export const coopDjTrackSchema = djTrackFields.extend({
  source: z.literal('coop'),
  id: z.string(),
  /** The audio is downloaded for offline use (and can be exported). */
  downloaded: z.boolean(),
});
export type CoopDjTrack = z.infer<typeof coopDjTrackSchema>;

/** A row of the DJ collection; `{ source, id }` is its `TrackRef` (see `djTrackRef`). */
export const djTrackSchema = z.discriminatedUnion('source', [localDjTrackSchema, coopDjTrackSchema]);
export type DjTrack = z.infer<typeof djTrackSchema>;

/** The reference to a row, for dj.addItems and the like. */
export function djTrackRef(track: DjTrack): TrackRef {
  return track.source === 'local' ? { source: 'local', id: track.id } : { source: 'coop', id: track.id };
}

export const querySyntaxErrorSchema = z.object({
  message: z.string(),
  /** 0-based character index into the query, and how many characters to underline. */
  position: z.number().int(),
  length: z.number().int(),
});

/** Sort fields of `library.tracks`; `key` sorts by the Camelot wheel (1A, 1B, 2A, …). */
export const djSortSchema = trackSortFieldSchema;

const pageInput = {
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(200),
};

export const djQueryInputSchema = z
  .object({
    ...pageInput,
    /** The query text; empty means every track. */
    query: z.string().max(4000),
    sort: djSortSchema.default('artist'),
    direction: z.enum(['asc', 'desc']).default('asc'),
    status: z.enum(['ok', 'missing', 'unavailable', 'all']).default('ok'),
  })
  .strict();
export type DjQueryInput = z.output<typeof djQueryInputSchema>;

export const djTrackPageSchema = z.object({
  total: z.number().int(),
  offset: z.number().int(),
  rows: z.array(djTrackSchema),
});

export const listKindSchema = z.enum(['folder', 'crate', 'playlist', 'smart']);
export type ListKind = z.infer<typeof listKindSchema>;

/** A folder, crate, playlist or smart playlist; the tree is the `parentId` links. */
export const djListSchema = z.object({
  id: z.number().int(),
  parentId: z.number().int().nullable(),
  kind: listKindSchema,
  name: z.string(),
  /** Order among siblings. */
  position: z.number().int(),
  /** Items in a crate or playlist; for a smart playlist, tracks matching now; 0 for a folder. */
  itemCount: z.number().int(),
  /** Smart playlists only. */
  query: z.string().nullable(),
  sort: djSortSchema.nullable(),
  direction: z.enum(['asc', 'desc']).nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type DjList = z.infer<typeof djListSchema>;

export const listItemSchema = z.object({
  /** Null for the rows of a smart playlist (they are not stored). */
  itemId: z.number().int().nullable(),
  ref: trackRefSchema,
  /** The row's place in the list from 0 (the "#" column shows it + 1). */
  position: z.number().int(),
  addedAt: z.number().int().nullable(),
  /** "Artist – Title" as known when added, shown when the track is gone. */
  label: z.string(),
  /** The track as it is now; null when it has left the library or is a co-op track not cached here. */
  track: djTrackSchema.nullable(),
});
export type ListItem = z.infer<typeof listItemSchema>;

const listName = z.string().trim().min(1).max(200);

export const exportStateSchema = z.enum(['preparing', 'copying', 'writing', 'done', 'cancelled', 'failed']);

export const exportStatusSchema = z.object({
  jobId: z.string(),
  listId: z.number().int(),
  /** The folder the crate is exported into (inside the destination chosen). */
  folder: z.string(),
  state: exportStateSchema,
  filesTotal: z.number().int(),
  filesDone: z.number().int(),
  /** Files already on the destination from an earlier run, identical, not copied again. */
  filesSkipped: z.number().int(),
  bytesTotal: z.number().int(),
  bytesDone: z.number().int(),
  currentFile: z.string().nullable(),
  /** Tracks that could not be exported, and why (missing file, co-op track not downloaded, too big for FAT32, …). */
  problems: z.array(z.object({ label: z.string(), reason: z.string() })),
  error: z.string().nullable(),
  playlistFile: z.string().nullable(),
  rekordboxXmlFile: z.string().nullable(),
});
export type ExportStatus = z.infer<typeof exportStatusSchema>;

export const tagChangesSchema = z
  .object({
    title: z.string().max(500).optional(),
    artist: z.string().max(500).optional(),
    album: z.string().max(500).optional(),
    genre: z.string().max(200).optional(),
    bpm: z.number().min(0).max(999).nullable().optional(),
    /** Any notation (8A, Am, 1m); written to the file in the notation chosen by `keyNotation`. */
    key: z.string().max(16).nullable().optional(),
  })
  .strict();
export type TagChanges = z.infer<typeof tagChangesSchema>;

export const tagDiffSchema = z.object({
  trackId: z.number().int(),
  path: z.string(),
  changes: z.array(
    z.object({
      field: z.enum(['title', 'artist', 'album', 'genre', 'bpm', 'key']),
      from: z.string().nullable(),
      to: z.string().nullable(),
    }),
  ),
});

const keyNames = z.object({ camelot: z.string(), musical: z.string(), openKey: z.string() });

const empty = z.object({}).strict();
const listId = z.object({ id: z.number().int() }).strict();

export const djCalls = {
  'dj.query': call(
    "Tracks matching a query (e.g. `bpm:120-128 key:8A genre:house`), sorted and paged like library.tracks. The collection is the user's own files and the co-op tracks they own (rows with source 'coop'); a query naming `owned:` ranges over every cached co-op track (so `owned:no` lists those not owned yet). Co-op rows appear for status 'ok' and 'all'. A syntax error answers invalid_input naming the position.",
    djQueryInputSchema,
    djTrackPageSchema,
  ),
  'dj.checkQuery': call(
    'Parses a query without running it: null when valid, else where and why it is not. (The parser is also importable from src/shared/query.)',
    z.object({ query: z.string().max(10_000) }).strict(),
    z.object({ error: querySyntaxErrorSchema.nullable() }),
  ),
  'dj.compatibleKeys': call(
    'A key in every notation and the keys that mix with it: same, ±1 on the wheel, relative major/minor.',
    z.object({ key: z.string().min(1).max(16) }).strict(),
    z.object({
      key: keyNames,
      compatible: z.array(keyNames.extend({ relation: z.enum(['same', 'down', 'up', 'relative']) })),
    }),
  ),
  'dj.lists': call(
    'Every folder, crate, playlist and smart playlist (a flat list; nest by parentId).',
    empty,
    z.array(djListSchema),
  ),
  'dj.createList': call(
    'Creates a folder, crate, playlist or smart playlist (with its query). Names are unique within a folder.',
    z
      .object({
        kind: listKindSchema,
        name: listName,
        parentId: z.number().int().nullable().default(null),
        query: z.string().max(4000).optional(),
        sort: djSortSchema.optional(),
        direction: z.enum(['asc', 'desc']).optional(),
      })
      .strict(),
    djListSchema,
  ),
  'dj.renameList': call(
    'Renames a list or folder.',
    z.object({ id: z.number().int(), name: listName }).strict(),
    djListSchema,
  ),
  'dj.moveList': call(
    'Moves a list or folder into a folder (null: top level), before a sibling (null: last).',
    z
      .object({
        id: z.number().int(),
        parentId: z.number().int().nullable(),
        beforeId: z.number().int().nullable().default(null),
      })
      .strict(),
    djListSchema,
  ),
  'dj.updateSmartList': call(
    "Changes a smart playlist's query or order.",
    z
      .object({
        id: z.number().int(),
        query: z.string().max(4000),
        sort: djSortSchema.optional(),
        direction: z.enum(['asc', 'desc']).optional(),
      })
      .strict(),
    djListSchema,
  ),
  'dj.deleteList': call(
    'Deletes a list, or a folder with everything in it. Tracks and files are not touched.',
    listId,
    z.object({ deleted: z.number().int() }),
  ),
  'dj.listItems': call(
    "A window of a list's tracks in order (a smart playlist runs its query).",
    z.object({ id: z.number().int(), ...pageInput }).strict(),
    z.object({ total: z.number().int(), offset: z.number().int(), rows: z.array(listItemSchema) }),
  ),
  'dj.addItems': call(
    'Adds tracks to a crate or playlist (before an item, or at the end). Tracks already in it are reported, not added twice.',
    z
      .object({
        listId: z.number().int(),
        refs: z.array(trackRefSchema).min(1).max(10_000),
        beforeItemId: z.number().int().nullable().default(null),
      })
      .strict(),
    z.object({
      added: z.number().int(),
      duplicates: z.array(trackRefSchema),
      unknown: z.array(trackRefSchema),
    }),
  ),
  'dj.removeItems': call(
    'Removes items from a crate or playlist.',
    z.object({ listId: z.number().int(), itemIds: z.array(z.number().int()).min(1).max(10_000) }).strict(),
    z.object({ removed: z.number().int() }),
  ),
  'dj.moveItems': call(
    'Moves items (keeping their order) before another item, or to the end.',
    z
      .object({
        listId: z.number().int(),
        itemIds: z.array(z.number().int()).min(1).max(10_000),
        beforeItemId: z.number().int().nullable(),
      })
      .strict(),
    z.object({ moved: z.number().int() }),
  ),
  'dj.export': call(
    'Exports a list to a folder or drive: audio files, an M3U8 and a Rekordbox XML. Answers at once; progress comes as dj.exportProgress. Running it again resumes.',
    z
      .object({
        listId: z.number().int(),
        destination: z.string().min(1).max(4096),
        /**
         * How audio files are named (default `{artist} - {title}`). Fields: {artist} {title} {album} {genre} {year}
         * {bpm} (whole) {key} (Camelot, 8A) {musicalKey} (Am) {n} (position, zero-padded); it must name {title} or {n}.
         * Separators around empty values are dropped. Re-exporting with another pattern renames the files.
         */
        fileNamePattern: z.string().min(1).max(200).optional(),
      })
      .strict(),
    exportStatusSchema,
  ),
  'dj.cancelExport': call(
    'Cancels an export; what was copied stays and a later export resumes from it.',
    z.object({ jobId: z.string() }).strict(),
    exportStatusSchema,
  ),
  'dj.exportStatus': call(
    'The state of an export.',
    z.object({ jobId: z.string() }).strict(),
    exportStatusSchema,
  ),
  'dj.importPlaylist': call(
    'Imports an M3U, M3U8 or PLS playlist as a new crate, matching its entries to library tracks by path.',
    z
      .object({
        path: z.string().min(1).max(4096),
        name: listName.optional(),
        parentId: z.number().int().nullable().default(null),
      })
      .strict(),
    z.object({ list: djListSchema, matched: z.number().int(), unmatched: z.array(z.string()) }),
  ),
  'dj.importRekordbox': call(
    'Imports a Rekordbox XML (rekordbox.xml) into the lists: its folders as folders and its playlists as crates, nested and in order, matching tracks by path (or the end of it), else by title, artist and duration; unmatched entries are reported, not added.',
    z
      .object({ path: z.string().min(1).max(4096), parentId: z.number().int().nullable().default(null) })
      .strict(),
    z.object({
      lists: z.array(djListSchema),
      matched: z.number().int(),
      unmatched: z.array(
        z.object({ name: z.string(), artist: z.string(), location: z.string(), list: z.string() }),
      ),
    }),
  ),
  'dj.previewTags': call(
    "What writing these tags would change in one of the user's own files (co-op tracks are never edited).",
    z.object({ ref: trackRefSchema, changes: tagChangesSchema }).strict(),
    tagDiffSchema,
  ),
  'dj.writeTags': call(
    "Writes tags into one of the user's own files and updates the library; answers with what changed. BPM is stored whole in the file (ID3 TBPM is an integer).",
    z
      .object({
        ref: trackRefSchema,
        changes: tagChangesSchema,
        keyNotation: z.enum(['camelot', 'musical', 'openkey']).default('musical'),
      })
      .strict(),
    z.object({
      diff: tagDiffSchema,
      track: localDjTrackSchema,
      /** The file as it was is kept in the data folder: dj.undoTags puts it back. */
      undoable: z.boolean(),
    }),
  ),
  'dj.undoTags': call(
    'Undoes the last dj.writeTags to a file: puts back the file as it was (kept in the data folder for the 50 latest writes) and updates the library. not_found when there is nothing to undo, conflict when the file changed since the write.',
    z.object({ ref: trackRefSchema }).strict(),
    z.object({ diff: tagDiffSchema, track: localDjTrackSchema }),
  ),
};

export const djEvents = {
  'dj.exportProgress': event(
    'An export moved on (a few times a second at most), started or finished.',
    exportStatusSchema,
  ),
  'dj.listsChanged': event(
    'Lists or their items changed: refetch what is shown.',
    z.object({ listId: z.number().int().nullable() }),
  ),
};
