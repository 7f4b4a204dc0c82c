import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { File as TagFile, TagTypes, XiphComment } from 'node-taglib-sharp';
import type { Updateable } from 'kysely';
import type { Db } from '../db/database';
import type { Clock } from '../core/clock';
import type { LibraryTracksTable } from '../library/tables';
import { CallError } from '../../../shared/contract/define';
import type { LocalDjTrack, TagChanges, TrackRef } from '../../../shared/contract/dj';
import { formatKey, parseKey, type KeyNotation } from '../../../shared/musical-key';
import { djDb, type DjDb } from './dj-db';
import { hasTable, trackById, trackFile } from './track-rows';

/**
 * Edits the tags of the user's own files with node-taglib-sharp (ID3v2 for
 * MP3, Vorbis comments for FLAC and Ogg, MP4 atoms for M4A), then updates
 * the library row so the change shows at once. Size and mtime are left as
 * they were, so the next scan re-reads the file and refreshes the rest.
 * Co-op catalog tracks are never edited: their tags are the catalog's.
 *
 * Before a write, the file as it was is copied into the data folder
 * (`dj-tag-backups/<track id><ext>`, with a note of what the write left),
 * so the last write to a track can be undone; the latest MAX_BACKUPS
 * tracks keep theirs. Undo refuses when the file changed since the write.
 */
const MAX_BACKUPS = 50;

/** What a backup note records: where the copy came from, and the file as the write left it. */
interface BackupNote {
  trackId: number;
  path: string;
  backupFile: string;
  savedAt: number;
  writtenSize: number;
  writtenMtimeMs: number;
}
type Field = 'title' | 'artist' | 'album' | 'genre' | 'bpm' | 'key';
export interface TagDiff {
  trackId: number;
  path: string;
  changes: { field: Field; from: string | null; to: string | null }[];
}

interface FileTags {
  title: string | null;
  artist: string | null;
  album: string | null;
  genre: string | null;
  bpm: string | null;
  key: string | null;
}

export class TagEditor {
  private readonly typed: DjDb;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    /** Where backups for undo go; null: no backups (and no undo). */
    private readonly backupDir: string | null = null,
  ) {
    this.typed = djDb(db);
  }

  preview(ref: TrackRef, changes: TagChanges, notation: KeyNotation = 'musical'): TagDiff {
    const { id, path } = this.ownFile(ref);
    const current = withFile(path, readTags);
    return { trackId: id, path: String(path), changes: diff(current, wanted(changes, notation)) };
  }

  write(
    ref: TrackRef,
    changes: TagChanges,
    notation: KeyNotation,
  ): { diff: TagDiff; track: LocalDjTrack; undoable: boolean } {
    const { id, path } = this.ownFile(ref);
    const target = wanted(changes, notation);
    const result = withFile(path, (file) => {
      const before = readTags(file);
      const changed = diff(before, target);
      if (changed.length === 0) return changed;
      if (!file.isWritable)
        throw new CallError('forbidden', 'This file cannot be written (read-only or unsupported format)');
      const tag = file.tag;
      for (const change of changed) {
        const v = change.to;
        switch (change.field) {
          case 'title':
            tag.title = v ?? undefined!;
            break;
          case 'artist':
            tag.performers = v ? [v] : [];
            break;
          case 'album':
            tag.album = v ?? undefined!;
            break;
          case 'genre':
            tag.genres = v ? [v] : [];
            break;
          case 'bpm':
            tag.beatsPerMinute = v ? Number(v) : 0;
            break;
          case 'key':
            tag.initialKey = v ?? undefined!;
            break;
        }
      }
      storeVorbisBpmAsBpm(file, changed);
      const backup = this.backUp(id, path);
      file.save();
      if (backup) this.noteWritten(backup, path);
      return changed;
    });
    if (result.length) this.updateRow(id, result);
    const track = trackById(this.db, id);
    if (!track) throw new CallError('not_found', `Track ${id} left the library`);
    return {
      diff: { trackId: id, path: String(path), changes: result },
      track,
      undoable: this.note(id) !== null,
    };
  }

  /** Puts back the file as it was before the last write to it; answers what that changed back. */
  undo(ref: TrackRef): { diff: TagDiff; track: LocalDjTrack } {
    const { id, path } = this.ownFile(ref);
    const note = this.note(id);
    if (!note || note.path !== path)
      throw new CallError('not_found', 'There is no tag change to undo for this track');
    const now = statSync(path, { throwIfNoEntry: false });
    if (!now || now.size !== note.writtenSize || Math.trunc(now.mtimeMs) !== note.writtenMtimeMs) {
      throw new CallError(
        'conflict',
        'The file changed since its tags were written here; undo would lose that change',
      );
    }
    const before = withFile(path, readTags);
    // Copy beside the file, then rename over it: the file is whole at every moment.
    const temp = join(dirname(path), `.${id}.resonate-undo${extname(path)}`);
    copyFileSync(note.backupFile, temp);
    renameSync(temp, path);
    const after = withFile(path, readTags);
    this.dropBackup(id);
    const changes = diff(before, after);
    if (changes.length) this.updateRow(id, changes);
    const track = trackById(this.db, id);
    if (!track) throw new CallError('not_found', `Track ${id} left the library`);
    return { diff: { trackId: id, path, changes }, track };
  }

  private noteFile(id: number): string {
    return join(this.backupDir!, `${id}.json`);
  }

  private note(id: number): BackupNote | null {
    if (!this.backupDir) return null;
    try {
      return JSON.parse(readFileSync(this.noteFile(id), 'utf8')) as BackupNote;
    } catch {
      return null;
    }
  }

  /** Copies the file as it is now; the note is completed once the write is done. */
  private backUp(id: number, path: string): BackupNote | null {
    if (!this.backupDir) return null;
    mkdirSync(this.backupDir, { recursive: true });
    this.dropBackup(id);
    const backupFile = join(this.backupDir, `${id}${extname(path).toLowerCase()}`);
    copyFileSync(path, `${backupFile}.tmp`);
    renameSync(`${backupFile}.tmp`, backupFile);
    // Noted at once (so pruning finds it even if the write fails); undoable once the write is noted.
    const note = {
      trackId: id,
      path,
      backupFile,
      savedAt: this.clock.nowMs(),
      writtenSize: -1,
      writtenMtimeMs: -1,
    };
    writeFileSync(this.noteFile(id), JSON.stringify(note));
    this.pruneBackups();
    return note;
  }

  private noteWritten(note: BackupNote, path: string): void {
    const written = statSync(path);
    const done: BackupNote = {
      ...note,
      writtenSize: written.size,
      writtenMtimeMs: Math.trunc(written.mtimeMs),
    };
    writeFileSync(`${this.noteFile(note.trackId)}.tmp`, JSON.stringify(done));
    renameSync(`${this.noteFile(note.trackId)}.tmp`, this.noteFile(note.trackId));
  }

  private dropBackup(id: number): void {
    const note = this.note(id);
    rmSync(this.noteFile(id), { force: true });
    if (note) rmSync(note.backupFile, { force: true });
  }

  /** Keeps the newest MAX_BACKUPS backups (the one just made among them). */
  private pruneBackups(): void {
    const notes = readdirSync(this.backupDir!)
      .filter((n) => /^\d+\.json$/.test(n))
      .map((n) => this.note(Number(n.slice(0, -5))))
      .filter((n): n is BackupNote => n !== null)
      .sort((a, b) => b.savedAt - a.savedAt);
    for (const old of notes.slice(MAX_BACKUPS)) this.dropBackup(old.trackId);
  }

  private ownFile(ref: TrackRef): { id: number; path: string } {
    if (ref.source === 'coop')
      throw new CallError('forbidden', "Co-op tracks' tags come from the catalog and cannot be edited here");
    const found = trackFile(this.db, ref.id);
    if (!found) throw new CallError('not_found', `No track ${ref.id} in the library`);
    if (typeof found.file !== 'string')
      throw new CallError('unavailable', 'This file name cannot be opened by the tag editor (not UTF-8)');
    if (found.track.status !== 'ok') throw new CallError('unavailable', `The file is ${found.track.status}`);
    if (this.isCoopDownload(found.file))
      throw new CallError('forbidden', "This is a downloaded co-op track; its tags are the catalog's");
    return { id: ref.id, path: found.file };
  }

  private isCoopDownload(path: string): boolean {
    const { q } = this.typed;
    return (
      hasTable(this.typed, 'coop_tracks') &&
      this.typed.get(
        q
          .selectFrom('coop_tracks')
          .select((eb) => eb.lit(1).as('found'))
          .where('local_file', '=', path),
      ) !== undefined
    );
  }

  private updateRow(id: number, changes: TagDiff['changes']): void {
    const { q } = this.typed;
    this.db.transaction(() => {
      const before = this.typed.get(
        q.selectFrom('library_tracks').select(['artist', 'album_artist', 'album']).where('id', '=', id),
      );
      if (!before) throw new CallError('not_found', `No track ${id} in the library`);
      for (const change of changes)
        this.typed.run(q.updateTable('library_tracks').set(rowChange(change)).where('id', '=', id));
      // Keep the artist and album links in step (the album artist follows when it was the artist).
      const after = this.typed.get(
        q.selectFrom('library_tracks').select(['artist', 'album']).where('id', '=', id),
      )!;
      const albumArtist = before.album_artist === before.artist ? after.artist : before.album_artist;
      this.typed.run(q.insertInto('library_artists').orIgnore().values({ name: after.artist }));
      const artist = this.typed.get(
        q.selectFrom('library_artists').select('id').where('name', '=', after.artist),
      )!;
      this.typed.run(
        q.insertInto('library_albums').orIgnore().values({ title: after.album, album_artist: albumArtist }),
      );
      const album = this.typed.get(
        q
          .selectFrom('library_albums')
          .select('id')
          .where('title', '=', after.album)
          .where('album_artist', '=', albumArtist),
      )!;
      this.typed.run(
        q
          .updateTable('library_tracks')
          .set({
            album_artist: albumArtist,
            artist_id: artist.id,
            album_id: album.id,
            updated_at: this.clock.nowMs(),
          })
          .where('id', '=', id),
      );
    })();
  }
}

/** One tag change as the library row's column (BPM a number, an emptied text tag ''). */
function rowChange(change: TagDiff['changes'][number]): Updateable<LibraryTracksTable> {
  switch (change.field) {
    case 'bpm':
      return { bpm: change.to === null ? null : Number(change.to) };
    case 'key':
      return { musical_key: change.to };
    case 'title':
      return { title: change.to ?? '' };
    case 'artist':
      return { artist: change.to ?? '' };
    case 'album':
      return { album: change.to ?? '' };
    case 'genre':
      return { genre: change.to ?? '' };
  }
}

function withFile<T>(path: string, use: (file: TagFile) => T): T {
  let file: TagFile;
  try {
    file = TagFile.createFromPath(path);
  } catch (error) {
    throw new CallError(
      'unavailable',
      `Cannot read the tags of this file: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  try {
    return use(file);
  } finally {
    file.dispose();
  }
}

/**
 * taglib-sharp keeps a Vorbis comment's BPM in `TEMPO`; DJ software and
 * music-metadata read `BPM`. Write `BPM` and drop `TEMPO` (taglib-sharp
 * still reads `BPM` as its fallback).
 */
function storeVorbisBpmAsBpm(file: TagFile, changed: TagDiff['changes']): void {
  const bpm = changed.find((c) => c.field === 'bpm');
  if (!bpm) return;
  const xiph = file.getTag(TagTypes.Xiph, false);
  if (!(xiph instanceof XiphComment)) return;
  xiph.removeField('TEMPO');
  if (bpm.to) xiph.setFieldAsStrings('BPM', bpm.to);
  else xiph.removeField('BPM');
}

function readTags(file: TagFile): FileTags {
  const tag = file.tag;
  const text = (v: string | undefined | null) => (v ? v : null);
  return {
    title: text(tag.title),
    artist: text(tag.performers.join('; ')),
    album: text(tag.album),
    genre: text(tag.genres.join('; ')),
    bpm: tag.beatsPerMinute ? String(tag.beatsPerMinute) : null,
    key: text(tag.initialKey),
  };
}

/** The requested values as they will be written: trimmed, BPM whole, key in the chosen notation. */
function wanted(changes: TagChanges, notation: KeyNotation): Partial<FileTags> {
  const out: Partial<FileTags> = {};
  for (const field of ['title', 'artist', 'album', 'genre'] as const) {
    const v = changes[field];
    if (v !== undefined) out[field] = v.trim() || null;
  }
  if (changes.bpm !== undefined)
    out.bpm = changes.bpm === null || changes.bpm === 0 ? null : String(Math.round(changes.bpm));
  if (changes.key !== undefined) {
    if (changes.key === null || changes.key.trim() === '') out.key = null;
    else {
      const key = parseKey(changes.key);
      if (!key)
        throw new CallError('invalid_input', `"${changes.key}" is not a key`, [
          { path: 'changes.key', message: 'not a key' },
        ]);
      out.key = formatKey(key, notation);
    }
  }
  return out;
}

function diff(current: FileTags, target: Partial<FileTags>): TagDiff['changes'] {
  const changes: TagDiff['changes'] = [];
  for (const field of ['title', 'artist', 'album', 'genre', 'bpm', 'key'] as const) {
    if (!(field in target)) continue;
    const to = target[field] ?? null;
    if (to !== current[field]) changes.push({ field, from: current[field], to });
  }
  return changes;
}
