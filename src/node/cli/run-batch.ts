import { basename, extname } from 'node:path';
import { VisionError } from '../../core/errors';
import type { InputFailure } from './inputs';
import { createProgress } from './progress';
import type { CliTask } from './tasks';

/**
 * One JSON entry of `--json` output: the image and its result (with `output`, the annotated
 * file, under `--out`), or the image and its error.
 *
 * @example
 * ```ts
 * const entries = JSON.parse(stdout) as JsonEntry[];
 * ```
 */
export type JsonEntry = { image: string; result: unknown; output?: string } | { image: string; error: { code: string; message: string } };

/**
 * How a batch prints: `print` for stdout lines, `printError` for stderr, and `json` for one
 * JSON array at the end instead of tables.
 *
 * @example
 * ```ts
 * const io: BatchIO = { print: console.log, printError: console.error, json: false };
 * ```
 */
export interface BatchIO {
  print: (line: string) => void;
  printError: (line: string) => void;
  json: boolean;
}

function failureOf(image: string, error: unknown): InputFailure {
  const code = error instanceof VisionError ? error.code : ((error as NodeJS.ErrnoException).code ?? 'ERROR');
  return { image, code, message: (error as Error).message ?? String(error) };
}

const describe = (f: InputFailure): string => `visionpipe: ${f.image}: ${f.message} [${f.code}]`;

/** Unique annotated-file stems: a second `x.jpg` (from another folder) becomes `x-2`. */
function stems(files: readonly string[]): string[] {
  const used = new Map<string, number>();
  return files.map((file) => {
    const stem = basename(file, extname(file));
    const n = (used.get(stem) ?? 0) + 1;
    used.set(stem, n);
    return n === 1 ? stem : `${stem}-${n}`;
  });
}

/**
 * Runs a task over every file, whatever fails: failures (including `earlier` ones from input
 * expansion) are reported on stderr and in the JSON array, and the run goes on. Returns the
 * exit code: 0 when every input worked, 1 otherwise.
 *
 * @example
 * ```ts
 * process.exitCode = await runBatch(task, files, failures, { print: console.log, printError: console.error, json: false });
 * ```
 */
export async function runBatch(task: CliTask, files: readonly string[], earlier: readonly InputFailure[], io: BatchIO): Promise<number> {
  const entries: JsonEntry[] = earlier.map((f) => ({ image: f.image, error: { code: f.code, message: f.message } }));
  const failures = [...earlier];
  const names = stems(files);
  earlier.forEach((f) => io.printError(describe(f)));
  const late: InputFailure[] = [];
  const progress = createProgress(files.length);
  for (const [i, image] of files.entries()) {
    try {
      const report = await task.run(image, names[i]);
      entries.push({ image, result: report.result, ...(report.output ? { output: report.output } : {}) });
      if (!io.json) {
        progress.beforePrint();
        report.lines.forEach((line) => io.print(line));
        if (report.output) io.print(`  → ${report.output}`);
      }
    } catch (error) {
      const failure = failureOf(image, error);
      failures.push(failure);
      late.push(failure);
      entries.push({ image, error: { code: failure.code, message: failure.message } });
      if (!progress.active) io.printError(describe(failure));
    }
    progress.tick(basename(image));
  }
  progress.stop();
  if (io.json) io.print(JSON.stringify(entries, null, 2));
  if (failures.length === 0) return 0;
  if (progress.active) late.forEach((f) => io.printError(describe(f)));
  const total = files.length + earlier.length;
  io.printError(`visionpipe: ${failures.length} of ${total} input${total === 1 ? '' : 's'} failed`);
  return 1;
}
