import { type VisionErrorCode, VisionError } from '../../core/errors';
import { checkFunctionOptions } from '../../core/callback-options';
import { GESTURE_HEADS, type GestureTrainOptions } from './gesture-types';
import { HAND_FEATURE_DIM, type HandLandmarks, handFeatures } from './hand-features';
import { shownValue } from '../../core/shown-value';
import { knownOptions, optionNames } from '../../core/known-options';

/** Every name {@link GestureTrainOptions} takes. */
export const GESTURE_TRAIN_OPTION_NAMES = optionNames<GestureTrainOptions>()(['head', 'epochs', 'batchSize', 'learningRate', 'hidden', 'k', 'seed', 'signal', 'onEpochEnd']);

/** Training options that count something: each a positive integer when options. */
const COUNT_OPTIONS = ['epochs', 'batchSize', 'hidden', 'k'] as const;

/**
 * Whether a value is a plain object (not null, not an array): what saved data and samples are.
 *
 * @example
 * ```ts
 * if (!isRecord(saved.model)) throw new VisionError('MODEL_FORMAT', 'no model');
 * ```
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks gesture training options before anything is built: `INVALID_OPTION` naming the
 * option, its value and what is allowed (names it does not take included).
 *
 * @example
 * ```ts
 * checkTrainOptions({ head: 'knn', k: 0 }); // throws: k is 0; it must be a positive integer
 * ```
 */
export function checkTrainOptions(options: unknown): asserts options is GestureTrainOptions {
  if (!isRecord(options)) throw new VisionError('INVALID_OPTION', `training options are ${shownValue(options)}; they must be an object (or left out)`);
  knownOptions(options, 'gesture training options', GESTURE_TRAIN_OPTION_NAMES);
  if (options.head !== undefined && !(GESTURE_HEADS as readonly unknown[]).includes(options.head)) {
    throw new VisionError('INVALID_OPTION', `unknown head ${shownValue(options.head)}; allowed: ${GESTURE_HEADS.map((h) => `'${h}'`).join(', ')}`);
  }
  for (const name of COUNT_OPTIONS) {
    const value = options[name];
    if (value !== undefined && !(Number.isInteger(value) && (value as number) >= 1)) throw new VisionError('INVALID_OPTION', `${name} is ${shownValue(value)}; it must be a positive integer`);
  }
  if (options.learningRate !== undefined && !(Number.isFinite(options.learningRate) && (options.learningRate as number) > 0)) {
    throw new VisionError('INVALID_OPTION', `learningRate is ${shownValue(options.learningRate)}; it must be a finite number > 0`);
  }
  if (options.seed !== undefined && !Number.isInteger(options.seed)) throw new VisionError('INVALID_OPTION', `seed is ${shownValue(options.seed)}; it must be an integer`);
  checkFunctionOptions(options, ['onEpochEnd']);
}

/**
 * Checks gesture names, one per class id: at least two distinct non-empty strings. Throws `code`
 * (`INVALID_OPTION` for training, `MODEL_FORMAT` for saved data) with `name` in the message.
 *
 * @example
 * ```ts
 * checkLabels(['fist', 'fist'], 'INVALID_OPTION'); // throws: labels list 'fist' twice
 * ```
 */
export function checkLabels(labels: unknown, code: VisionErrorCode, name = 'labels'): asserts labels is string[] {
  const allowed = 'they must list at least two gesture names (non-empty strings), one per class id';
  if (!Array.isArray(labels)) throw new VisionError(code, `${name} are ${shownValue(labels)}; ${allowed}`);
  if (labels.length < 2) throw new VisionError(code, `${name} are ${labels.length === 0 ? 'none' : `only ${shownValue(labels[0])}`}; ${allowed}`);
  const bad = Array.from(labels, (l: unknown) => typeof l === 'string' && l !== '').indexOf(false);
  if (bad >= 0) throw new VisionError(code, `${name} have ${shownValue(labels[bad])} at index ${bad}; ${allowed}`);
  const twice = labels.find((l: string, i) => labels.indexOf(l) !== i);
  if (twice !== undefined) throw new VisionError(code, `${name} list ${shownValue(twice)} twice; each gesture name must appear once`);
}

/**
 * Checks one feature row: {@link HAND_FEATURE_DIM} finite numbers (in 32-bit float range) in an
 * array or typed array. `where` names the row in the message (`row 3`).
 *
 * @example
 * ```ts
 * checkFeatureRow(new Float32Array(75).fill(NaN), 'row 0'); // throws INVALID_INPUT: row 0 has NaN at index 0
 * ```
 */
export function checkFeatureRow(row: unknown, where: string, code: VisionErrorCode = 'INVALID_INPUT'): asserts row is ArrayLike<number> {
  if (!Array.isArray(row) && !(ArrayBuffer.isView(row) && 'length' in row)) throw new VisionError(code, `${where} is ${shownValue(row)}; it must be an array of ${HAND_FEATURE_DIM} numbers`);
  const values = row as ArrayLike<unknown>;
  if (values.length !== HAND_FEATURE_DIM) throw new VisionError(code, `${where} has ${values.length} features; hand features have ${HAND_FEATURE_DIM}`);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== 'number' || !Number.isFinite(Math.fround(value))) {
      throw new VisionError(code, `${where} has ${shownValue(value)} at index ${i}; features must be finite numbers (within 32-bit float range)`);
    }
  }
}

/**
 * Checks a list argument is an array: `INVALID_INPUT` naming the call and what it needs.
 *
 * @example
 * ```ts
 * checkArray(hands, 'classifyMany needs an array of hands');
 * ```
 */
export function checkArray(value: unknown, needs: string): asserts value is readonly unknown[] {
  if (!Array.isArray(value)) throw new VisionError('INVALID_INPUT', `${needs}; got ${shownValue(value)}`);
}

/**
 * {@link handFeatures} of the hand at a position in a list: a bad hand's `INVALID_INPUT` names
 * the position (`hand 2: …`).
 *
 * @example
 * ```ts
 * const rows = hands.map((hand, i) => featuresAt(hand, `hand ${i}`));
 * ```
 */
export function featuresAt(hand: HandLandmarks, where: string): Float32Array {
  try {
    return handFeatures(hand);
  } catch (error) {
    throw error instanceof VisionError ? new VisionError(error.code, `${where}: ${error.message}`, { cause: error }) : error;
  }
}

/**
 * Checks training examples (after their labels): as many class ids as feature rows, each id
 * in range, each row valid, and at least two examples of every gesture.
 *
 * @example
 * ```ts
 * checkExamples(rows, ids, ['fist', 'victory']);
 * ```
 */
export function checkExamples(features: unknown, classIds: unknown, labels: readonly string[]): asserts features is readonly ArrayLike<number>[] {
  checkArray(features, 'the training features must be an array of feature rows');
  checkArray(classIds, 'the class ids must be an array of integers');
  if (features.length !== classIds.length) throw new VisionError('INVALID_INPUT', `${features.length} feature rows but ${classIds.length} class ids`);
  const counts = labels.map(() => 0);
  for (let i = 0; i < classIds.length; i++) {
    const id = classIds[i];
    if (!Number.isInteger(id) || (id as number) < 0 || (id as number) >= labels.length) throw new VisionError('INVALID_INPUT', `class id ${shownValue(id)} of example ${i}; allowed: 0–${labels.length - 1}`);
    checkFeatureRow(features[i], `example ${i}`);
    counts[id as number]++;
  }
  const short = labels.filter((_, id) => counts[id] < 2);
  if (short.length > 0) throw new VisionError('INVALID_INPUT', `every gesture needs at least 2 examples; too few for ${short.map((l) => `'${l}'`).join(', ')}`);
}

/**
 * Labelled hands as training examples: their feature rows, class ids and labels (the distinct
 * labels in order of first appearance). `INVALID_INPUT` names the first bad sample.
 *
 * @example
 * ```ts
 * const { features, classIds, labels } = samplesToExamples([{ hand, label: 'fist' }, …]);
 * ```
 */
export function samplesToExamples(samples: unknown): { features: Float32Array[]; classIds: number[]; labels: string[] } {
  checkArray(samples, 'train needs an array of { hand, label } samples');
  if (samples.length === 0) throw new VisionError('INVALID_INPUT', 'no samples were given; train needs { hand, label } samples of at least two gestures');
  const labels: string[] = [];
  const classIds: number[] = [];
  const features = Array.from(samples, (sample: unknown, i) => {
    if (!isRecord(sample)) throw new VisionError('INVALID_INPUT', `sample ${i} is ${shownValue(sample)}; each sample must be { hand, label }`);
    const { hand, label } = sample;
    if (typeof label !== 'string') throw new VisionError('INVALID_INPUT', `sample ${i} has label ${shownValue(label)}; a label must be a string (the gesture's name)`);
    if (!labels.includes(label)) labels.push(label);
    classIds.push(labels.indexOf(label));
    return featuresAt(hand as HandLandmarks, `sample ${i}`);
  });
  return { features, classIds, labels };
}
