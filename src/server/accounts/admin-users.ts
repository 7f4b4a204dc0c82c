import { sql } from 'kysely';
import { accounts } from '../../shared/server-api';
import { implement, type AnyRoute } from '../http/route';
import type { ServerContext } from '../context';

/**
 * Finding accounts, for an admin who grants credits or makes a rightsholder
 * by email (the grant and rightsholder routes take a user id). Emails are
 * stored lower-case; the text is matched as typed (LIKE with % and _ literal).
 */
export function adminUserRoutes(ctx: ServerContext): AnyRoute[] {
  return [findUsersRoute(ctx)];
}

/** GET /v1/admin/users */
function findUsersRoute(ctx: ServerContext): AnyRoute {
  const { db } = ctx.store;
  return implement(accounts.findUsers, {
    handler: async ({ query }) => {
      const pattern = `%${query.email
        .trim()
        .toLowerCase()
        .replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const users = await db
        .selectFrom('users')
        .select(['id', 'email', 'role'])
        .where(sql<boolean>`email LIKE ${pattern} ESCAPE '\\'`)
        .orderBy('email')
        .limit(query.limit)
        .execute();
      const holds = users.length
        ? await db
            .selectFrom('artist_rightsholders')
            .innerJoin('artists', 'artists.id', 'artist_rightsholders.artist_id')
            .select(['artist_rightsholders.user_id', 'artists.id', 'artists.name'])
            .where(
              'artist_rightsholders.user_id',
              'in',
              users.map((u) => u.id),
            )
            .orderBy('artists.name')
            .execute()
        : [];
      return {
        users: users.map((u) => ({
          ...u,
          artists: holds.filter((h) => h.user_id === u.id).map((h) => ({ id: h.id, name: h.name })),
        })),
      };
    },
  });
}
