import { z } from 'zod';
import { coopTrackIdSchema } from '../receipt';
import { membershipArtistSchema, playCountSchema, purchaseAnswerSchema, walletSchema } from './answers';
import { serverRoute } from './define';

const int = z.number().int();

export const wallet = serverRoute({
  method: 'GET',
  path: '/v1/wallet',
  summary: "The signed-in listener's wallet",
  tag: 'listener',
  access: 'user',
  answer: walletSchema,
  errors: [],
});

export const ledger = serverRoute({
  method: 'GET',
  path: '/v1/ledger',
  summary: "The signed-in listener's ledger entries, newest first",
  tag: 'listener',
  access: 'user',
  query: z.object({
    before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  }),
  answer: z.object({
    entries: z.array(
      z.object({
        id: int,
        transferId: z.string(),
        kind: z.string(),
        receiptId: z.string().nullable(),
        trackId: z.string().nullable(),
        amountThousandths: int,
        createdAt: int,
      }),
    ),
    nextBefore: int.nullable(),
  }),
  errors: [],
});

export const plays = serverRoute({
  method: 'GET',
  path: '/v1/plays',
  summary: "The signed-in listener's play counts per track",
  tag: 'listener',
  access: 'user',
  answer: z.object({ tracks: z.array(playCountSchema) }),
  errors: [],
});

export const owned = serverRoute({
  method: 'GET',
  path: '/v1/owned',
  summary: 'The tracks the signed-in listener owns (the Collection)',
  tag: 'listener',
  access: 'user',
  answer: z.object({ tracks: z.array(playCountSchema) }),
  errors: [],
});

const purchaseBody = z.object({
  requestId: z
    .string()
    .min(8)
    .max(64)
    .optional()
    .describe('client-chosen; a resend with the same id is not charged twice'),
});
const purchaseErrors = ['not_found', 'unpublished', 'nothing_to_buy', 'insufficient_credits'] as const;

export const buyTrack = serverRoute({
  method: 'POST',
  path: '/v1/tracks/:id/buy',
  summary: 'Buy the rest of a track: pay what is left of 1.022 credits and own it',
  tag: 'listener',
  access: 'user',
  params: z.object({ id: coopTrackIdSchema }),
  body: purchaseBody,
  answer: purchaseAnswerSchema,
  errors: purchaseErrors,
});

export const buyRelease = serverRoute({
  method: 'POST',
  path: '/v1/releases/:id/buy',
  summary: 'Buy the rest of every track of a release that is not owned yet, all or nothing',
  tag: 'listener',
  access: 'user',
  params: z.object({ id: coopTrackIdSchema }),
  body: purchaseBody,
  answer: purchaseAnswerSchema,
  errors: purchaseErrors,
});

export const membership = serverRoute({
  method: 'GET',
  path: '/v1/membership',
  summary:
    'Co-op membership status and progress for a calendar year (listener, and artist if a rightsholder)',
  tag: 'listener',
  access: 'user',
  query: z.object({ year: z.coerce.number().int().min(2000).max(9999).optional() }),
  answer: z.object({
    year: int,
    listener: z.object({
      member: z.boolean(),
      spentThousandths: int,
      thresholdThousandths: int,
      spentEuros: z.string(),
      thresholdEuros: z.string(),
      progressPercent: int,
    }),
    artist: membershipArtistSchema.nullable(),
  }),
  errors: [],
});
