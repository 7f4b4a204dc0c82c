import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the Electron main bundle', () => {
  it('emits every worker thread the main process may start as an entry of its own', () => {
    // Pools find their built worker next to the bundle as `./<name>.js`
    // (`defaultWorkerEntry(import.meta.url, '<name>')`); a worker missing from
    // electron.vite.config.ts would only fail in the packaged app.
    const config = readFileSync(join(root, 'electron.vite.config.ts'), 'utf8');
    const workers = new Set<string>();
    for (const file of [...sourceFiles(join(root, 'src/main')), ...sourceFiles(join(root, 'src/server'))]) {
      for (const match of readFileSync(file, 'utf8').matchAll(
        /defaultWorkerEntry\(import\.meta\.url, '([\w-]+)'\)/g,
      ))
        workers.add(match[1]!);
    }
    expect([...workers].sort()).toEqual(['analysis-worker', 'scan-worker', 'signature-worker']);
    for (const worker of workers) expect(config).toContain(`'${worker}': resolve(`);
    // …and `import.meta.url` of a shared chunk must be in the same folder as the entries.
    expect(config).toContain("chunkFileNames: '[name]-[hash].js'");
  });
});
