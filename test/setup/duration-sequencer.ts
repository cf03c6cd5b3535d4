// Test-file order for `vitest run`: longest first, so that the two workers of a 2-core machine
// finish together instead of one waiting while the other runs a long file that started last.
// Vitest orders by the durations of the previous run (node_modules/.vite/vitest/…), which a
// fresh CI clone does not have; there it falls back to file size, which is unrelated to time.
// This sequencer takes each file's duration from that cache when it is there, else from the
// committed table test/setup/durations.json (regenerate it with
// `node scripts/test-durations.mjs` after a full `npm test`).
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Seconds assumed for a file the table does not know yet (a new file: the budget of one). */
export const UNKNOWN_FILE_SECONDS = 30;

/**
 * Reads the committed table of seconds per test file (paths relative to the repository root).
 *
 * @example
 * ```ts
 * const seconds = readDurationTable('test/setup/durations.json')['test/cli.test.ts'];
 * ```
 */
export function readDurationTable(path: string | URL): Record<string, number> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, number>;
}

/**
 * Longest-first ordering (the LPT rule for parallel workers) from the previous run's durations
 * when Vitest has them, else from the committed table; a file in neither counts as
 * {@link UNKNOWN_FILE_SECONDS}. Sharding is Vitest's own.
 *
 * @example
 * ```ts
 * export default defineConfig({ test: { sequence: { sequencer: DurationSequencer } } });
 * ```
 */
export class DurationSequencer extends BaseSequencer {
  private readonly table = readDurationTable(new URL('./durations.json', import.meta.url));

  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const seconds = (spec: TestSpecification): number => {
      const path = relative(root, spec.moduleId).split('\\').join('/');
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${path}`);
      if (cached && !cached.failed) return cached.duration / 1000;
      return this.table[path] ?? UNKNOWN_FILE_SECONDS;
    };
    const keyed = files.map((spec) => ({ spec, seconds: seconds(spec) }));
    keyed.sort((a, b) => b.seconds - a.seconds || a.spec.moduleId.localeCompare(b.spec.moduleId));
    return keyed.map(({ spec }) => spec);
  }
}
