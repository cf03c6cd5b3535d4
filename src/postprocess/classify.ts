import { VisionError } from '../core/errors';
import type { Classification } from '../core/types';
import { optionNames } from '../core/known-options';
import { sigmoid, softmax, topK } from './activations';
import { checkOptionNames } from './validate';

/**
 * How a classifier's output becomes class scores: `probabilities` (already softmaxed),
 * `logits` (softmax applied; a single logit — a binary classifier — gets the sigmoid, as
 * transformers' pipeline does: a softmax of one value is always 1), `multilabel` (independent
 * sigmoid per class).
 *
 * @example
 * ```ts
 * const family: ClassifierOutput = 'logits';
 * ```
 */
export type ClassifierOutput = 'probabilities' | 'logits' | 'multilabel';

/**
 * Options of {@link decodeClassification}.
 *
 * @example
 * ```ts
 * const options: ClassificationDecodeOptions = { output: 'logits', labels: ['cat', 'dog'], topK: 1 };
 * ```
 */
export interface ClassificationDecodeOptions {
  output: ClassifierOutput;
  labels: readonly string[];
  /** How many classes to return (default 5, at most the number of classes). */
  topK?: number;
  /** Drop classes scoring below this (default 0). */
  threshold?: number;
}

/**
 * Class probabilities of logits: softmax, or the sigmoid of a single logit (a binary
 * classifier, as transformers' image-classification pipeline treats `num_labels == 1`).
 *
 * @example
 * ```ts
 * logitProbabilities([2]); // Float32Array [0.881]
 * ```
 */
export function logitProbabilities(values: ArrayLike<number>): Float32Array {
  return values.length === 1 ? sigmoid(values) : softmax(values);
}

const DECODE_OPTION_NAMES = /* @__PURE__ */ optionNames<ClassificationDecodeOptions>()(['output', 'labels', 'topK', 'threshold']);

/**
 * Turns one image's classifier output into the top-k `{ label, classId, score }`, highest
 * score first. Classes beyond the labels list are named `class <id>`.
 *
 * @example
 * ```ts
 * decodeClassification(new Float32Array([0.1, 2.3]), { output: 'logits', labels: ['cat', 'dog'] });
 * // [{ label: 'dog', classId: 1, score: 0.9 }, { label: 'cat', classId: 0, score: 0.1 }]
 * ```
 */
export function decodeClassification(values: ArrayLike<number>, options: ClassificationDecodeOptions): Classification[] {
  checkOptionNames(options, 'decodeClassification', DECODE_OPTION_NAMES);
  const k = options.topK ?? 5;
  if (!Number.isInteger(k) || k < 1) throw new VisionError('INVALID_OPTION', `topK is ${k}; it must be an integer ≥ 1`);
  const threshold = options.threshold ?? 0;
  if (!(threshold >= 0 && threshold <= 1)) throw new VisionError('INVALID_OPTION', `threshold is ${threshold}; it must be in [0, 1]`);
  let scores: ArrayLike<number>;
  switch (options.output) {
    case 'probabilities':
      scores = values;
      break;
    case 'logits':
      scores = logitProbabilities(values);
      break;
    case 'multilabel':
      scores = sigmoid(values);
      break;
    default:
      throw new VisionError('INVALID_OPTION', `unknown classifier output '${String(options.output)}'; allowed: probabilities, logits, multilabel`);
  }
  const best = topK(scores, Math.min(k, scores.length));
  const result: Classification[] = [];
  best.indices.forEach((classId, i) => {
    const score = best.values[i];
    if (score >= threshold) result.push({ label: options.labels[classId] ?? `class ${classId}`, classId, score });
  });
  return result;
}
