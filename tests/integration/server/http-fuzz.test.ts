import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { generateEd25519KeyPair } from '../../../src/node/ed25519';
import { signPlayReceipt } from '../../../src/node/receipt-signing';
import type { PlayReceipt } from '../../../src/shared/receipt';
import { fcParams, FC_SEED } from '../../unit/stream2own/fc-seed';
import { postgresUnavailableReason } from './harness';
import { inProcessServer, type InProcessServer } from './in-process';
import { checkInvariants } from './ledger-invariants';

/**
 * Property-based fuzzing of every route in `/v1/openapi.json` (issue 12),
 * on SQLite and on PostgreSQL: arbitrary JSON bodies and bodies shaped
 * after each route's own schema with hostile values in it (NUL, lone
 * surrogates, huge, negative, fractional and beyond-2^53 numbers, long
 * strings, wrong types), random path parameters (real ids among them, so
 * requests get past "not found"), random query strings and headers,
 * anonymous, with a garbage token, as a listener and as an admin. Signed
 * receipts with hostile fields go to `POST /v1/receipts`.
 *
 * The property: no answer is 5xx, and afterwards every money invariant
 * holds on the database. Seeded and replayable: FC_SEED=<printed seed>
 * (FC_RUNS=<n> requests per route for a longer run; 10 by default).
 */
const pgSkipReason = await postgresUnavailableReason();
if (pgSkipReason) console.log(`[http fuzz] PostgreSQL skipped: ${pgSkipReason}`);
console.log(`[http fuzz] FC_SEED=${FC_SEED}`);

/** Runs per route: about 450 requests per store over the ~45 routes. */
const RUNS_PER_ROUTE = 10;

interface JsonSchema {
  type?: string | string[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
}
interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  queryParams: Array<{ name: string; schema: JsonSchema }>;
  body: JsonSchema | null;
}

/** Text no store may keep, and text a careless store mangles. */
const hostileString = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\uD800',
    'x\uDFFFy',
    '\uDBFF\u0000',
    '',
    ' ',
    '%00',
    '../../etc/passwd',
    "'; DROP TABLE users; --",
    '\\',
    '💿',
    'ǅ'.repeat(300),
  ),
  fc.string({ maxLength: 12, unit: 'binary' }),
  fc.string({ maxLength: 8 }).map((s) => `${s}\u0000${s}`),
  fc.string({ maxLength: 8 }).map((s) => `${s}\uD800`),
  fc.nat({ max: 70_000 }).map((n) => 'x'.repeat(n)),
);
const hostileNumber = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    1.5,
    0.1,
    1e300,
    -1e300,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    2 ** 53,
    2 ** 53 + 2,
    2 ** 63,
    -(2 ** 63),
    2 ** 31,
    2 ** 32,
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const hostileScalar = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 3, arbitrary: hostileNumber },
  fc.boolean(),
  fc.constant(null),
);
const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileScalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** The percent-encoding a hostile client sends: a lone surrogate as its WTF-8 bytes (encodeURIComponent refuses it). */
function percentEncode(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (ch.length === 1 && code >= 0xd800 && code <= 0xdfff)
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    else out += encodeURIComponent(ch);
  }
  return out;
}

function operations(doc: { paths: Record<string, Record<string, any>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const parameters = (op.parameters ?? []) as Array<{ name: string; in: string; schema: JsonSchema }>;
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: parameters
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, schema: p.schema })),
        body: op.requestBody?.content?.['application/json']?.schema ?? null,
      });
    }
  }
  return ops;
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgSkipReason !== null)(`HTTP fuzz of every route on ${kind}`, () => {
    let server: InProcessServer;
    const tokens: Record<'listener' | 'admin', string> = { listener: '', admin: '' };
    const ids: string[] = [];
    let deviceId = '';
    let deviceKeys = generateEd25519KeyPair();
    let trackId = '';
    let ops: Operation[] = [];

    beforeAll(async () => {
      server = await inProcessServer(kind);
      const admin = await server.account('admin');
      const listener = await server.account('listener');
      tokens.admin = admin.token;
      tokens.listener = listener.token;
      const call = (method: string, url: string, token: string, body?: unknown) =>
        server.call(method, url, { token, body });
      const artist = await call('POST', '/v1/admin/artists', admin.token, { name: 'Fuzzed Artist' });
      const release = await call('POST', '/v1/admin/releases', admin.token, {
        artistId: artist.body.id,
        title: 'Fuzzed Release',
        tracks: [
          { title: 'Long', durationMs: 200_000 },
          { title: 'Short', durationMs: 30_000 },
          { title: 'Free', durationMs: 90_000, status: 'free' },
        ],
      });
      trackId = release.body.trackIds[0];
      await call('POST', '/v1/admin/grants', admin.token, {
        userId: listener.userId,
        amountThousandths: 5_000,
      });
      deviceKeys = generateEd25519KeyPair();
      deviceId = uuidv7();
      expect(
        (
          await call('POST', '/v1/devices', listener.token, {
            id: deviceId,
            name: 'fuzz phone',
            publicKey: deviceKeys.publicKey,
          })
        ).status,
      ).toBe(201);
      const draft = await call('POST', '/v1/publishing/releases', admin.token, {
        artistId: artist.body.id,
        title: 'Fuzzed Draft',
      });
      const upload = await call('POST', `/v1/publishing/releases/${draft.body.id}/uploads`, admin.token, {
        fileName: 'a.wav',
        size: 44,
        sha256: 'a'.repeat(64),
      });
      ids.push(
        artist.body.id,
        release.body.releaseId,
        ...release.body.trackIds,
        deviceId,
        draft.body.id,
        upload.body.id,
        listener.userId,
        admin.userId,
      );
      ops = operations((await server.call('GET', '/v1/openapi.json')).body);
    });
    afterAll(async () => {
      await server?.close();
    });

    /**
     * A value the schema accepts (pattern, format, bounds, enum), or one of the
     * seeded ids: a request made of these gets past validation to the handler
     * and the database, where one hostile field (below) then lands.
     */
    const validFor = (schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> => {
      if (!schema || depth > 4) return fc.constant(null);
      if (schema.enum) return fc.constantFrom(...schema.enum);
      if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => validFor(s, depth + 1)));
      const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
      switch (type) {
        case 'string': {
          const known = fc.constantFrom(...ids);
          if (schema.format === 'email') return fc.emailAddress().filter((e) => e.length <= 254);
          if (schema.pattern)
            return fc.oneof(
              known,
              fc
                .stringMatching(new RegExp(schema.pattern))
                .filter((t) => t.length <= (schema.maxLength ?? 300)),
            );
          const minLength = schema.minLength ?? 0;
          return fc.oneof(
            known,
            fc.string({ minLength, maxLength: Math.min(schema.maxLength ?? 40, minLength + 40) }),
          );
        }
        case 'integer':
        case 'number': {
          const min = Math.max(schema.minimum ?? -1_000, -1e15);
          const max = Math.min(schema.maximum ?? 1e6, min + 1e7);
          return fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
        }
        case 'boolean':
          return fc.boolean();
        case 'array':
          return fc.array(validFor(schema.items, depth + 1), {
            minLength: Math.min(schema.minItems ?? 0, 3),
            maxLength: 3,
          });
        case 'object':
          return validObject(schema, depth + 1);
        default:
          return hostileJson;
      }
    };
    const validObject = (schema: JsonSchema, depth = 0): fc.Arbitrary<Record<string, unknown>> =>
      fc.record(
        Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, validFor(s, depth)])),
        {
          requiredKeys: (schema.required ?? []).filter((k) => k in (schema.properties ?? {})),
        },
      );
    /** A valid object with, most of the time, one field (or an extra key) made hostile. */
    const objectFor = (schema: JsonSchema): fc.Arbitrary<unknown> =>
      fc
        .tuple(
          validObject(schema),
          fc.option(
            fc.tuple(
              fc.constantFrom(...Object.keys(schema.properties ?? {}), 'extra\u0000key', '__proto__'),
              fc.oneof({ weight: 4, arbitrary: hostileScalar }, { weight: 1, arbitrary: hostileJson }),
            ),
            { freq: 3 },
          ),
        )
        .map(([valid, mutation]) => (mutation ? { ...valid, [mutation[0]]: mutation[1] } : valid));

    /** A receipt signed by the listener's device, with hostile fields now and then (signed as they are when the schema allows). */
    const signedReceipt = fc
      .record({
        overrides: fc.dictionary(
          fc.constantFrom(
            'v',
            'id',
            'deviceId',
            'seq',
            'trackId',
            'sessionStartedAt',
            'countedAt',
            'heardMs',
            'durationMs',
            'estimatedPriceThousandths',
            'extra',
          ),
          hostileScalar,
          { maxKeys: 2 },
        ),
        seq: fc.integer({ min: 1, max: 1_000 }),
        agoMs: fc.integer({ min: -3_600_000, max: 100 * 24 * 3_600_000 }),
        heardMs: fc.integer({ min: 0, max: 300_000 }),
        durationMs: fc.oneof(
          fc.constantFrom(30_000, 200_000, 90_000),
          fc.integer({ min: 1, max: 3_000_000 }),
        ),
        track: fc.constantFrom('real', 'unknown'),
      })
      .map(({ overrides, seq, agoMs, heardMs, durationMs, track }) => {
        const at = server.clock.nowMs() - agoMs;
        const receipt = {
          v: 1,
          id: uuidv7(),
          deviceId,
          seq,
          trackId: track === 'real' ? trackId : 'no-such-track',
          sessionStartedAt: new Date(at - heardMs - 1000).toISOString(),
          countedAt: new Date(at).toISOString(),
          heardMs,
          durationMs,
          estimatedPriceThousandths: 0,
          ...overrides,
        } as PlayReceipt;
        try {
          return signPlayReceipt(receipt, deviceKeys.privateKey);
        } catch {
          return { receipt, signature: 'A'.repeat(86) };
        }
      });

    const requestFor = (op: Operation) =>
      fc.record({
        op: fc.constant(op),
        auth: fc.constantFrom(
          'none',
          'garbage',
          'listener',
          'listener',
          'listener',
          'admin',
          'admin',
          'admin',
        ),
        params: fc.tuple(
          ...op.pathParams.map(() =>
            fc.oneof(
              { weight: 3, arbitrary: fc.constantFrom(...ids) },
              { weight: 1, arbitrary: hostileString },
            ),
          ),
        ),
        query: fc.tuple(
          objectFor({
            properties: Object.fromEntries(op.queryParams.map((q) => [q.name, q.schema])),
          }) as fc.Arbitrary<Record<string, unknown>>,
          fc.dictionary(fc.string({ maxLength: 6 }), hostileString, { maxKeys: 2 }),
        ),
        body: fc.oneof(
          {
            weight: 4,
            arbitrary:
              op.path === '/v1/receipts'
                ? fc.record(
                    {
                      deviceId: fc.constantFrom(deviceId, uuidv7()),
                      receipts: fc.array(fc.oneof(signedReceipt, hostileJson), { maxLength: 4 }),
                    },
                    { requiredKeys: [] },
                  )
                : op.body
                  ? objectFor(op.body)
                  : hostileJson,
          },
          { weight: 1, arbitrary: hostileJson.map((v) => ({ json: v })) },
          {
            weight: 1,
            arbitrary: fc
              .constantFrom(
                '{',
                '{"a":',
                '[1,2',
                'null',
                '"\\ud800"',
                '{"a":"\\u0000"}',
                '1e999',
                '{"__proto__":{"admin":true}}',
                '\u0000',
              )
              .map((raw) => ({ raw })),
          },
          { weight: 1, arbitrary: fc.constant(undefined) },
        ),
        headers: fc.dictionary(
          fc.constantFrom(
            'content-type',
            'range',
            'upload-offset',
            'accept',
            'x-forwarded-for',
            'if-none-match',
            'accept-encoding',
          ),
          fc.oneof(
            fc.constantFrom(
              'application/json',
              'text/plain',
              'application/offset+octet-stream',
              'application/json; charset=utf-16',
              'bytes=0-',
              'bytes=-1',
              'bytes=99999999999999999999-',
              '0',
              '-1',
              '1e3',
            ),
            fc.stringMatching(/^[\x20-\x7e]{0,30}$/),
          ),
          { maxKeys: 2 },
        ),
      });

    it(
      `never answers 5xx on any route, and the money invariants hold afterwards (FC_SEED=${FC_SEED})`,
      { timeout: 120_000 },
      async () => {
        expect(ops.length).toBeGreaterThan(30);
        const classes = new Map<string, number>();
        const succeeded = new Set<string>();
        // Route by route, so every route gets its share of requests.
        for (const route of ops) {
          await fc.assert(
            fc.asyncProperty(requestFor(route), async ({ op, auth, params, query, body, headers }) => {
              let url = op.path;
              op.pathParams.forEach(
                (name, i) => (url = url.replace(`{${name}}`, percentEncode(String(params[i])))),
              );
              const pairs = [...Object.entries(query[0]), ...Object.entries(query[1])].map(
                ([k, v]) =>
                  `${percentEncode(k)}=${percentEncode(typeof v === 'string' ? v : JSON.stringify(v))}`,
              );
              if (pairs.length) url += `?${pairs.join('&')}`;
              const token = auth === 'none' ? undefined : auth === 'garbage' ? 'x'.repeat(43) : tokens[auth];
              const options: Parameters<InProcessServer['call']>[2] = { token, headers };
              if (body !== undefined && typeof body === 'object' && body !== null && 'raw' in body)
                options.rawBody = String((body as { raw: string }).raw);
              else if (body !== undefined && typeof body === 'object' && body !== null && 'json' in body)
                options.body = (body as { json: unknown }).json;
              else if (body !== undefined) options.body = body;
              if (op.method === 'GET' || op.method === 'HEAD') {
                delete options.body;
                delete options.rawBody;
              }
              const answer = await server.call(op.method, url, options);
              const cls = `${String(answer.status)[0]}xx`;
              classes.set(cls, (classes.get(cls) ?? 0) + 1);
              if (answer.status < 300) succeeded.add(`${op.method} ${op.path}`);
              if (answer.status >= 500)
                throw new Error(
                  `${op.method} ${url} (${auth}) answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`,
                );
              // Signing out must not end the fuzz's own sessions for the rest of the run.
              if (
                op.path === '/v1/auth/sign-out' &&
                (auth === 'listener' || auth === 'admin') &&
                answer.status < 300
              ) {
                const again = await server.account(auth);
                tokens[auth] = again.token;
              }
            }),
            fcParams(RUNS_PER_ROUTE),
          );
        }
        console.log(
          `[http fuzz] ${kind}: ${[...classes.values()].reduce((a, b) => a + b, 0)} requests, ${JSON.stringify(Object.fromEntries(classes))}; ${succeeded.size} of ${ops.length} routes answered 2xx at least once`,
        );
        expect(await checkInvariants(server.store), `FC_SEED=${FC_SEED}`).toEqual([]);
        // The server still serves a plain request.
        expect((await server.call('GET', '/v1/wallet', { token: tokens.listener })).status).toBe(200);
      },
    );
  });
}
