// Runs fuzz cases: each ends in a result or a VisionError with a known code; anything else
// (a raw error, a result with non-finite numbers, no answer within the case timeout) is a
// failure recorded with its seed. The case in progress is written to
// .cache/fuzz/<target>.current-case.txt first, so a case that kills the process (a native
// crash) can still be replayed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { type VisionErrorCode, isVisionError } from '../../src/node/index';
import { REPO_ROOT } from '../browser/server';
import type { Mutation } from './mutate';

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

const CASE_FOLDER = join(REPO_ROOT, '.cache/fuzz');

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
  mkdirSync(CASE_FOLDER, { recursive: true });
  writeFileSync(join(CASE_FOLDER, `${target}.current-case.txt`), `${target} seed ${seed}: ${mutation}\nreplay: FUZZ_SEED=${seed} npx vitest run test/fuzz -t '${target}'\n`);
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
      .map((f) => `${f.target} seed ${f.seed} [${f.mutation}]: ${f.reason}  (replay: FUZZ_SEED=${f.seed} npx vitest run test/fuzz -t '${f.target}')`)
      .join('\n');
  }
}

/** Whether the tfjs backend still computes (a bad case must not corrupt it): the error, or null. */
function backendBroken(): string | null {
  try {
    const squares = tf.tidy(() => Array.from(tf.tensor1d([1, 2, 3]).square().dataSync()));
    const zeros = tf.tidy(() => tf.zeros([96, 96, 3]).sum().dataSync()[0]);
    return squares.join() === '1,4,9' && zeros === 0 ? null : `wrong answers: ${squares.join()} / ${zeros}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Runs `count` seeded cases of `target` (see {@link seeds}), records them in `tally` and
 * expects none to fail. After each case the tfjs backend must still compute; a case that
 * breaks it is a failure and ends the target (later cases would only see the broken backend).
 *
 * @example
 * ```ts
 * await fuzzTarget(tally, 'photo-jpeg', 150, (seed) => mutateBytes(jpeg, seed), ({ bytes }) => detector.run(bytes), 10_000);
 * ```
 */
export async function fuzzTarget(
  tally: FuzzTally,
  target: string,
  count: number,
  mutate: (seed: number) => Mutation,
  work: (mutation: Mutation, seed: number) => Promise<unknown>,
  timeoutMs: number,
): Promise<void> {
  const list = seeds(count);
  console.log(`[fuzz] ${target}: seeds ${list[0]}…${list[list.length - 1]}`);
  for (const seed of list) {
    const mutation = mutate(seed);
    tally.record(target, seed, mutation.description, await runCase(target, seed, mutation.description, () => work(mutation, seed), timeoutMs));
    const broken = backendBroken();
    if (broken) {
      const reason = `this case broke the tfjs backend for everything after it (${tf.getBackend()}: ${broken}); later cases were not run`;
      tally.record(target, seed, mutation.description, { kind: 'failure', reason });
      break;
    }
  }
  console.log(`[fuzz] ${target}: ${JSON.stringify(tally.counts[target])}`);
  expect(tally.report(target), `${target}: cases that ended in neither a result nor a VisionError`).toBe('');
}
