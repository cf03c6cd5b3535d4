import { VisionError } from '../core/errors';
import { knownOptions, optionNames } from '../core/known-options';
import { shownValue } from '../core/shown-value';
import { checkObject, checkOptionalNumber } from './checks';
import { shuffle, toRandom } from './random';

/**
 * Indices of the examples used for training and for validation (or testing).
 *
 * @example
 * ```ts
 * const { train, validation } = stratifiedSplit(labels, { validationFraction: 0.2, seed: 1 });
 * ```
 */
export interface SplitIndices {
  train: number[];
  validation: number[];
}

/** Options of {@link stratifiedSplit}. @example `{ validationFraction: 0.2, seed: 1 }` */
export interface SplitOptions {
  /** Share of each class that goes to validation, 0 < f < 1 (default 0.2). */
  validationFraction?: number;
  /** Seed of the shuffle (default: unseeded). */
  seed?: number;
}

/** Every name {@link SplitOptions} has. */
const SPLIT_OPTION_NAMES = /* @__PURE__ */ optionNames<SplitOptions>()(['validationFraction', 'seed']);
/** Every name the options of {@link kFold} have. */
const K_FOLD_OPTION_NAMES = /* @__PURE__ */ optionNames<NonNullable<Parameters<typeof kFold>[2]>>()(['seed']);

/**
 * Class labels as the split functions take them: a plain array or a typed array (such as the
 * `Int32Array` that `extractImages` returns).
 *
 * @example
 * ```ts
 * const labels: ClassLabels = Int32Array.of(0, 1, 1, 0);
 * ```
 */
export type ClassLabels = readonly number[] | Int32Array | Uint8Array | Uint16Array | Uint32Array;

/** Throws `INVALID_INPUT` unless `labels` is an array or typed array. */
function checkLabelList(labels: unknown): asserts labels is ClassLabels {
  if (!Array.isArray(labels) && !(ArrayBuffer.isView(labels) && !(labels instanceof DataView))) {
    throw new VisionError('INVALID_INPUT', `labels is ${shownValue(labels)}; it must be an array (or typed array) of class indices`);
  }
}

function groupByLabel(labels: ClassLabels): Map<number, number[]> {
  checkLabelList(labels);
  const groups = new Map<number, number[]>();
  Array.from(labels as ArrayLike<unknown>).forEach((label, i) => {
    if (typeof label !== 'number' || !Number.isInteger(label) || label < 0) {
      throw new VisionError('INVALID_INPUT', `label ${shownValue(label)} at index ${i} is not a class index (a non-negative integer)`);
    }
    const group = groups.get(label) ?? [];
    group.push(i);
    groups.set(label, group);
  });
  return new Map([...groups.entries()].sort((a, b) => a[0] - b[0]));
}

/**
 * Splits examples into train and validation so that each class keeps its proportion in both
 * (every class with at least two examples gets at least one of each; a class with a single
 * example trains). Both lists are shuffled and neither is empty: labels where no class has two
 * examples are an `INVALID_INPUT`; an option name it does not take (a misspelt `validation`) is
 * an `INVALID_OPTION`.
 *
 * @example
 * ```ts
 * const { train, validation } = stratifiedSplit([0, 0, 1, 1, 1, 0], { validationFraction: 0.34, seed: 7 });
 * ```
 */
export function stratifiedSplit(labels: ClassLabels, options: SplitOptions = {}): SplitIndices {
  checkObject(options, 'split options');
  knownOptions(options, 'split options', SPLIT_OPTION_NAMES);
  checkOptionalNumber(options.seed, 'seed', 'integer');
  const fraction = options.validationFraction ?? 0.2;
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction < 1)) {
    throw new VisionError('INVALID_OPTION', `validationFraction is ${shownValue(fraction)}; it must be between 0 and 1 (exclusive)`);
  }
  const train: number[] = [];
  const validation: number[] = [];
  // one generator for every class and the final orders: no class shares another seed's stream
  const random = toRandom(options.seed);
  for (const group of groupByLabel(labels).values()) {
    const order = shuffle(group, random);
    const count = order.length < 2 ? 0 : Math.min(Math.max(Math.round(order.length * fraction), 1), order.length - 1);
    validation.push(...order.slice(0, count));
    train.push(...order.slice(count));
  }
  if (validation.length === 0) {
    throw new VisionError('INVALID_INPUT', `cannot split ${labels.length} labels: no class has two or more examples, so none is left for both training and validation`);
  }
  return { train: shuffle(train, random), validation: shuffle(validation, random) };
}

/**
 * Stratified k-fold cross-validation: every example is in exactly one validation fold, and
 * each fold holds about 1/k of every class. Returns k train/validation index pairs. Its only
 * option is `seed`: another name is an `INVALID_OPTION`.
 *
 * @example
 * ```ts
 * for (const { train, validation } of kFold(labels, 5, { seed: 1 })) {
 *   // fit on train, score on validation
 * }
 * ```
 */
export function kFold(labels: ClassLabels, k: number, options: { seed?: number } = {}): SplitIndices[] {
  checkLabelList(labels);
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 2 || k > labels.length) {
    throw new VisionError('INVALID_OPTION', `k is ${shownValue(k)}; it must be an integer from 2 to the number of examples (${labels.length})`);
  }
  checkObject(options, 'k-fold options');
  knownOptions(options, 'k-fold options', K_FOLD_OPTION_NAMES);
  checkOptionalNumber(options.seed, 'seed', 'integer');
  const folds: number[][] = Array.from({ length: k }, () => []);
  let next = 0; // deal classes round-robin so folds stay balanced in size too
  const random = toRandom(options.seed);
  for (const group of groupByLabel(labels).values()) {
    for (const index of shuffle(group, random)) {
      folds[next].push(index);
      next = (next + 1) % k;
    }
  }
  return folds.map((validation, f) => ({
    train: folds.flatMap((fold, g) => (g === f ? [] : fold)).sort((a, b) => a - b),
    validation: validation.sort((a, b) => a - b),
  }));
}
