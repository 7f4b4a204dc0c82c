import { z } from 'zod';
import { serverRoute } from './define';

/** The transparency log's public routes (docs/transparency-log.md §4, §5). */
const index = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const b64 = z.string().describe('base64');
const proofShape = z.array(b64);
/** A checkpoint is a C2SP signed note. */
export const NOTE_CONTENT_TYPE = 'text/plain; charset=utf-8';
/** Every log route answers this when the server runs without a log. */
const disabled = 'log_disabled';

export const logKey = serverRoute({
  method: 'GET',
  path: '/v1/log/key',
  summary: "The transparency log's origin and public key (signed-note vkey)",
  tag: 'log',
  access: 'public',
  answer: z.object({
    origin: z.string(),
    keyName: z.string(),
    vkey: z.string(),
    publicKey: b64,
    keyId: z.string(),
  }),
  errors: [disabled],
});

export const latestCheckpoint = serverRoute({
  method: 'GET',
  path: '/v1/log/checkpoint',
  summary:
    'The latest signed checkpoint (C2SP signed note) with its witness cosignatures; covers every committed leaf',
  tag: 'log',
  access: 'public',
  produces: [NOTE_CONTENT_TYPE],
  errors: [disabled],
});

export const checkpointAt = serverRoute({
  method: 'GET',
  path: '/v1/log/checkpoint/:size',
  summary: 'The checkpoint signed at exactly this tree size, with its cosignatures',
  tag: 'log',
  access: 'public',
  params: z.object({ size: index }),
  produces: [NOTE_CONTENT_TYPE],
  errors: [disabled, 'not_found'],
});

export const inclusionProof = serverRoute({
  method: 'GET',
  path: '/v1/log/proof/inclusion',
  summary:
    "Inclusion proof of a leaf (by index, or by a play's receipt id) in the tree of a size (default: the latest checkpoint's)",
  tag: 'log',
  access: 'public',
  query: z
    .object({
      index: index.optional(),
      receiptId: z.string().min(1).max(200).optional(),
      size: index.optional(),
    })
    .refine((q) => (q.index === undefined) !== (q.receiptId === undefined), {
      message: 'give exactly one of index and receiptId',
    }),
  answer: z.object({
    index: z.number(),
    size: z.number(),
    leaf: z.string(),
    leafHash: b64,
    proof: proofShape,
  }),
  errors: [disabled, 'not_in_log', 'beyond_tree'],
});

export const consistencyProof = serverRoute({
  method: 'GET',
  path: '/v1/log/proof/consistency',
  summary: 'Consistency proof from one tree size to a later one (RFC 9162 §2.1.4)',
  tag: 'log',
  access: 'public',
  query: z.object({ from: index, to: index }),
  answer: z.object({ from: z.number(), to: z.number(), proof: proofShape }),
  errors: [disabled, 'beyond_tree'],
});

export const logLeaves = serverRoute({
  method: 'GET',
  path: '/v1/log/leaves',
  summary: 'Leaves start..end-1 (at most 1000), each as its canonical bytes and leaf hash',
  tag: 'log',
  access: 'public',
  query: z.object({ start: index, end: index }),
  answer: z.object({
    start: z.number(),
    end: z.number(),
    leaves: z.array(z.object({ index: z.number(), leaf: z.string(), leafHash: b64 })),
  }),
  errors: [disabled, 'beyond_tree'],
});

export const logTile = serverRoute({
  method: 'GET',
  path: '/v1/log/tile/*',
  summary: 'C2SP tlog-tiles: hash tiles tile/<L>/<N>[.p/<W>] and entry bundles tile/entries/<N>[.p/<W>]',
  tag: 'log',
  access: 'public',
  params: z.object({ '*': z.string().max(100) }),
  produces: ['application/octet-stream'],
  errors: [disabled, 'not_found'],
});

export const addCosignature = serverRoute({
  method: 'POST',
  path: '/v1/log/cosignatures',
  summary:
    "A witness's cosignature (C2SP tlog-cosignature v1) of a checkpoint this log signed; published with the checkpoint",
  tag: 'log',
  access: 'public',
  body: z.object({
    vkey: z.string().min(1).max(400),
    cosigned: z
      .string()
      .min(1)
      .max(64 * 1024),
  }),
  answer: z.object({ size: z.number(), witness: z.string() }),
  successStatus: 201,
  errors: [disabled, 'unknown_witness', 'unknown_checkpoint', 'bad_cosignature', 'too_many_cosignatures'],
});
