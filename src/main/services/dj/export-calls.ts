import { CallError } from '../../../shared/contract/define';
import type { DjList, TrackRef } from '../../../shared/contract/dj';
import type { DjInput, DjParts } from './dj-parts';
import { ExportJob, type ExportSource } from './export-service';
import { checkFileNamePattern } from './file-names';
import { coopTrackFile, trackFile, trackLabel } from './track-rows';

function blank(key: string, label: string): ExportSource {
  return {
    key,
    label,
    title: label,
    artist: '',
    album: '',
    genre: '',
    durationMs: 0,
    bpm: null,
    tagKey: null,
    year: null,
    file: null,
  };
}

/** What to copy for one track: its file, or why there is none. */
function exportSource(p: DjParts, ref: TrackRef): ExportSource {
  const { db } = p.deps;
  const key = `${ref.source}:${ref.id}`;
  if (ref.source === 'local') {
    const found = trackFile(db, ref.id);
    if (!found) return { ...blank(key, `track ${ref.id}`), missingReason: 'no longer in the library' };
    const t = found.track;
    return {
      key,
      label: trackLabel(t),
      title: t.title,
      artist: t.artist,
      album: t.album,
      genre: t.genre,
      durationMs: t.durationMs,
      bpm: t.bpm,
      tagKey: t.key,
      year: t.year,
      addedAt: t.addedAt,
      file: t.status === 'ok' ? found.file : null,
      missingReason: `the file is ${t.status}`,
    };
  }
  const found = coopTrackFile(db, ref.id);
  if (!found)
    return { ...blank(key, `co-op track ${ref.id}`), missingReason: 'not in the co-op catalog cache' };
  const c = found.track;
  const base = {
    ...blank(key, trackLabel(c)),
    title: c.title,
    artist: c.artist,
    album: c.album,
    durationMs: c.durationMs,
  };
  if (!c.owned) return { ...base, missingReason: 'not owned yet (stream to own it first)' };
  if (!found.file) return { ...base, missingReason: 'not downloaded for offline use' };
  return { ...base, file: found.file };
}

/** What to copy for each track of a list, in order. */
function exportSources(p: DjParts, list: DjList): ExportSource[] {
  const refs: TrackRef[] =
    list.kind === 'smart'
      ? p.queries.refs(list.query ?? '', list.sort ?? 'artist', list.direction ?? 'asc')
      : p.lists.items(list.id).map((i) => i.ref);
  return refs.map((ref) => exportSource(p, ref));
}

/** An export by id, or not_found. */
export function exportJob(p: DjParts, jobId: string): ExportJob {
  const found = p.jobs.get(jobId);
  if (!found) throw new CallError('not_found', `No export ${jobId}`);
  return found;
}

/** `dj.export`: one export per list at a time; a folder is not exported. */
export function startExport(p: DjParts, { listId, destination, fileNamePattern }: DjInput<'dj.export'>) {
  const patternError = fileNamePattern === undefined ? null : checkFileNamePattern(fileNamePattern);
  if (patternError)
    throw new CallError('invalid_input', patternError, [{ path: 'fileNamePattern', message: patternError }]);
  const list = p.lists.get(listId);
  if (list.kind === 'folder')
    throw new CallError('conflict', 'Export a crate, playlist or smart playlist, not a folder');
  const running = [...p.jobs.values()].find(
    (j) => j.status.listId === listId && ['preparing', 'copying', 'writing'].includes(j.status.state),
  );
  if (running) throw new CallError('conflict', 'This list is being exported already');
  const { clock, logger, events } = p.deps;
  const job = new ExportJob(
    {
      clock,
      logger,
      appVersion: p.deps.appVersion ?? '0.0.0',
      onProgress: (s) => events.emit('dj.exportProgress', s),
    },
    list,
    destination,
    exportSources(p, list),
    fileNamePattern,
  );
  p.jobs.set(job.status.jobId, job);
  return { ...job.status };
}
