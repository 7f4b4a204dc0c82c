import { z } from 'zod';
import { parseTilePath, TILE_WIDTH } from '../../shared/tlog/tiles';
import type { ServerContext } from '../context';
import { ApiError } from '../http/errors';
import { route, type AnyRoute } from '../http/route';
import type { TransparencyLog } from './log';

/** The transparency log's public routes (docs/transparency-log.md §4, §5). */
const index = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const b64 = z.string().describe('base64');
const proofShape = z.array(b64);
const NOTE = 'text/plain; charset=utf-8';

export function tlogRoutes(ctx: ServerContext, log: TransparencyLog): AnyRoute[] {
  const enabled = () => {
    if (!ctx.config.transparencyLog.enabled)
      throw new ApiError(404, 'log_disabled', 'this server runs without a transparency log');
  };
  return [
    route({
      method: 'GET',
      url: '/v1/log/key',
      summary: "The transparency log's origin and public key (signed-note vkey)",
      tag: 'log',
      access: 'public',
      response: z.object({
        origin: z.string(),
        keyName: z.string(),
        vkey: z.string(),
        publicKey: b64,
        keyId: z.string(),
      }),
      handler: async ({ reply }) => {
        enabled();
        void reply.header('cache-control', 'public, max-age=3600');
        return log.keyInfo();
      },
    }),
    route({
      method: 'GET',
      url: '/v1/log/checkpoint',
      summary:
        'The latest signed checkpoint (C2SP signed note) with its witness cosignatures; covers every committed leaf',
      tag: 'log',
      access: 'public',
      produces: [NOTE],
      handler: async ({ reply }) => {
        enabled();
        const { note } = await log.latestCheckpoint();
        return reply.type(NOTE).header('cache-control', 'no-cache').send(note);
      },
    }),
    route({
      method: 'GET',
      url: '/v1/log/checkpoint/:size',
      summary: 'The checkpoint signed at exactly this tree size, with its cosignatures',
      tag: 'log',
      access: 'public',
      params: z.object({ size: index }),
      produces: [NOTE],
      handler: async ({ params, reply }) => {
        enabled();
        const note = await log.checkpointAt(params.size);
        if (!note) throw new ApiError(404, 'not_found', `no checkpoint was signed at size ${params.size}`);
        return reply.type(NOTE).header('cache-control', 'no-cache').send(note);
      },
    }),
    route({
      method: 'GET',
      url: '/v1/log/proof/inclusion',
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
      response: z.object({
        index: z.number(),
        size: z.number(),
        leaf: z.string(),
        leafHash: b64,
        proof: proofShape,
      }),
      handler: async ({ query, reply }) => {
        enabled();
        const i = query.index ?? (await log.indexOfReceipt(query.receiptId!));
        const answer = await log.inclusionProof(i, query.size);
        if (query.size !== undefined)
          void reply.header('cache-control', 'public, max-age=31536000, immutable');
        return answer;
      },
    }),
    route({
      method: 'GET',
      url: '/v1/log/proof/consistency',
      summary: 'Consistency proof from one tree size to a later one (RFC 9162 §2.1.4)',
      tag: 'log',
      access: 'public',
      query: z.object({ from: index, to: index }),
      response: z.object({ from: z.number(), to: z.number(), proof: proofShape }),
      handler: async ({ query, reply }) => {
        enabled();
        const answer = await log.consistencyProof(query.from, query.to);
        void reply.header('cache-control', 'public, max-age=31536000, immutable');
        return answer;
      },
    }),
    route({
      method: 'GET',
      url: '/v1/log/leaves',
      summary: 'Leaves start..end-1 (at most 1000), each as its canonical bytes and leaf hash',
      tag: 'log',
      access: 'public',
      query: z.object({ start: index, end: index }),
      response: z.object({
        start: z.number(),
        end: z.number(),
        leaves: z.array(z.object({ index: z.number(), leaf: z.string(), leafHash: b64 })),
      }),
      handler: async ({ query }) => {
        enabled();
        return log.leaves(query.start, query.end);
      },
    }),
    route({
      method: 'GET',
      url: '/v1/log/tile/*',
      summary: 'C2SP tlog-tiles: hash tiles tile/<L>/<N>[.p/<W>] and entry bundles tile/entries/<N>[.p/<W>]',
      tag: 'log',
      access: 'public',
      params: z.object({ '*': z.string().max(100) }),
      produces: ['application/octet-stream'],
      handler: async ({ params, reply }) => {
        enabled();
        const parsed = parseTilePath(params['*']);
        if (!parsed || (parsed.level !== 'entries' && parsed.level > 6))
          throw new ApiError(404, 'not_found', 'not a tile path');
        const bytes = await log.tile(parsed.level, parsed.index, parsed.width);
        if (!bytes) throw new ApiError(404, 'not_found', 'the tree has no such tile yet');
        const cache =
          parsed.width === TILE_WIDTH ? 'public, max-age=31536000, immutable' : 'public, max-age=60';
        return reply
          .type('application/octet-stream')
          .header('cache-control', cache)
          .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      },
    }),
    route({
      method: 'POST',
      url: '/v1/log/cosignatures',
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
      response: z.object({ size: z.number(), witness: z.string() }),
      successStatus: 201,
      handler: async ({ body }) => {
        enabled();
        return log.addCosignature(body.vkey, body.cosigned);
      },
    }),
  ];
}
