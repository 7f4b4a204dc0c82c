import { z } from 'zod';
import { serverRoute } from './define';

const thousandths = z.number().int().min(1).max(1_000_000_000).describe('thousandths of a credit');

export const grantCredits = serverRoute({
  method: 'POST',
  path: '/v1/admin/grants',
  summary: "Grant credits to a listener's wallet",
  tag: 'admin',
  access: 'admin',
  body: z.object({
    userId: z.string().min(1).max(128),
    amountThousandths: thousandths,
    note: z.string().max(500).optional(),
    idempotencyKey: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{8,128}$/, 'must be 8–128 characters of A–Z, a–z, 0–9, . _ : or -')
      .optional()
      .describe(
        'client-chosen, e.g. a UUID: a resend with the same key answers the first grant and credits nothing; the same key with another user, amount or note is a 409. Send one: without it a retried request grants twice',
      ),
  }),
  answer: z.object({
    transferId: z.string(),
    balanceThousandths: z.number().int(),
    duplicate: z
      .boolean()
      .describe('made by an earlier request with this idempotency key; this is its answer'),
  }),
  successStatus: 201,
  errors: ['not_found', 'idempotency_conflict'],
});

export const createVoucherBatch = serverRoute({
  method: 'POST',
  path: '/v1/admin/voucher-batches',
  summary: 'Create a batch of voucher codes, each worth the same; the codes are shown only in this answer',
  tag: 'admin',
  access: 'admin',
  body: z.object({
    valueThousandths: thousandths,
    count: z.number().int().min(1).max(10_000),
    note: z.string().max(500).optional(),
  }),
  answer: z.object({ batchId: z.string(), valueThousandths: z.number().int(), codes: z.array(z.string()) }),
  successStatus: 201,
  errors: [],
});

export const redeemVoucher = serverRoute({
  method: 'POST',
  path: '/v1/vouchers/redeem',
  summary: 'Redeem a voucher code (once per code)',
  tag: 'credits',
  access: 'user',
  body: z.object({ code: z.string().min(4).max(64) }),
  answer: z.object({
    creditedThousandths: z.number().int().min(0),
    balanceThousandths: z.number().int().min(0),
  }),
  errors: ['unknown_voucher', 'voucher_redeemed'],
});

export const reverseGrant = serverRoute({
  method: 'POST',
  path: '/v1/admin/credits/:transferId/reverse',
  summary:
    "Reverse a credit grant made in error: takes the whole grant back from the listener's wallet, once, and logs a correction",
  tag: 'admin',
  access: 'admin',
  params: z.object({ transferId: z.string().min(1).max(200) }),
  body: z.object({
    idempotencyKey: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{8,128}$/, 'must be 8–128 characters of A–Z, a–z, 0–9, . _ : or -')
      .describe(
        'client-chosen, e.g. a UUID: a resend with the same key answers the first reversal; the same key with another grant or reason is a 409',
      ),
    reason: z.string().trim().min(1).max(500).describe('why the grant was wrong (kept with the reversal)'),
  }),
  answer: z.object({
    reversalTransferId: z.string(),
    grantTransferId: z.string(),
    userId: z.string(),
    reversedThousandths: z.number().int(),
    balanceThousandths: z.number().int(),
    corrects: z.number().int().nullable().describe("the grant's leaf index, named by the correction leaf"),
    duplicate: z
      .boolean()
      .describe('made by an earlier request with this idempotency key; this is its answer'),
  }),
  successStatus: 201,
  errors: [
    'not_found',
    'not_a_grant',
    'already_reversed',
    'idempotency_conflict',
    'grant_leaf_pending',
    'grant_not_in_log',
    'grant_spent',
  ],
});
