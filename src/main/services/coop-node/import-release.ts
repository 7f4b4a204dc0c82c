import { isAbsolute } from 'node:path';
import type { ImportedRelease } from '../../../shared/contract/coop-node';
import { CallError } from '../../../shared/contract/define';
import { accounts } from '../../../shared/server-api';
import { call, requireSignedIn, syncQuietly, type NodeDeps } from './deps';

/** `node.importRelease`: the app's own node reads the folder from this machine (the import-release command's code). */
export async function importRelease(
  deps: NodeDeps,
  input: { folder: string; artist: string; title?: string; free: boolean },
): Promise<ImportedRelease> {
  const account = requireSignedIn(deps, 'import a release');
  if (!account.bundledServer)
    throw new CallError(
      'forbidden',
      "Importing from a folder works on the app's own co-op node only; on another co-op, publish from the Release preview.",
    );
  if (!isAbsolute(input.folder))
    throw new CallError(
      'invalid_input',
      'Enter the full path of the folder (for example /home/you/Music/Album).',
      [{ path: 'folder', message: 'must be an absolute path' }],
    );
  const imported = await call(deps, accounts.importLocalFolder, { body: input }, 'import the release', {
    // Copying a folder of audio may take longer than an ordinary request.
    timeoutMs: 10 * 60_000,
  });
  deps.log.info(
    { releaseId: imported.releaseId, tracks: imported.tracks.length, skipped: imported.skipped.length },
    'imported a release into the node',
  );
  await syncQuietly(deps);
  return imported;
}
