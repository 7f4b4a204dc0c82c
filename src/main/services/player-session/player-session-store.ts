import { mkdirSync, readFileSync, renameSync, writeFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { playerSessionSchema, type PlayerSession } from '../../../shared/contract/player-session';

interface Log {
  warn(obj: object, msg: string): void;
}

/**
 * The player's saved queue and position in one JSON file of the data folder,
 * written whole to a temporary file then renamed, so a crash never leaves
 * half of it. A damaged or foreign file is set aside (logged) and the player
 * starts empty instead of failing.
 */
export class PlayerSessionStore {
  private current: PlayerSession | null;

  constructor(
    private readonly file: string,
    private readonly log: Log,
  ) {
    this.current = this.read();
  }

  get(): PlayerSession | null {
    return this.current ? structuredClone(this.current) : null;
  }

  save(session: PlayerSession): { saved: boolean } {
    if (session.queue.length === 0) {
      this.current = null;
      rmSync(this.file, { force: true });
      return { saved: false };
    }
    this.current = structuredClone(session);
    mkdirSync(dirname(this.file), { recursive: true });
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, JSON.stringify({ v: 1, ...session }));
    renameSync(temp, this.file);
    return { saved: true };
  }

  private read(): PlayerSession | null {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return null;
    }
    try {
      const { v, ...rest } = JSON.parse(text) as { v?: unknown };
      const parsed = playerSessionSchema.safeParse(rest);
      if (v === 1 && parsed.success) return parsed.data;
      this.log.warn(
        { file: this.file, issue: parsed.success ? `version ${String(v)}` : parsed.error.issues[0]?.message },
        'player session: saved queue not usable, starting empty',
      );
    } catch (error) {
      this.log.warn(
        { file: this.file, err: error },
        'player session: saved queue is not JSON, starting empty',
      );
    }
    renameSync(this.file, `${this.file}.bad`);
    return null;
  }
}
