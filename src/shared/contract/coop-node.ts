import { z } from 'zod';
// These route modules import zod and the answers alone, which the sandboxed preload can bundle.
import { importLocalFolder } from '../server-api/accounts';
import { userSchema } from '../server-api/answers';
import { createVoucherBatch } from '../server-api/credits';
import { call } from './define';

/**
 * The "Co-op node" page: what the signed-in account may do on the co-op
 * server in use. On the app's own node (the bundled server, no sync server
 * address set) the app's user can become the node's admin with a one-time
 * token the node wrote into the app's data folder; the main process reads
 * and presents it, the renderer never sees it. An admin imports a release
 * from a folder (bundled node only: the node reads the folder from this
 * machine), grants credits, makes vouchers and makes an account a
 * rightsholder of an artist. Money is integers: thousandths of a credit.
 */

/** The file, in the bundled node's data folder, holding the one-time admin token while the node has no admin. */
export const LOCAL_ADMIN_TOKEN_FILE = 'local-admin-token';

const thousandths = z.number().int().min(1).max(1_000_000_000);
const email = z.email().max(254);
const note = z.string().trim().max(500).optional();

export const coopNodeActionsSchema = z.object({
  /** Bundled node and admin: import a folder of audio as a release. */
  importFolder: z.boolean(),
  /** Admin: grant credits to an account. */
  grantCredits: z.boolean(),
  /** Admin: make a batch of voucher codes. */
  makeVouchers: z.boolean(),
  /** Admin: make an account a rightsholder of an artist. */
  rightsholders: z.boolean(),
  /** Any signed-in account: redeem a voucher (the wallet). */
  redeemVoucher: z.boolean(),
  /** A rightsholder (or admin): publish a release draft (the release preview). */
  publish: z.boolean(),
});
export type CoopNodeActions = z.infer<typeof coopNodeActionsSchema>;

export const coopNodeStatusSchema = z.object({
  /** The app's own node (no sync server address set). */
  bundled: z.boolean(),
  serverUrl: z.string().nullable(),
  signedIn: z.boolean(),
  email: z.string().nullable(),
  role: z.enum(['listener', 'artist', 'admin']).nullable(),
  /** Bundled node with no admin yet: the signed-in account may become its admin. */
  canClaimAdmin: z.boolean(),
  /** The bundled node has an admin already (another account, when this one is not admin). */
  hasAdmin: z.boolean().nullable(),
  actions: coopNodeActionsSchema,
});
export type CoopNodeStatus = z.infer<typeof coopNodeStatusSchema>;

/** An account as the server answers it (src/shared/server-api/answers.ts). */
export const coopAccountSchema = userSchema;
export type CoopAccount = z.infer<typeof coopAccountSchema>;

/** The import route's answer; `skipped`: files of the folder that could not be read as audio, with the reason. */
export const importedReleaseSchema = importLocalFolder.answer;
export type ImportedRelease = z.infer<typeof importedReleaseSchema>;

export const coopNodeCalls = {
  'node.status': call(
    'What the signed-in account may do on the co-op server in use.',
    z.object({}).strict(),
    coopNodeStatusSchema,
  ),
  'node.claimAdmin': call(
    "Become the admin of the app's own node (bundled server with no admin yet), with the token it wrote into the data folder.",
    z.object({}).strict(),
    coopNodeStatusSchema,
  ),
  'node.importRelease': call(
    "Admin of the app's own node: every audio file of a folder on this machine becomes a track of one published release.",
    z
      .object({
        folder: z.string().trim().min(1).max(4096),
        artist: z.string().trim().min(1).max(200),
        title: z.string().trim().min(1).max(300).optional(),
        free: z.boolean().default(false),
      })
      .strict(),
    importedReleaseSchema,
  ),
  'node.findAccounts': call(
    'Admin: accounts whose email contains the text (at most 20).',
    z.object({ query: z.string().trim().max(254).default('') }).strict(),
    z.object({ accounts: z.array(coopAccountSchema) }),
  ),
  'node.grantCredits': call(
    'Admin: grant credits to the account with this email (sent once, whatever the retries).',
    z.object({ email, amountThousandths: thousandths, note }).strict(),
    z.object({
      email: z.string(),
      amountThousandths: z.number().int(),
      balanceThousandths: z.number().int(),
    }),
  ),
  'node.makeVouchers': call(
    'Admin: a batch of voucher codes, each worth the same; the codes are shown only in this answer.',
    z.object({ valueThousandths: thousandths, count: z.number().int().min(1).max(1000), note }).strict(),
    createVoucherBatch.answer,
  ),
  'node.addRightsholder': call(
    'Admin: make the account with this email a rightsholder of the artist with this name (made if new).',
    z.object({ email, artist: z.string().trim().min(1).max(200) }).strict(),
    z.object({ artistId: z.string(), artistName: z.string(), account: coopAccountSchema }),
  ),
};

export const coopNodeEvents = {};
