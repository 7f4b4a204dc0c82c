import { parseTilePath, TILE_WIDTH } from '../../shared/tlog/tiles';
import type { ServerContext } from '../context';
import { ApiError } from '../http/errors';
import { implement, type AnyRoute } from '../http/route';
import { tlog } from '../../shared/server-api';
import { NOTE_CONTENT_TYPE as NOTE } from '../../shared/server-api/tlog';
import type { TransparencyLog } from './log';

/** The transparency log's public routes (docs/transparency-log.md §4, §5; specs in src/shared/server-api/tlog.ts). */
export function tlogRoutes(ctx: ServerContext, log: TransparencyLog): AnyRoute[] {
  const enabled = () => {
    if (!ctx.config.transparencyLog.enabled)
      throw new ApiError(404, 'log_disabled', 'this server runs without a transparency log');
  };
  return [
    implement(tlog.logKey, {
      handler: async ({ reply }) => {
        enabled();
        void reply.header('cache-control', 'public, max-age=3600');
        return log.keyInfo();
      },
    }),
    implement(tlog.latestCheckpoint, {
      handler: async ({ reply }) => {
        enabled();
        const { note } = await log.latestCheckpoint();
        return reply.type(NOTE).header('cache-control', 'no-cache').send(note);
      },
    }),
    implement(tlog.checkpointAt, {
      handler: async ({ params, reply }) => {
        enabled();
        const note = await log.checkpointAt(params.size);
        if (!note) throw new ApiError(404, 'not_found', `no checkpoint was signed at size ${params.size}`);
        return reply.type(NOTE).header('cache-control', 'no-cache').send(note);
      },
    }),
    implement(tlog.inclusionProof, {
      handler: async ({ query, reply }) => {
        enabled();
        const i = query.index ?? (await log.indexOfReceipt(query.receiptId!));
        const answer = await log.inclusionProof(i, query.size);
        if (query.size !== undefined)
          void reply.header('cache-control', 'public, max-age=31536000, immutable');
        return answer;
      },
    }),
    implement(tlog.consistencyProof, {
      handler: async ({ query, reply }) => {
        enabled();
        const answer = await log.consistencyProof(query.from, query.to);
        void reply.header('cache-control', 'public, max-age=31536000, immutable');
        return answer;
      },
    }),
    implement(tlog.logLeaves, {
      handler: async ({ query }) => {
        enabled();
        return log.leaves(query.start, query.end);
      },
    }),
    implement(tlog.logTile, {
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
    implement(tlog.addCosignature, {
      handler: async ({ body }) => {
        enabled();
        return log.addCosignature(body.vkey, body.cosigned);
      },
    }),
  ];
}
