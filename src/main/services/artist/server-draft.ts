import type { CoopRelease } from '../../../shared/contract/artist';
import { CallError } from '../../../shared/contract/define';
import { publishing } from '../../../shared/server-api';
import type { Job, PublishRequest } from './publish-parts';
import { releaseView } from './release-view';
import { callSpec, errorFromAnswer, sendSpec, specAnswer, type Request } from './server-answer';

/** The server side of one publish: its draft release, made once per draft and reused while it is a draft. */

/**
 * `known` if the server still has its release as a draft for the same
 * artist; undefined when there is none to reuse (another artist, or gone).
 * Guarantees a draft published already is never published twice: a conflict.
 */
export async function reusableJob(
  request: Request,
  known: Job | undefined,
  artistId: string,
): Promise<Job | undefined> {
  if (!known || known.artistId !== artistId) return undefined;
  const spec = publishing.getPublishingRelease;
  const action = 'look up the release';
  const answer = await sendSpec(request, spec, { params: { id: known.releaseId } }, action);
  const existing = answer.status === 200 ? specAnswer(spec, answer, action) : null;
  if (existing && existing.status !== 'draft')
    throw new CallError(
      'conflict',
      `This draft was published already (release ${existing.id}, now ${existing.status}).`,
    );
  return existing ? known : undefined;
}

/** A new server draft for the request's artist and title, with no uploads yet. */
export async function createServerDraft(request: Request, req: PublishRequest): Promise<Job> {
  const created = await callSpec(
    request,
    publishing.createDraftRelease,
    { body: { artistId: req.artistId, title: req.title } },
    'create the release',
  );
  return { releaseId: created.id, artistId: req.artistId, uploads: new Map() };
}

/** Files asked for before and left out now are removed from the server draft (and from the job); a file already gone counts as removed. */
export async function removeLeftOut(request: Request, job: Job, positions: Set<number>): Promise<void> {
  for (const [position, u] of [...job.uploads]) {
    if (positions.has(position)) continue;
    const answer = await sendSpec(
      request,
      publishing.deleteUpload,
      { params: { id: u.uploadId } },
      'remove a file',
    );
    if (answer.status !== 204 && answer.status !== 404) throw errorFromAnswer(answer, 'remove a file');
    job.uploads.delete(position);
  }
}

/** The release as the server has it now. */
export async function releaseNow(request: Request, releaseId: string): Promise<CoopRelease> {
  return releaseView(
    await callSpec(
      request,
      publishing.getPublishingRelease,
      { params: { id: releaseId } },
      'look up the release',
    ),
  );
}
