import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { hashLeafText, MerkleTree, newSeed, signCheckpoint, toBase64 } from '../../../src/shared/tlog';

/**
 * A cheating server for the app's log check: an HTTP proxy in front of a real
 * server process that passes every request through, except — when `mode` says
 * so — the log's routes, which it answers from its own *view* of the log: the
 * real leaves with one behaviour changed, signed with the real server's log
 * key (read from the server's database, as a dishonest operator could).
 *
 * - `honest`: everything passes through.
 * - `omit`: the leaves of the plays in `omitReceipts` are left out of the log
 *   (the server settled them and does not publish them).
 * - `rewrite`: the leaf at upstream index `rewriteIndex` is changed (its time
 *   said differently): history rewritten.
 * - `forge`: the honest leaves, but checkpoints signed with another key.
 * - `log_down`: the log's routes do not answer (the connection drops).
 */
export type CheatMode = 'honest' | 'omit' | 'rewrite' | 'forge' | 'log_down';

interface View {
  texts: string[];
  tree: MerkleTree;
}

export class CheatingProxy {
  mode: CheatMode = 'honest';
  readonly omitReceipts = new Set<string>();
  rewriteIndex = 0;
  private readonly forger = newSeed();
  private server: Server | null = null;
  private origin = '';
  url = '';

  constructor(
    readonly upstream: string,
    private readonly seed: Uint8Array,
  ) {}

  /** The log key's seed of a server on SQLite, from its data folder. */
  static seedOf(serverDataDir: string): Uint8Array {
    const db = new Database(join(serverDataDir, 'resonate-server.sqlite'), {
      readonly: true,
      fileMustExist: true,
    });
    try {
      const row = db.prepare("SELECT value FROM server_secrets WHERE name = 'tlog_signing_key'").get() as {
        value: string;
      };
      return new Uint8Array(Buffer.from(row.value, 'base64url'));
    } finally {
      db.close();
    }
  }

  private async upstreamJson(path: string): Promise<{ status: number; json: any }> {
    const r = await fetch(`${this.upstream}${path}`);
    return { status: r.status, json: r.status === 200 ? await r.json() : null };
  }

  /** The real log, changed as the mode says. */
  async view(): Promise<View> {
    const latest = await fetch(`${this.upstream}/v1/log/checkpoint`).then((r) => r.text());
    const size = Number(latest.split('\n')[1]);
    const omitted = new Set<string>();
    if (this.mode === 'omit')
      for (const id of this.omitReceipts) {
        const real = await this.upstreamJson(`/v1/log/proof/inclusion?receiptId=${encodeURIComponent(id)}`);
        if (real.status === 200) omitted.add(real.json.leaf);
      }
    const texts: string[] = [];
    for (let start = 0; start < size; start += 1000) {
      const page = await this.upstreamJson(
        `/v1/log/leaves?start=${start}&end=${Math.min(size, start + 1000)}`,
      );
      for (const l of page.json.leaves as Array<{ index: number; leaf: string }>) {
        if (omitted.has(l.leaf)) continue;
        if (this.mode === 'rewrite' && l.index === this.rewriteIndex) {
          const leaf = JSON.parse(l.leaf);
          // An earlier leaf said differently after the fact.
          texts.push(l.leaf.replace(`"time":${leaf.time}`, `"time":${leaf.time + 1}`));
          continue;
        }
        texts.push(l.leaf);
      }
    }
    const tree = new MerkleTree();
    for (const t of texts) tree.append(hashLeafText(t));
    return { texts, tree };
  }

  private async answerLog(url: URL): Promise<{ status: number; body: string; type?: string } | null> {
    const v = await this.view();
    const p = url.pathname;
    const q = (name: string) => url.searchParams.get(name);
    if (p === '/v1/log/checkpoint') {
      const note = signCheckpoint(
        { origin: this.origin, size: v.tree.size, root: v.tree.root() },
        this.origin,
        this.mode === 'forge' ? this.forger : this.seed,
      );
      return { status: 200, body: note, type: 'text/plain; charset=utf-8' };
    }
    if (p === '/v1/log/proof/consistency') {
      const from = Number(q('from'));
      const to = Number(q('to'));
      if (!(from <= to && to <= v.tree.size))
        return { status: 400, body: '{"error":{"code":"invalid_input"}}' };
      return {
        status: 200,
        body: JSON.stringify({ from, to, proof: v.tree.consistencyProof(from, to).map(toBase64) }),
      };
    }
    if (p === '/v1/log/proof/inclusion') {
      const size = q('size') === null ? v.tree.size : Number(q('size'));
      let index = q('index') === null ? -1 : Number(q('index'));
      if (q('receiptId') !== null) {
        const real = await this.upstreamJson(
          `/v1/log/proof/inclusion?receiptId=${encodeURIComponent(q('receiptId')!)}`,
        );
        index = real.status === 200 ? v.texts.indexOf(real.json.leaf) : -1;
        if (index < 0) return { status: 404, body: '{"error":{"code":"not_in_log","message":"no leaf"}}' };
      }
      if (!(index >= 0 && index < size && size <= v.tree.size))
        return { status: 400, body: '{"error":{"code":"invalid_input"}}' };
      const leaf = v.texts[index]!;
      return {
        status: 200,
        body: JSON.stringify({
          index,
          size,
          leaf,
          leafHash: toBase64(hashLeafText(leaf)),
          proof: v.tree.inclusionProof(index, size).map(toBase64),
        }),
      };
    }
    return null;
  }

  async start(): Promise<string> {
    const key = await this.upstreamJson('/v1/log/key');
    this.origin = key.json.keyName;
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://proxy');
      const cheat = this.mode !== 'honest' && url.pathname.startsWith('/v1/log/');
      if (cheat && this.mode === 'log_down') return void req.socket.destroy();
      const answered = cheat ? this.answerLog(url) : Promise.resolve(null);
      answered.then(
        (a) => {
          if (a)
            return void res.writeHead(a.status, { 'content-type': a.type ?? 'application/json' }).end(a.body);
          this.pass(req, res);
        },
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
    });
    await new Promise<void>((done) => this.server!.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  private pass(req: IncomingMessage, res: ServerResponse): void {
    const upstream = httpRequest(
      new URL(req.url!, this.upstream),
      { method: req.method, headers: { ...req.headers, host: new URL(this.upstream).host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  }

  async stop(): Promise<void> {
    await new Promise<void>((done) => {
      if (!this.server) return done();
      this.server.closeAllConnections();
      this.server.close(() => done());
    });
  }
}
