import type { z } from 'zod';
import type { purchaseAnswerSchema } from '../../shared/server-api/answers';

/** A purchase as asked: whose, what (one track or a whole release), and the client's idempotency key. */
export interface PurchaseRequest {
  userId: string;
  scope: { trackId: string } | { releaseId: string };
  requestId: string | null;
}

/** A purchase's answer: the wire contract's (src/shared/server-api). */
export type PurchaseAnswer = z.infer<typeof purchaseAnswerSchema>;

/** The migration 0014_empty_purchases table (a type alias: withTables needs an index-compatible record). */
export type EmptyPurchaseTables = {
  empty_purchases: { user_id: string; request_id: string; transfer_id: string; created_at: number };
};
