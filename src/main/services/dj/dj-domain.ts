import { join } from 'node:path';
import type { ExportStatus } from '../../../shared/contract/dj';
import { countSmart, listsChanged, type DjDomainDeps, type DjHandlers, type DjParts } from './dj-parts';
import { exportJob, startExport } from './export-calls';
import { checkQuery, compatibleKeysCall } from './key-calls';
import { addItems, changedList, importPlaylistCall, importRekordboxCall, listItems } from './list-calls';
import { ListStore } from './lists';
import { QueryService } from './query-service';
import { TagEditor } from './tag-editor';

export type { DjDomainDeps, DjHandlers } from './dj-parts';

/** Each `dj.*` call, a function of the domain's parts (list-calls, export-calls, key-calls, the services). */
function handlersOf(p: DjParts): DjHandlers {
  const { lists, queries, tags } = p;
  const tagsWritten = <T>(result: T): T => {
    p.deps.events.emit('library.changed', { reason: 'scan' });
    return result;
  };
  return {
    'dj.query': (input) => queries.run(input),
    'dj.checkQuery': checkQuery,
    'dj.compatibleKeys': compatibleKeysCall,
    'dj.lists': () => lists.all(countSmart(p)),
    'dj.createList': (input) => changedList(p, lists.create(input)),
    'dj.renameList': ({ id, name }) => {
      lists.rename(id, name);
      return changedList(p, id);
    },
    'dj.moveList': ({ id, parentId, beforeId }) => {
      lists.move(id, parentId, beforeId);
      return changedList(p, id);
    },
    'dj.updateSmartList': ({ id, query, sort, direction }) => {
      lists.updateSmart(id, query, sort, direction);
      return changedList(p, id);
    },
    'dj.deleteList': ({ id }) => {
      const deleted = lists.delete(id);
      listsChanged(p, id);
      return { deleted };
    },
    'dj.listItems': (input) => listItems(p, input),
    'dj.addItems': (input) => addItems(p, input),
    'dj.removeItems': ({ listId, itemIds }) => {
      const removed = lists.removeItems(listId, itemIds);
      listsChanged(p, listId);
      return { removed };
    },
    'dj.moveItems': ({ listId, itemIds, beforeItemId }) => {
      const moved = lists.moveItems(listId, itemIds, beforeItemId);
      listsChanged(p, listId);
      return { moved };
    },
    'dj.export': (input) => startExport(p, input),
    'dj.cancelExport': ({ jobId }) => {
      const found = exportJob(p, jobId);
      found.cancel();
      return { ...found.status };
    },
    'dj.exportStatus': ({ jobId }) => ({ ...exportJob(p, jobId).status }),
    'dj.importPlaylist': (input) => importPlaylistCall(p, input),
    'dj.importRekordbox': (input) => importRekordboxCall(p, input),
    'dj.previewTags': ({ ref, changes }) => tags.preview(ref, changes),
    'dj.writeTags': ({ ref, changes, keyNotation }) => tagsWritten(tags.write(ref, changes, keyNotation)),
    'dj.undoTags': ({ ref }) => tagsWritten(tags.undo(ref)),
  };
}

/**
 * The DJ domain as the app wires it: query language, lists, export,
 * playlist import, tag editing, compatible keys. Build it once with the
 * shared database; `handlers` answer the `dj.*` calls. The factory builds
 * the services once and wires the calls (docs/architecture.md, "Handlers").
 */
export function createDjDomain(deps: DjDomainDeps) {
  const { db, clock } = deps;
  const p: DjParts = {
    deps,
    queries: new QueryService(db, clock),
    lists: new ListStore(db, clock),
    tags: new TagEditor(db, clock, join(deps.dataDir, 'dj-tag-backups')),
    jobs: new Map(),
  };
  return {
    handlers: handlersOf(p),
    queries: p.queries,
    lists: p.lists,
    /** Waits for an export to end (tests, the CLI). */
    async waitForExport(jobId: string): Promise<ExportStatus> {
      return exportJob(p, jobId).done;
    },
    /** Cancels running exports (what they copied stays, and resumes next time). */
    async close(): Promise<void> {
      for (const j of p.jobs.values()) j.cancel();
      await Promise.all([...p.jobs.values()].map((j) => j.done));
    },
  };
}

export type DjDomain = ReturnType<typeof createDjDomain>;
