import type { CoopAccount } from '../../../shared/contract/coop-node';
import { catalog } from '../../../shared/server-api';
import { accountByEmail, call, requireSignedIn, syncQuietly, type NodeDeps } from './deps';

/** `node.addRightsholder`: the artist found by name (made if new), then the account added as its rightsholder. */
export async function addRightsholder(
  deps: NodeDeps,
  input: { email: string; artist: string },
): Promise<{ artistId: string; artistName: string; account: CoopAccount }> {
  const account = requireSignedIn(deps, 'make a rightsholder');
  const action = 'make the account a rightsholder';
  const holder = await accountByEmail(deps, input.email, action);
  const made = await call(deps, catalog.createArtist, { body: { name: input.artist } }, action);
  await call(deps, catalog.addRightsholder, { params: { id: made.id }, body: { userId: holder.id } }, action);
  const after = await accountByEmail(deps, input.email, action);
  if (after.id === account.userId) {
    deps.accountChanged(after);
    await syncQuietly(deps); // their own tracks play free from now on
  }
  const name = after.artists.find((a) => a.id === made.id)?.name ?? made.name;
  return { artistId: made.id, artistName: name, account: after };
}
