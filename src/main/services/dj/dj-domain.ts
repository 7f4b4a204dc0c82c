import { join } from 'node:path';
import type { Db } from '../db/database';
import type { Clock } from '../core/clock';
import type { EventHub } from '../core/events';
import type { Logger } from '../core/logger';
import type { CallHandler } from '../core/dispatcher';
import { CallError } from '../../../shared/contract/define';
import { djTrackRef, type djCalls, type DjList, type ExportStatus, type ListItem, type TrackRef } from '../../../shared/contract/dj';
import { compatibleKeys, formatKey, parseKey, type MusicalKey } from '../../../shared/musical-key';
import { parseQuery } from '../../../shared/query';
import { ExportJob, type ExportSource } from './export-service';
import { checkFileNamePattern } from './file-names';
import { importPlaylist } from './import-playlist';
import { importRekordboxXml } from './import-rekordbox';
import { ListStore } from './lists';
import { QueryService } from './query-service';
import { TagEditor } from './tag-editor';
import { coopTrackById, coopTrackFile, trackById, trackFile, trackLabel } from './track-rows';

export interface DjDomainDeps {
  db: Db;
  events: EventHub;
  clock: Clock;
  logger: Logger;
  dataDir: string;
  /** Written into exported Rekordbox XML as the product version. */
  appVersion?: string;
}

type DjCallName = keyof typeof djCalls;
export type DjHandlers = { [N in DjCallName]: CallHandler<N> };

/**
 * The DJ domain as the app wires it: query language, lists, export,
 * playlist import, tag editing, compatible keys. Build it once with the
 * shared database; `handlers` answer the `dj.*` calls.
 */
export function createDjDomain(deps: DjDomainDeps) {
  const { db, events, clock, logger } = deps;
  const queries = new QueryService(db, clock);
  const lists = new ListStore(db, clock);
  const tags = new TagEditor(db, clock, join(deps.dataDir, 'dj-tag-backups'));
  const jobs = new Map<string, ExportJob>();
  const countSmart = (query: string) => queries.countQuery(query);
  const changed = (listId: number | null) => events.emit('dj.listsChanged', { listId });

  function labelOf(ref: TrackRef): string | null {
    if (ref.source === 'local') {
      const t = trackById(db, ref.id);
      return t ? trackLabel(t) : null;
    }
    const c = coopTrackById(db, ref.id);
    return c ? trackLabel(c) : null;
  }

  function itemsOf(list: DjList, offset: number, limit: number): { total: number; rows: ListItem[] } {
    if (list.kind === 'folder') return { total: 0, rows: [] };
    if (list.kind === 'smart') {
      const page = queries.run({ query: list.query ?? '', offset, limit, sort: list.sort ?? 'artist', direction: list.direction ?? 'asc', status: 'ok' });
      return {
        total: page.total,
        rows: page.rows.map((track, i) => ({ itemId: null, ref: djTrackRef(track), position: offset + i, addedAt: null, label: trackLabel(track), track })),
      };
    }
    // The place in the list (0, 1, 2 …), not the stored sort key (spaced out for cheap inserts: 1024, 2048 …).
    const rows = lists.items(list.id, offset, limit).map((item, i) => ({
      itemId: item.id,
      ref: item.ref,
      position: offset + i,
      addedAt: item.addedAt,
      label: item.label,
      track: item.ref.source === 'local' ? trackById(db, item.ref.id) : coopTrackById(db, item.ref.id),
    }));
    return { total: lists.itemCount(list.id), rows };
  }

  /** What to copy for each track of a list, in order. */
  function exportSources(list: DjList): ExportSource[] {
    const refs: TrackRef[] =
      list.kind === 'smart'
        ? queries.refs(list.query ?? '', list.sort ?? 'artist', list.direction ?? 'asc')
        : lists.items(list.id).map((i) => i.ref);
    return refs.map((ref): ExportSource => {
      const key = `${ref.source}:${ref.id}`;
      if (ref.source === 'local') {
        const found = trackFile(db, ref.id);
        if (!found) return { ...blank(key, `track ${ref.id}`), missingReason: 'no longer in the library' };
        const t = found.track;
        return {
          key, label: trackLabel(t), title: t.title, artist: t.artist, album: t.album, genre: t.genre, durationMs: t.durationMs,
          bpm: t.bpm, tagKey: t.key, year: t.year, addedAt: t.addedAt, file: t.status === 'ok' ? found.file : null,
          missingReason: `the file is ${t.status}`,
        };
      }
      const found = coopTrackFile(db, ref.id);
      if (!found) return { ...blank(key, `co-op track ${ref.id}`), missingReason: 'not in the co-op catalog cache' };
      const c = found.track;
      const base = { ...blank(key, trackLabel(c)), title: c.title, artist: c.artist, album: c.album, durationMs: c.durationMs };
      if (!c.owned) return { ...base, missingReason: 'not owned yet (stream to own it first)' };
      if (!found.file) return { ...base, missingReason: 'not downloaded for offline use' };
      return { ...base, file: found.file };
    });
  }

  const keyNames = (key: MusicalKey) => ({ camelot: formatKey(key, 'camelot'), musical: formatKey(key, 'musical'), openKey: formatKey(key, 'openkey') });
  const job = (jobId: string) => {
    const found = jobs.get(jobId);
    if (!found) throw new CallError('not_found', `No export ${jobId}`);
    return found;
  };

  const handlers: DjHandlers = {
    'dj.query': (input) => queries.run(input),
    'dj.checkQuery': ({ query }) => {
      const parsed = parseQuery(query);
      return { error: parsed.ok ? null : parsed.error };
    },
    'dj.compatibleKeys': ({ key }) => {
      const parsed = parseKey(key);
      if (!parsed) throw new CallError('invalid_input', `"${key}" is not a key`, [{ path: 'key', message: 'not a key' }]);
      const relations = ['same', 'down', 'up', 'relative'] as const;
      return { key: keyNames(parsed), compatible: compatibleKeys(parsed).map((k, i) => ({ ...keyNames(k), relation: relations[i]! })) };
    },
    'dj.lists': () => lists.all(countSmart),
    'dj.createList': (input) => {
      const id = lists.create(input);
      changed(id);
      return lists.get(id, countSmart);
    },
    'dj.renameList': ({ id, name }) => {
      lists.rename(id, name);
      changed(id);
      return lists.get(id, countSmart);
    },
    'dj.moveList': ({ id, parentId, beforeId }) => {
      lists.move(id, parentId, beforeId);
      changed(id);
      return lists.get(id, countSmart);
    },
    'dj.updateSmartList': ({ id, query, sort, direction }) => {
      lists.updateSmart(id, query, sort, direction);
      changed(id);
      return lists.get(id, countSmart);
    },
    'dj.deleteList': ({ id }) => {
      const deleted = lists.delete(id);
      changed(id);
      return { deleted };
    },
    'dj.listItems': ({ id, offset, limit }) => {
      const { total, rows } = itemsOf(lists.get(id), offset, limit);
      return { total, offset, rows };
    },
    'dj.addItems': ({ listId, refs, beforeItemId }) => {
      const known: { ref: TrackRef; label: string }[] = [];
      const unknown: TrackRef[] = [];
      for (const ref of refs) {
        const label = labelOf(ref);
        if (label === null) unknown.push(ref);
        else known.push({ ref, label });
      }
      const { added, duplicates } = known.length ? lists.addItems(listId, known, beforeItemId) : { added: 0, duplicates: [] };
      if (added) changed(listId);
      return { added, duplicates, unknown };
    },
    'dj.removeItems': ({ listId, itemIds }) => {
      const removed = lists.removeItems(listId, itemIds);
      changed(listId);
      return { removed };
    },
    'dj.moveItems': ({ listId, itemIds, beforeItemId }) => {
      const moved = lists.moveItems(listId, itemIds, beforeItemId);
      changed(listId);
      return { moved };
    },
    'dj.export': ({ listId, destination, fileNamePattern }) => {
      const patternError = fileNamePattern === undefined ? null : checkFileNamePattern(fileNamePattern);
      if (patternError) throw new CallError('invalid_input', patternError, [{ path: 'fileNamePattern', message: patternError }]);
      const list = lists.get(listId);
      if (list.kind === 'folder') throw new CallError('conflict', 'Export a crate, playlist or smart playlist, not a folder');
      const running = [...jobs.values()].find((j) => j.status.listId === listId && ['preparing', 'copying', 'writing'].includes(j.status.state));
      if (running) throw new CallError('conflict', 'This list is being exported already');
      const exportJob = new ExportJob(
        { clock, logger, appVersion: deps.appVersion ?? '0.0.0', onProgress: (s) => events.emit('dj.exportProgress', s) },
        list,
        destination,
        exportSources(list),
        fileNamePattern,
      );
      jobs.set(exportJob.status.jobId, exportJob);
      return { ...exportJob.status };
    },
    'dj.cancelExport': ({ jobId }) => {
      const found = job(jobId);
      found.cancel();
      return { ...found.status };
    },
    'dj.exportStatus': ({ jobId }) => ({ ...job(jobId).status }),
    'dj.importPlaylist': async (input) => {
      const { listId, matched, unmatched } = await importPlaylist(db, lists, input);
      changed(listId);
      return { list: lists.get(listId), matched, unmatched };
    },
    'dj.importRekordbox': async (input) => {
      const { listIds, matched, unmatched } = await importRekordboxXml(db, lists, input);
      changed(null);
      return { lists: listIds.map((id) => lists.get(id)), matched, unmatched };
    },
    'dj.previewTags': ({ ref, changes }) => tags.preview(ref, changes),
    'dj.writeTags': ({ ref, changes, keyNotation }) => {
      const result = tags.write(ref, changes, keyNotation);
      events.emit('library.changed', { reason: 'scan' });
      return result;
    },
    'dj.undoTags': ({ ref }) => {
      const result = tags.undo(ref);
      events.emit('library.changed', { reason: 'scan' });
      return result;
    },
  };

  return {
    handlers,
    queries,
    lists,
    /** Waits for an export to end (tests, the CLI). */
    async waitForExport(jobId: string): Promise<ExportStatus> {
      return job(jobId).done;
    },
    /** Cancels running exports (what they copied stays, and resumes next time). */
    async close(): Promise<void> {
      for (const j of jobs.values()) j.cancel();
      await Promise.all([...jobs.values()].map((j) => j.done));
    },
  };
}

export type DjDomain = ReturnType<typeof createDjDomain>;

function blank(key: string, label: string): ExportSource {
  return { key, label, title: label, artist: '', album: '', genre: '', durationMs: 0, bpm: null, tagKey: null, year: null, file: null };
}
