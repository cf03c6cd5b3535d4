/**
 * One maker per generated cache file across Vitest's worker processes: two test files that
 * need the same expensive file (a trained model in `.cache/`) may run at the same time on the
 * two workers; the first takes `<file>.lock` and makes it, the other waits for the file instead
 * of making it a second time. A lock whose process is gone is taken over.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Calls `make` (which must create `file`) unless `file` exists or another process is making
 * it, in which case it waits for that. Returns true when this process made it.
 *
 * @example
 * ```ts
 * const madeHere = await makeOnce('.cache/models/a.bin', async () => save(await train(), '.cache/models/a'));
 * ```
 */
export async function makeOnce(file: string, make: () => Promise<void>, timeoutMs = 20 * 60_000): Promise<boolean> {
  const lock = `${file}.lock`;
  const deadline = Date.now() + timeoutMs;
  mkdirSync(dirname(file), { recursive: true }); // a fresh clone has no cache folder yet
  for (;;) {
    if (existsSync(file)) return false;
    try {
      mkdirSync(lock);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(existsSync(`${lock}/pid`) ? readFileSync(`${lock}/pid`, 'utf8') : Number.NaN);
      if (Number.isInteger(owner) && !alive(owner)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`${file}: still being made by process ${owner} after ${timeoutMs / 1000} s (remove ${lock} if no test runs)`);
      else await new Promise((resolve) => setTimeout(resolve, 1000));
      continue;
    }
    try {
      writeFileSync(`${lock}/pid`, String(process.pid));
      if (existsSync(file)) return false;
      await make();
      if (!existsSync(file)) throw new Error(`makeOnce: making ${file} did not create it`);
      return true;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
