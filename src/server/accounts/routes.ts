import { z } from 'zod';
import { ApiError } from '../http/errors';
import { route, type AnyRoute } from '../http/route';
import { beginSignInAttempt, signInSucceeded } from './lockout';
import { verifySignIn } from './passwords';
import { createSession, endSession } from './sessions';
import { artistsOf, createUser, findUserByEmail } from './users';
import type { ServerContext } from '../context';

export const roleSchema = z.enum(['listener', 'artist', 'admin']);
const credentialsSchema = z.object({
  email: z.email().max(254),
  password: z.string().min(8).max(200),
});
export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: roleSchema,
  artists: z
    .array(z.object({ id: z.string(), name: z.string() }))
    .describe('artist profiles this user holds the rights of'),
});
const sessionSchema = z.object({ token: z.string(), expiresAt: z.number().int(), user: userSchema });

export function accountRoutes(ctx: ServerContext): AnyRoute[] {
  const rateLimit = { max: ctx.config.authRateLimitPerMinute, timeWindow: 60_000 };
  return [
    route({
      method: 'POST',
      url: '/v1/auth/sign-up',
      summary: 'Create a listener account and sign in',
      tag: 'accounts',
      access: 'public',
      rateLimit,
      body: credentialsSchema,
      response: sessionSchema,
      successStatus: 201,
      handler: async ({ body }) => {
        const user = await createUser(ctx, { ...body, role: 'listener' });
        const session = await createSession(ctx, user.id);
        return { ...session, user: { ...user, artists: [] } };
      },
    }),
    route({
      method: 'POST',
      url: '/v1/auth/sign-in',
      summary: 'Sign in; answers a bearer token',
      tag: 'accounts',
      access: 'public',
      rateLimit,
      body: credentialsSchema.extend({ password: z.string().min(1).max(200) }),
      response: sessionSchema,
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
    }),
    route({
      method: 'POST',
      url: '/v1/auth/sign-out',
      summary: 'End the current session',
      tag: 'accounts',
      access: 'user',
      handler: async ({ user }) => {
        await endSession(ctx, user.sessionHash);
      },
    }),
    route({
      method: 'GET',
      url: '/v1/me',
      summary: 'The signed-in user',
      tag: 'accounts',
      access: 'user',
      response: userSchema,
      handler: async ({ user }) => ({
        id: user.id,
        email: user.email,
        role: user.role,
        artists: await artistsOf(ctx, user.id),
      }),
    }),
  ];
}
