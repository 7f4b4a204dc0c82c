import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute } from 'node:path';
import { ApiError, forbidden } from '../http/errors';
import { accounts } from '../../shared/server-api';
import { implement, type AnyRoute } from '../http/route';
import { importRelease } from '../catalog/import-release';
import { artistsOf } from './users';
import type { ServerContext } from '../context';

/**
 * The app's own node (src/server/bundled.ts): its first admin is the app's
 * user. While the node has no admin, each start writes a fresh one-time token
 * (0600) into its data folder; the app's main process reads it and presents
 * it for the signed-in account (`POST /v1/local-admin/claim`), so only
 * someone who can read the app's data folder — who could edit the node's
 * database anyway — becomes admin. The token works once and is deleted.
 * Also only here: importing a release from a folder on this machine, the
 * same code as the `import-release` command. None of these routes exist on a
 * server started any other way.
 */

export interface LocalAdminOptions {
  /** Where the token is written while the node has no admin. */
  tokenFile: string;
}

interface TokenState {
  /** sha256 of the token in the file; null once used, or when the node has an admin. */
  hash: Buffer | null;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

async function hasAdmin(ctx: ServerContext): Promise<boolean> {
  const row = await ctx.store.db
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'admin')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Writes a fresh token when the node has no admin, else removes any old one. */
export async function prepareLocalAdmin(ctx: ServerContext, options: LocalAdminOptions): Promise<TokenState> {
  if (await hasAdmin(ctx)) {
    await rm(options.tokenFile, { force: true });
    return { hash: null };
  }
  const token = randomBytes(32).toString('base64url');
  await mkdir(dirname(options.tokenFile), { recursive: true });
  const partial = `${options.tokenFile}.partial`;
  await writeFile(partial, `${token}\n`, { mode: 0o600 });
  await rename(partial, options.tokenFile);
  return { hash: sha256(token) };
}

async function checkFolder(folder: string): Promise<void> {
  if (!isAbsolute(folder)) throw new ApiError(400, 'bad_folder', 'the folder must be an absolute path');
  const info = await stat(folder).catch(() => null);
  if (!info) throw new ApiError(400, 'bad_folder', `there is no folder ${folder}`);
  if (!info.isDirectory()) throw new ApiError(400, 'bad_folder', `${folder} is a file, not a folder`);
}

/** GET /v1/local-admin: whether the node has an admin, and whether the token can still make one. */
function localAdminStatusRoute(ctx: ServerContext, state: TokenState): AnyRoute {
  return implement(accounts.localAdminStatus, {
    handler: async () => {
      const admin = await hasAdmin(ctx);
      return { hasAdmin: admin, claimable: !admin && state.hash !== null };
    },
  });
}

/** POST /v1/local-admin/claim: the one-time token makes the signed-in account admin; used once. */
function claimLocalAdminRoute(ctx: ServerContext, options: LocalAdminOptions, state: TokenState): AnyRoute {
  const { db } = ctx.store;
  return implement(accounts.claimLocalAdmin, {
    handler: async ({ body, user }) => {
      const expected = state.hash;
      if (!expected)
        throw new ApiError(409, 'admin_exists', 'this node has an admin already; the token was used');
      if (!timingSafeEqual(sha256(body.token), expected)) throw forbidden('wrong token');
      // Taken before any await: two claims at once cannot both pass.
      state.hash = null;
      try {
        if (await hasAdmin(ctx)) throw new ApiError(409, 'admin_exists', 'this node has an admin already');
        await db.updateTable('users').set({ role: 'admin' }).where('id', '=', user.id).execute();
      } catch (error) {
        if (!(error instanceof ApiError)) state.hash = expected;
        throw error;
      }
      await rm(options.tokenFile, { force: true });
      ctx.log.info({ userId: user.id }, 'the local admin token was used: this account is the node admin');
      return {
        id: user.id,
        email: user.email,
        role: 'admin' as const,
        artists: await artistsOf(ctx, user.id),
      };
    },
  });
}

/** POST /v1/local-admin/releases/import: the import-release command's code, for a folder on this machine. */
function importFolderRoute(ctx: ServerContext): AnyRoute {
  const { db } = ctx.store;
  return implement(accounts.importLocalFolder, {
    handler: async ({ body }) => {
      await checkFolder(body.folder);
      let imported;
      try {
        imported = await importRelease(ctx, body.folder, {
          artist: body.artist,
          status: body.free ? 'free' : 'paid',
          title: body.title,
        });
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('no readable audio files'))
          throw new ApiError(400, 'no_audio', `no readable audio files in ${body.folder}`);
        throw error;
      }
      const [artist, release] = await Promise.all([
        db.selectFrom('artists').select('name').where('id', '=', imported.artistId).executeTakeFirstOrThrow(),
        db
          .selectFrom('releases')
          .select('title')
          .where('id', '=', imported.releaseId)
          .executeTakeFirstOrThrow(),
      ]);
      return { ...imported, artistName: artist.name, title: release.title };
    },
  });
}

export function localAdminRoutes(
  ctx: ServerContext,
  options: LocalAdminOptions,
  state: TokenState,
): AnyRoute[] {
  return [
    localAdminStatusRoute(ctx, state),
    claimLocalAdminRoute(ctx, options, state),
    importFolderRoute(ctx),
  ];
}
