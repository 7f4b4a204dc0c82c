import { accounts } from '../../shared/server-api';
import { ApiError } from '../http/errors';
import { implement, type AnyRoute } from '../http/route';
import { beginSignInAttempt, signInSucceeded } from './lockout';
import { verifySignIn } from './passwords';
import { createSession, endSession } from './sessions';
import { artistsOf, createUser, findUserByEmail } from './users';
import type { ServerContext } from '../context';

/** Accounts: sign up, sign in, sign out and who am I. One route per function; this plugin only lists them. */
export function accountRoutes(ctx: ServerContext): AnyRoute[] {
  return [signUpRoute(ctx), signInRoute(ctx), signOutRoute(ctx), meRoute(ctx)];
}

const authRateLimit = (ctx: ServerContext) => ({
  max: ctx.config.authRateLimitPerMinute,
  timeWindow: 60_000,
});

function signUpRoute(ctx: ServerContext): AnyRoute {
  return implement(accounts.signUp, {
    rateLimit: authRateLimit(ctx),
    handler: async ({ body }) => {
      const user = await createUser(ctx, { ...body, role: 'listener' });
      const session = await createSession(ctx, user.id);
      return { ...session, user: { ...user, artists: [] } };
    },
  });
}

function signInRoute(ctx: ServerContext): AnyRoute {
  return implement(accounts.signIn, {
    rateLimit: authRateLimit(ctx),
    handler: async ({ body, reply }) => {
      // Per account (known or not), whatever address the guesses come from.
      const attempt = await beginSignInAttempt(ctx, body.email);
      if (!attempt.allowed) {
        void reply.header('Retry-After', String(Math.ceil(attempt.retryAfterMs / 1000)));
        throw new ApiError(
          429,
          'account_locked',
          'too many failed sign-ins for this account; try again after Retry-After seconds',
        );
      }
      const user = await findUserByEmail(ctx, body.email);
      // Same answer and the same argon2 work for an unknown email and a wrong password: no account probing.
      if (!(await verifySignIn(user?.password_hash, body.password, ctx.config)) || !user) {
        throw new ApiError(401, 'bad_credentials', 'wrong email or password');
      }
      await signInSucceeded(ctx, body.email);
      const session = await createSession(ctx, user.id);
      return {
        ...session,
        user: { id: user.id, email: user.email, role: user.role, artists: await artistsOf(ctx, user.id) },
      };
    },
  });
}

function signOutRoute(ctx: ServerContext): AnyRoute {
  return implement(accounts.signOut, {
    handler: async ({ user }) => {
      await endSession(ctx, user.sessionHash);
    },
  });
}

function meRoute(ctx: ServerContext): AnyRoute {
  return implement(accounts.me, {
    handler: async ({ user }) => ({
      id: user.id,
      email: user.email,
      role: user.role,
      artists: await artistsOf(ctx, user.id),
    }),
  });
}
