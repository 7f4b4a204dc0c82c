import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  formatVkey,
  leafHash,
  MerkleTree,
  publicKeyOf,
  SIG_ED25519,
  signCheckpoint,
  toBase64,
  utf8Bytes,
} from '../../../src/shared/tlog';

/**
 * A test double of the log's HTTP surface that a test can make cheat: it
 * serves checkpoints, consistency proofs and accepts cosignatures from
 * whichever tree `view` names, signed with one log key. An honest log has one
 * tree; a cheating one shows another tree (a split view, a rewritten
 * history) or signs with another key.
 */
export class CheatingLog {
  readonly origin = 'cheat.test/resonate-log';
  readonly seed = Uint8Array.from({ length: 32 }, (_, i) => 200 - i);
  readonly vkey = formatVkey(this.origin, SIG_ED25519, publicKeyOf(this.seed));
  readonly trees = new Map<string, MerkleTree>();
  view = 'honest';
  /** When set, checkpoints are signed with this seed instead (a forged signature). */
  forgerSeed: Uint8Array | null = null;
  /** Show this size of the current view instead of its full size (a rollback). */
  shownSize: number | null = null;
  readonly cosignatures: string[] = [];
  private server: Server | null = null;
  url = '';

  tree(name = this.view): MerkleTree {
    let t = this.trees.get(name);
    if (!t) this.trees.set(name, (t = new MerkleTree()));
    return t;
  }

  add(texts: string[], name = this.view): void {
    for (const text of texts) this.tree(name).append(leafHash(utf8Bytes(text)));
  }

  checkpoint(): string {
    const t = this.tree();
    const size = this.shownSize ?? t.size;
    return signCheckpoint(
      { origin: this.origin, size, root: t.root(size) },
      this.origin,
      this.forgerSeed ?? this.seed,
    );
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const send = (status: number, body: string, type = 'application/json') => {
        res.writeHead(status, { 'content-type': type });
        res.end(body);
      };
      if (url.pathname === '/v1/log/key') return send(200, JSON.stringify({ vkey: this.vkey }));
      if (url.pathname === '/v1/log/checkpoint')
        return send(200, this.checkpoint(), 'text/plain; charset=utf-8');
      if (url.pathname === '/v1/log/proof/consistency') {
        const from = Number(url.searchParams.get('from'));
        const to = Number(url.searchParams.get('to'));
        return send(
          200,
          JSON.stringify({ from, to, proof: this.tree().consistencyProof(from, to).map(toBase64) }),
        );
      }
      if (url.pathname === '/v1/log/cosignatures' && req.method === 'POST') {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          this.cosignatures.push((JSON.parse(body) as { cosigned: string }).cosigned);
          send(201, JSON.stringify({ ok: true }));
        });
        return;
      }
      send(404, '{}');
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
