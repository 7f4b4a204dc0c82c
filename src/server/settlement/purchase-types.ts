/** A purchase as asked: whose, what (one track or a whole release), and the client's idempotency key. */
export interface PurchaseRequest {
  userId: string;
  scope: { trackId: string } | { releaseId: string };
  requestId: string | null;
}

export interface PurchaseAnswer {
  transferId: string;
  duplicate: boolean;
  tracks: Array<{ trackId: string; paidThousandths: number }>;
  totalThousandths: number;
  balanceThousandths: number;
}
