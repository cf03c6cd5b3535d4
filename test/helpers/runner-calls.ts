import type { ModelRunner } from '../../src/node/index';

/**
 * Counts the calls of a pipeline's runner (a detector, say) until `restore()`.
 *
 * @example
 * ```ts
 * const calls = countRunnerCalls((landmarker as unknown as { detector: ModelRunner }).detector);
 * await landmarker.runForVideo(frame, 0);
 * expect(calls.count).toBe(1);
 * calls.restore();
 * ```
 */
export function countRunnerCalls(runner: ModelRunner): { readonly count: number; reset(): void; restore(): void } {
  const run = runner.run.bind(runner);
  let count = 0;
  runner.run = (...args) => {
    count++;
    return run(...args);
  };
  return {
    get count() {
      return count;
    },
    reset: () => void (count = 0),
    restore: () => void (runner.run = run),
  };
}
