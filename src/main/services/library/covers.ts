import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { parseFile } from 'music-metadata';
import { contentTypeFor, type MediaFile } from '../media/media-router';

const FOLDER_IMAGES = ['cover', 'folder', 'front', 'album', 'albumart'];
const IMAGE_EXT: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

/**
 * Cover art, found when first asked for (never during a scan) and cached in
 * `<dataDir>/covers/<trackId>.<ext>`: the embedded picture's bytes as they
 * are (front cover preferred). Without an image library in the main process
 * we do not resize; the renderer scales with CSS. A track without an
 * embedded picture uses a `cover.jpg`/`folder.jpg`/… next to it, served in
 * place. A miss is remembered in a `.none` file holding what was looked at
 * (the track file's size and time, its folder's time): when either changed
 * (the file was re-tagged, an image was added to the folder), the marker is
 * dropped and the cover looked for again. A cached embedded picture older
 * than its track file is extracted again.
 */
export class CoverCache {
  constructor(private readonly dir: string) {}

  async coverFor(trackId: number, file: string | null): Promise<MediaFile | null> {
    const cached = this.cached(trackId);
    const looked = file ? lookedAt(file) : '';
    if (cached === 'none') {
      if (!file || this.readMarker(trackId) === looked) return null;
      this.drop(`${trackId}.none`); // the file or its folder changed since the miss
    } else if (cached) {
      if (!file || !newerThan(file, cached)) return { file: cached, contentType: contentTypeFor(cached) };
      this.drop(cached.slice(this.dir.length + 1)); // the file was re-tagged since its picture was cached
    }
    if (!file) return null;
    const found = (await this.extractEmbedded(trackId, file)) ?? findFolderImage(dirname(file));
    if (!found) {
      this.write(`${trackId}.none`, Buffer.from(looked));
      return null;
    }
    return { file: found, contentType: contentTypeFor(found) };
  }

  /** Forget a track's cover (its file changed). */
  invalidate(trackId: number): void {
    for (const name of this.namesFor(trackId)) {
      try {
        renameSync(join(this.dir, name), join(this.dir, `${name}.stale`));
      } catch {
        // already gone
      }
    }
  }

  private readMarker(trackId: number): string | null {
    try {
      return readFileSync(join(this.dir, `${trackId}.none`), 'utf8');
    } catch {
      return null;
    }
  }

  private drop(name: string): void {
    try {
      unlinkSync(join(this.dir, name));
    } catch {
      // already gone
    }
  }

  private cached(trackId: number): string | 'none' | null {
    for (const name of this.namesFor(trackId)) {
      if (name.endsWith('.none')) return 'none';
      if (!name.endsWith('.stale') && !name.endsWith('.tmp')) return join(this.dir, name);
    }
    return null;
  }

  private namesFor(trackId: number): string[] {
    const prefix = `${trackId}.`;
    try {
      return readdirSync(this.dir).filter((n) => n.startsWith(prefix));
    } catch {
      return [];
    }
  }

  private async extractEmbedded(trackId: number, file: string): Promise<string | null> {
    try {
      const meta = await parseFile(file, { duration: false, skipCovers: false, skipPostHeaders: true });
      const pictures = meta.common.picture ?? [];
      const picture = pictures.find((p) => /front/i.test(p.type ?? '')) ?? pictures[0];
      if (!picture) return null;
      const ext = IMAGE_EXT[picture.format.toLowerCase()] ?? 'jpg';
      return this.write(`${trackId}.${ext}`, Buffer.from(picture.data));
    } catch {
      return null;
    }
  }

  /** Written to a temporary name first, so a reader never sees half a picture. */
  private write(name: string, data: Buffer): string {
    mkdirSync(this.dir, { recursive: true });
    const target = join(this.dir, name);
    const temp = `${target}.${process.pid}.tmp`;
    writeFileSync(temp, data);
    renameSync(temp, target);
    return target;
  }
}

/** What a miss depended on: the track file's size and time and its folder's time (adding an image changes it). */
function lookedAt(file: string): string {
  try {
    const own = statSync(file);
    const folder = statSync(dirname(file));
    return `${own.size}:${Math.trunc(own.mtimeMs)}:${Math.trunc(folder.mtimeMs)}`;
  } catch {
    return '';
  }
}

function newerThan(file: string, cached: string): boolean {
  try {
    return statSync(file).mtimeMs > statSync(cached).mtimeMs;
  } catch {
    return false;
  }
}

function findFolderImage(dir: string): string | null {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return null;
  }
  for (const wanted of FOLDER_IMAGES) {
    const match = names.find((n) => {
      const lower = n.toLowerCase();
      return lower.startsWith(`${wanted}.`) && /\.(jpe?g|png|webp)$/.test(lower);
    });
    if (match && existsSync(join(dir, match))) return join(dir, match);
  }
  return null;
}
