import { z } from 'zod';
import { uuidV7Schema } from '../receipt';
import { pullAnswerSchema, receiptsAnswerSchema } from './answers';
import { serverRoute } from './define';

export const pushReceipts = serverRoute({
  method: 'POST',
  path: '/v1/receipts',
  summary: 'Submit a batch of signed play receipts; each is settled exactly once or rejected with its reason',
  tag: 'sync',
  access: 'user',
  body: z.object({
    deviceId: uuidV7Schema.describe('the sending device: its allowance is renewed and returned'),
    // Each receipt is checked one by one by the settlement (so one bad receipt doesn't sink the batch).
    // At most the server's maxReceiptsPerBatch (its config narrows this schema: `implement`).
    receipts: z.array(z.unknown()).min(1),
  }),
  answer: receiptsAnswerSchema,
  errors: [],
});

export const pull = serverRoute({
  method: 'POST',
  path: '/v1/sync',
  summary:
    "Pull what changed since a cursor: wallet, this device's (renewed) allowance, play counts and ownership, catalog tracks",
  tag: 'sync',
  access: 'user',
  body: z.object({
    deviceId: uuidV7Schema,
    cursor: z.string().max(1000).optional().describe('from the previous answer; omit for everything'),
    catalogLimit: z.number().int().min(1).max(2000).default(500),
  }),
  answer: pullAnswerSchema,
  errors: ['unknown_device', 'invalid_cursor'],
});
