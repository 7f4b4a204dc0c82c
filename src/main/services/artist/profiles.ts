import type { ArtistProfile } from '../../../shared/contract/artist';
import { accounts } from '../../../shared/server-api';
import { callSpec, type Request } from './server-answer';

/** `artist.profiles`: the artist profiles the signed-in account holds, as the server lists them. */
export async function artistProfiles(request: Request): Promise<{ artists: ArtistProfile[] }> {
  return { artists: (await callSpec(request, accounts.me, {}, 'load your artist profiles')).artists };
}
