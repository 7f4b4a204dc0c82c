import { z } from 'zod';
import { artistRefSchema, roleSchema, sessionSchema, userSchema } from './answers';
import { serverRoute } from './define';

const credentialsSchema = z.object({
  email: z.email().max(254),
  password: z.string().min(8).max(200),
});

export const signUp = serverRoute({
  method: 'POST',
  path: '/v1/auth/sign-up',
  summary: 'Create a listener account and sign in',
  tag: 'accounts',
  access: 'public',
  body: credentialsSchema,
  answer: sessionSchema,
  successStatus: 201,
  errors: ['email_taken'],
});

export const signIn = serverRoute({
  method: 'POST',
  path: '/v1/auth/sign-in',
  summary: 'Sign in; answers a bearer token',
  tag: 'accounts',
  access: 'public',
  // Any password length signs in: the rules for new ones may have changed since.
  body: credentialsSchema.extend({ password: z.string().min(1).max(200) }),
  answer: sessionSchema,
  errors: ['account_locked', 'bad_credentials'],
});

export const signOut = serverRoute({
  method: 'POST',
  path: '/v1/auth/sign-out',
  summary: 'End the current session',
  tag: 'accounts',
  access: 'user',
  errors: [],
});

export const me = serverRoute({
  method: 'GET',
  path: '/v1/me',
  summary: 'The signed-in user',
  tag: 'accounts',
  access: 'user',
  answer: userSchema,
  errors: [],
});

/** GET /v1/admin/users: finding accounts by email, for an admin who grants credits or makes a rightsholder. */
export const findUsers = serverRoute({
  method: 'GET',
  path: '/v1/admin/users',
  summary: 'Accounts whose email contains the text, by email (with the artists each holds the rights of)',
  tag: 'admin',
  access: 'admin',
  query: z.object({
    email: z.string().max(254).default('').describe('part of the email; empty: all'),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  }),
  answer: z.object({
    users: z.array(
      z.object({ id: z.string(), email: z.string(), role: roleSchema, artists: z.array(artistRefSchema) }),
    ),
  }),
  errors: [],
});

/** The app's own node only (src/server/accounts/local-admin.ts). */
export const localAdminStatus = serverRoute({
  method: 'GET',
  path: '/v1/local-admin',
  summary: "The app's own node: whether it has an admin, and whether the one-time token can still make one",
  tag: 'local-admin',
  access: 'public',
  answer: z.object({ hasAdmin: z.boolean(), claimable: z.boolean() }),
  errors: [],
});

export const claimLocalAdmin = serverRoute({
  method: 'POST',
  path: '/v1/local-admin/claim',
  summary:
    "Make the signed-in account the admin of the app's own node, with the one-time token from its data folder",
  tag: 'local-admin',
  access: 'user',
  body: z.object({ token: z.string().min(1).max(200) }),
  answer: userSchema,
  errors: ['admin_exists', 'forbidden'],
});

export const importLocalFolder = serverRoute({
  method: 'POST',
  path: '/v1/local-admin/releases/import',
  summary:
    'Import every audio file of a folder on this machine as one published release (the import-release command)',
  tag: 'local-admin',
  access: 'admin',
  body: z.object({
    folder: z
      .string()
      .min(1)
      .max(4096)
      .describe('an absolute path to a folder on the machine the node runs on'),
    artist: z.string().trim().min(1).max(200),
    title: z.string().trim().min(1).max(300).optional(),
    free: z.boolean().default(false),
  }),
  answer: z.object({
    artistId: z.string(),
    artistName: z.string(),
    releaseId: z.string(),
    title: z.string(),
    tracks: z.array(z.object({ id: z.string(), title: z.string(), durationMs: z.number().int() })),
    skipped: z.array(z.object({ file: z.string(), reason: z.string() })),
  }),
  successStatus: 201,
  errors: ['bad_folder', 'no_audio'],
});
