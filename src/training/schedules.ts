/**
 * Learning-rate schedules. Each checks its settings when it is made: `INVALID_OPTION` for a
 * setting out of range or a name it does not take (a misspelt `decay_steps`).
 */
import { VisionError } from '../core/errors';
import { knownOptions, optionNames } from '../core/known-options';
import { checkNumber, checkObject } from './checks';

/**
 * A learning-rate schedule: the rate to use at a 0-based optimisation step.
 *
 * @example
 * ```ts
 * const schedule: LearningRateSchedule = (step) => 0.01 * 0.95 ** step;
 * ```
 */
export type LearningRateSchedule = (step: number) => number;

/**
 * Step decay: `initial · factor^floor(step / every)`.
 *
 * @example
 * ```ts
 * const lr = stepDecay(0.1, { every: 100, factor: 0.5 }); // lr(250) = 0.025
 * ```
 */
export function stepDecay(initial: number, options: { every: number; factor: number }): LearningRateSchedule {
  checkNumber(initial, 'initial', 'positive');
  checkObject(options, 'stepDecay options');
  knownOptions(options, 'stepDecay options', optionNames<Parameters<typeof stepDecay>[1]>()(['every', 'factor']));
  checkNumber(options.every, 'every', 'positive');
  checkNumber(options.factor, 'factor', 'positive');
  const { every, factor } = options; // read once: changing the object later changes nothing
  return (step) => initial * factor ** Math.floor(step / every);
}

/**
 * Exponential decay: `initial · rate^(step / decaySteps)` (continuous).
 *
 * @example
 * ```ts
 * const lr = exponentialDecay(0.1, { rate: 0.5, decaySteps: 100 }); // lr(100) = 0.05
 * ```
 */
export function exponentialDecay(initial: number, options: { rate: number; decaySteps: number }): LearningRateSchedule {
  checkNumber(initial, 'initial', 'positive');
  checkObject(options, 'exponentialDecay options');
  knownOptions(options, 'exponentialDecay options', optionNames<Parameters<typeof exponentialDecay>[1]>()(['rate', 'decaySteps']));
  checkNumber(options.decaySteps, 'decaySteps', 'positive');
  checkNumber(options.rate, 'rate', 'positive');
  const { rate, decaySteps } = options;
  return (step) => initial * rate ** (step / decaySteps);
}

/**
 * Cosine annealing from `initial` to `minimum` (default 0) over `totalSteps`, then `minimum`.
 *
 * @example
 * ```ts
 * const lr = cosineDecay(0.1, { totalSteps: 1000 }); // lr(500) = 0.05
 * ```
 */
export function cosineDecay(initial: number, options: { totalSteps: number; minimum?: number }): LearningRateSchedule {
  checkNumber(initial, 'initial', 'positive');
  checkObject(options, 'cosineDecay options');
  knownOptions(options, 'cosineDecay options', optionNames<Parameters<typeof cosineDecay>[1]>()(['totalSteps', 'minimum']));
  checkNumber(options.totalSteps, 'totalSteps', 'positive');
  const min = options.minimum ?? 0;
  checkNumber(min, 'minimum', 'non-negative');
  if (min > initial) throw new VisionError('INVALID_OPTION', `minimum is ${min}; it must not exceed initial (${initial})`);
  const { totalSteps } = options;
  return (step) => {
    const t = Math.min(step, totalSteps) / totalSteps;
    return min + 0.5 * (initial - min) * (1 + Math.cos(Math.PI * t));
  };
}

/**
 * Linear warm-up: ramps linearly from `peak/warmupSteps` (step 0) to `peak` over
 * `warmupSteps`, then follows `after` (a constant or a schedule, whose step count starts at
 * the end of warm-up).
 *
 * @example
 * ```ts
 * const lr = linearWarmup(0.01, { warmupSteps: 100, after: cosineDecay(0.01, { totalSteps: 900 }) });
 * ```
 */
export function linearWarmup(peak: number, options: { warmupSteps: number; after?: LearningRateSchedule }): LearningRateSchedule {
  checkNumber(peak, 'peak', 'positive');
  checkObject(options, 'linearWarmup options');
  knownOptions(options, 'linearWarmup options', optionNames<Parameters<typeof linearWarmup>[1]>()(['warmupSteps', 'after']));
  checkNumber(options.warmupSteps, 'warmupSteps', 'positive integer');
  if (options.after !== undefined && typeof options.after !== 'function') throw new VisionError('INVALID_OPTION', 'after must be a learning-rate schedule (a function of the step)');
  const { warmupSteps, after } = options;
  return (step) => {
    if (step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
    return after ? after(step - warmupSteps) : peak;
  };
}
