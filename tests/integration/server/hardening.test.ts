import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { generateEd25519KeyPair } from '../../../src/node/ed25519';
import { postgresUnavailableReason } from './harness';
import { inProcessServer, type InProcessServer } from './in-process';

/**
 * Issue 12, HTTP side: what reached a 500 (or behaved differently on the
 * two stores) now answers a 4xx that says why, and nothing is stored.
 * Each case is run on SQLite and on PostgreSQL; the NUL cases failed with
 * 500 on PostgreSQL before the input guard (src/server/http/input-guard.ts).
 */
const pgSkipReason = await postgresUnavailableReason();
if (pgSkipReason) console.log(`[hardening] PostgreSQL cases skipped: ${pgSkipReason}`);

const NUL = 'a\u0000b';
const LONE_HIGH = 'a\uD800b';
const LONE_LOW = 'a\uDC00b';
/**
 * Percent-encodes like encodeURIComponent, but a lone surrogate (which
 * encodeURIComponent refuses) as its three WTF-8 bytes, as a hostile client may send it.
 */
function percentEncode(text: string): string {
  return [...text]
    .map((ch) => {
      const code = ch.charCodeAt(0);
      if (ch.length === 1 && code >= 0xd800 && code <= 0xdfff)
        return `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
      return encodeURIComponent(ch);
    })
    .join('');
}
const cursorOf = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgSkipReason !== null)(`server input hardening on ${kind}`, () => {
    let server: InProcessServer;
    let admin: { token: string; userId: string };
    let listener: { token: string; userId: string };
    let deviceId: string;
    let artistId: string;
    let trackId: string;
    let draftId: string;

    beforeAll(async () => {
      server = await inProcessServer(kind);
      admin = await server.account('admin');
      listener = await server.account('listener');
      const artist = await server.call('POST', '/v1/admin/artists', {
        token: admin.token,
        body: { name: `Artist ${uuidv7()}` },
      });
      artistId = artist.body.id;
      const release = await server.call('POST', '/v1/admin/releases', {
        token: admin.token,
        body: { artistId, title: 'Release', tracks: [{ title: 'One', durationMs: 200_000 }] },
      });
      trackId = release.body.trackIds[0];
      deviceId = uuidv7();
      const device = await server.call('POST', '/v1/devices', {
        token: listener.token,
        body: { id: deviceId, name: 'phone', publicKey: generateEd25519KeyPair().publicKey },
      });
      expect(device.status).toBe(201);
      const draft = await server.call('POST', '/v1/publishing/releases', {
        token: admin.token,
        body: { artistId, title: 'Draft' },
      });
      draftId = draft.body.id;
    });
    afterAll(async () => {
      await server?.close();
    });

    /** The routes the outside attack run found answering 500 on PostgreSQL for a NUL, as a function of the bad text. */
    const cases = (text: string): Array<[string, string, string, unknown, 'admin' | 'listener']> => [
      [
        'device name',
        'POST',
        '/v1/devices',
        { id: uuidv7(), name: text, publicKey: generateEd25519KeyPair().publicKey },
        'listener',
      ],
      ['catalog search', 'GET', `/v1/catalog/tracks?q=${percentEncode(text)}`, undefined, 'listener'],
      [
        'catalog paging cursor',
        'GET',
        `/v1/catalog/tracks?after=${percentEncode(text)}`,
        undefined,
        'listener',
      ],
      [
        'artists paging cursor',
        'GET',
        `/v1/catalog/artists?after=${percentEncode(text)}`,
        undefined,
        'listener',
      ],
      ['sync cursor', 'POST', '/v1/sync', { deviceId, cursor: text }, 'listener'],
      [
        'purchase request id',
        'POST',
        `/v1/tracks/${trackId}/buy`,
        { requestId: `request-${text}` },
        'listener',
      ],
      ['admin artist name', 'POST', '/v1/admin/artists', { name: text }, 'admin'],
      [
        'grant note',
        'POST',
        '/v1/admin/grants',
        { userId: listener.userId, amountThousandths: 5, note: text },
        'admin',
      ],
      [
        'admin release title',
        'POST',
        '/v1/admin/releases',
        { artistId, title: text, tracks: [{ title: 'x', durationMs: 1000 }] },
        'admin',
      ],
      ['publishing release title', 'POST', '/v1/publishing/releases', { artistId, title: text }, 'admin'],
      [
        'upload file name',
        'POST',
        `/v1/publishing/releases/${draftId}/uploads`,
        { fileName: `${text}.wav`, size: 10, sha256: 'a'.repeat(64) },
        'admin',
      ],
      ['a key of the body', 'POST', '/v1/admin/artists', { name: 'fine', [text]: 1 }, 'admin'],
      ['a path parameter', 'GET', `/v1/catalog/tracks/${percentEncode(text)}`, undefined, 'listener'],
    ];

    for (const [label, text] of [
      ['NUL', NUL],
      ['lone high surrogate', LONE_HIGH],
      ['lone low surrogate', LONE_LOW],
    ] as const) {
      it(`answers 400 invalid_text for a ${label} on every route that stores or looks up text, and stores nothing`, async () => {
        const before = await counts(server);
        const failures: string[] = [];
        for (const [name, method, url, body, who] of cases(text)) {
          const answer = await server.call(method, url, {
            token: who === 'admin' ? admin.token : listener.token,
            body,
          });
          // A lone surrogate cannot reach the server through a URL: its bytes are not UTF-8 and arrive
          // decoded as U+FFFD, which is fine text (a search for it finds nothing). There: no 5xx.
          const inUrl = body === undefined;
          const ok =
            inUrl && text !== NUL
              ? answer.status < 500
              : answer.status === 400 && answer.body.error?.code === 'invalid_text';
          if (!ok) failures.push(`${name}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
        }
        expect(failures).toEqual([]);
        expect(await counts(server)).toEqual(before);
      });
    }

    it('refuses a NUL hidden inside the base64 sync cursor, and counters beyond 2^53, as invalid_cursor', async () => {
      for (const cursor of [
        cursorOf({ p: 0, cv: 0, ci: NUL }),
        cursorOf({ p: 1e300, cv: 0, ci: '' }),
        cursorOf({ p: 0, cv: 2 ** 60, ci: '' }),
      ]) {
        const answer = await server.call('POST', '/v1/sync', {
          token: listener.token,
          body: { deviceId, cursor },
        });
        expect(answer.status, cursor).toBe(400);
        expect(answer.body.error.code).toBe('invalid_cursor');
      }
    });

    it('answers 400 for numbers out of bounds in queries and bodies (huge, fractional, beyond 2^53)', async () => {
      const bad: Array<[string, string, unknown?]> = [
        ['GET', '/v1/ledger?before=1e300'],
        ['GET', '/v1/ledger?before=9007199254740993'],
        ['GET', '/v1/ledger?limit=1.5'],
        ['GET', `/v1/artists/${artistId}/earnings?to=1e300`],
        ['GET', `/v1/artists/${artistId}/earnings?from=-1`],
        ['GET', '/v1/membership?year=1e300'],
        ['POST', '/v1/sync', { deviceId, catalogLimit: 1e300 }],
        [
          'POST',
          `/v1/publishing/releases/${draftId}/uploads`,
          { fileName: 'a.wav', size: 1e300, sha256: 'a'.repeat(64) },
        ],
        ['POST', '/v1/admin/grants', { userId: listener.userId, amountThousandths: 0.5 }],
        ['POST', '/v1/admin/voucher-batches', { valueThousandths: 1, count: 10_001 }],
      ];
      for (const [method, url, body] of bad) {
        const answer = await server.call(method, url, { token: admin.token, body });
        expect(answer.status, `${method} ${url}`).toBe(400);
      }
    });

    it(
      'creates the documented maximum voucher batch of 10,000 codes, each redeemable once',
      { timeout: 60_000 },
      async () => {
        const answer = await server.call('POST', '/v1/admin/voucher-batches', {
          token: admin.token,
          body: { valueThousandths: 3, count: 10_000 },
        });
        expect(answer.status).toBe(201);
        const codes: string[] = answer.body.codes;
        expect(codes).toHaveLength(10_000);
        expect(new Set(codes).size).toBe(10_000);
        const last = await server.call('POST', '/v1/vouchers/redeem', {
          token: listener.token,
          body: { code: codes.at(-1) },
        });
        expect(last.status).toBe(200);
        expect(last.body.creditedThousandths).toBe(3);
        expect(
          (
            await server.call('POST', '/v1/vouchers/redeem', {
              token: listener.token,
              body: { code: codes.at(-1) },
            })
          ).status,
        ).toBe(409);
      },
    );
  });
}

/** Rows of the tables the cases above would write to. */
async function counts(server: InProcessServer): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['devices', 'artists', 'releases', 'uploads', 'transfers', 'ledger_entries'] as const) {
    const row = await server.built.ctx.store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    out[table] = Number(row.n);
  }
  return out;
}
