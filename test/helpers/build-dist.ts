import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The newest modification time of any file below `dir`. */
export function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Builds dist/ with rollup when `output` (default dist/index.js) is missing or older than src/
 * or the rollup config, so a test file also works when run on its own (`npm test` builds first).
 */
export function ensureDistBuilt(output = join(ROOT, 'dist', 'index.js')): void {
  const inputs = Math.max(newestMtime(join(ROOT, 'src')), statSync(join(ROOT, 'rollup.config.mjs')).mtimeMs);
  if (existsSync(output) && statSync(output).mtimeMs >= inputs) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'rollup', 'dist', 'bin', 'rollup'), '-c', '--silent'], { cwd: ROOT, stdio: 'pipe', timeout: 300_000 });
}
