// Runs fuzz cases: each ends in a result or a VisionError with a known code; anything else
// (a raw error, a result with non-finite numbers, no answer within the case timeout) is a
// failure recorded with its seed. The case in progress is written to a file first, so a case
// that kills the process (a native crash) can still be replayed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type VisionErrorCode, isVisionError } from '../../src/node/index';
import { REPO_ROOT } from '../browser/server';

/** Every code a VisionError may carry (a type error here when the union grows). */
const KNOWN_CODES: Readonly<Record<VisionErrorCode, true>> = {
  INVALID_INPUT: true, INVALID_OPTION: true, MODEL_LOAD_FAILED: true, MODEL_FORMAT: true, BACKEND_UNAVAILABLE: true, INFERENCE_FAILED: true, ABORTED: true,
  DISPOSED: true, PERMISSION_DENIED: true, DEVICE_NOT_FOUND: true, CONSTRAINTS_NOT_SATISFIED: true, DEVICE_LOST: true, WORKER_FAILED: true, TIMEOUT: true,
};

/** How one case ended. */
export type Outcome = { kind: 'result' } | { kind: 'vision-error'; code: VisionErrorCode } | { kind: 'failure'; reason: string };

/** A failed case, with what it takes to replay it. */
export interface FuzzFailure {
  target: string;
  seed: number;
  mutation: string;
  reason: string;
}

const CASE_FILE = join(REPO_ROOT, '.cache/fuzz/current-case.txt');

/**
 * The seeds to run for a target: `count` seeds from FUZZ_START (default 1), or only FUZZ_SEED
 * when it is set (replaying one case of every target).
 */
export function seeds(count: number): number[] {
  const only = process.env.FUZZ_SEED;
  if (only !== undefined) return [Number(only)];
  const start = Number(process.env.FUZZ_START ?? 1);
  return Array.from({ length: count }, (_, i) => start + i);
}

/** Numbers in a result that must be finite (boxes, scores, keypoints): the first bad path, or null. */
function nonFinite(value: unknown, path = 'result', seen = new Set<unknown>()): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : `${path} = ${value}`;
  if (value === null || typeof value !== 'object' || seen.has(value) || ArrayBuffer.isView(value)) return null;
  seen.add(value);
  for (const [key, item] of Object.entries(value)) {
    if (key === 'timing') continue;
    const bad = nonFinite(item, `${path}.${key}`, seen);
    if (bad) return bad;
  }
  return null;
}

function firstFrame(error: Error): string {
  const frame = (error.stack ?? '').split('\n').find((line) => /^\s+at /.test(line) && !line.includes('node:internal'));
  return frame ? frame.trim() : 'no stack';
}

/**
 * Runs one case with a timeout and classifies how it ended.
 *
 * @example
 * ```ts
 * const outcome = await runCase('jpeg', 17, 'flipped bits at 3', () => detector.run(bytes), 10_000);
 * ```
 */
export async function runCase(target: string, seed: number, mutation: string, work: () => Promise<unknown>, timeoutMs: number): Promise<Outcome> {
  mkdirSync(join(REPO_ROOT, '.cache/fuzz'), { recursive: true });
  writeFileSync(CASE_FILE, `${target} seed ${seed}: ${mutation}\nreplay: FUZZ_SEED=${seed} npx vitest run test/fuzz/fuzz.test.ts -t '${target}'\n`);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'failure', reason: `no answer within ${timeoutMs} ms (hang)` }), timeoutMs);
  });
  const settled = (async (): Promise<Outcome> => {
    try {
      const result = await work();
      const bad = nonFinite(result);
      return bad ? { kind: 'failure', reason: `result with a non-finite number: ${bad}` } : { kind: 'result' };
    } catch (error) {
      if (isVisionError(error)) {
        return Object.hasOwn(KNOWN_CODES, error.code) ? { kind: 'vision-error', code: error.code } : { kind: 'failure', reason: `VisionError with unknown code ${String(error.code)}` };
      }
      const raw = error instanceof Error ? error : new Error(String(error));
      return { kind: 'failure', reason: `raw ${raw.name}: ${raw.message.split('\n')[0].slice(0, 200)} (${firstFrame(raw)})` };
    }
  })();
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Tallies outcomes per target and collects the failures. */
export class FuzzTally {
  readonly failures: FuzzFailure[] = [];
  readonly counts: Record<string, Record<string, number>> = {};

  record(target: string, seed: number, mutation: string, outcome: Outcome): void {
    const key = outcome.kind === 'vision-error' ? outcome.code : outcome.kind;
    const counts = (this.counts[target] ??= {});
    counts[key] = (counts[key] ?? 0) + 1;
    if (outcome.kind === 'failure') this.failures.push({ target, seed, mutation, reason: outcome.reason });
  }

  /** The failures of `target`, one line each, with the command that replays them. */
  report(target: string): string {
    return this.failures
      .filter((f) => f.target === target)
      .map((f) => `${f.target} seed ${f.seed} [${f.mutation}]: ${f.reason}  (replay: FUZZ_SEED=${f.seed} npx vitest run test/fuzz/fuzz.test.ts -t '${f.target}')`)
      .join('\n');
  }
}
