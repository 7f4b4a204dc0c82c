import { z } from 'zod';
import type { CoopAccount } from '../../../shared/contract/coop-node';
import { expectJson } from '../artist/server-answer';
import { accountByEmail, json, requireSignedIn, send, syncQuietly, type NodeDeps } from './deps';

const artistSchema = z.object({ id: z.string(), name: z.string() });

/** `node.addRightsholder`: the artist found by name (made if new), then the account added as its rightsholder. */
export async function addRightsholder(
  deps: NodeDeps,
  input: { email: string; artist: string },
): Promise<{ artistId: string; artistName: string; account: CoopAccount }> {
  const account = requireSignedIn(deps, 'make a rightsholder');
  const action = 'make the account a rightsholder';
  const holder = await accountByEmail(deps, input.email, action);
  const made = await json(deps, 'POST', '/v1/admin/artists', artistSchema, action, {
    json: { name: input.artist },
  });
  const path = `/v1/admin/artists/${encodeURIComponent(made.id)}/rightsholders`;
  const answer = await send(deps, 'POST', path, action, { json: { userId: holder.id } });
  if (answer.status !== 204) expectJson(answer, z.unknown(), action);
  const after = await accountByEmail(deps, input.email, action);
  if (after.id === account.userId) {
    deps.accountChanged(after);
    await syncQuietly(deps); // their own tracks play free from now on
  }
  const name = after.artists.find((a) => a.id === made.id)?.name ?? made.name;
  return { artistId: made.id, artistName: name, account: after };
}
