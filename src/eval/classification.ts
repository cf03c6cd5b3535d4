import { VisionError } from '../core/errors';
import { shownValue } from '../core/shown-value';
import { checkPredictions } from '../core/accuracy';

function checkNumClasses(numClasses: unknown): void {
  if (!(typeof numClasses === 'number' && Number.isInteger(numClasses) && numClasses >= 1)) throw new VisionError('INVALID_OPTION', `numClasses is ${shownValue(numClasses)}; it must be a positive integer`);
}

const isClass = (value: number, numClasses: number): boolean => Number.isInteger(value) && value >= 0 && value < numClasses;

/**
 * Confusion matrix: `matrix[actual][predicted]` counts.
 *
 * @example
 * ```ts
 * const m = confusionMatrix([0, 1, 1], [0, 1, 0], 2); // [[1, 1], [0, 1]]
 * ```
 */
export function confusionMatrix(predicted: ArrayLike<number>, actual: ArrayLike<number>, numClasses: number): number[][] {
  checkNumClasses(numClasses);
  checkPredictions(predicted, actual);
  const matrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const p = predicted[i];
    if (!isClass(a, numClasses) || !isClass(p, numClasses)) {
      throw new VisionError('INVALID_INPUT', `label ${shownValue(a)} / prediction ${shownValue(p)} at index ${i}: classes are whole numbers 0…${numClasses - 1}`);
    }
    matrix[a][p]++;
  }
  return matrix;
}

/**
 * Precision, recall and F1 of one class, and how many examples it has.
 *
 * @example
 * ```ts
 * const { precision, recall } = perClassMetrics(pred, labels, 10)[3];
 * ```
 */
export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/**
 * Per-class precision, recall and F1 (0 where undefined, as scikit-learn's `zero_division=0`).
 *
 * @example
 * ```ts
 * const metrics = perClassMetrics(predicted, labels, 10);
 * console.log(metrics.map((m) => m.recall));
 * ```
 */
export function perClassMetrics(predicted: ArrayLike<number>, actual: ArrayLike<number>, numClasses: number): ClassMetrics[] {
  const matrix = confusionMatrix(predicted, actual, numClasses);
  return matrix.map((row, c) => {
    const tp = row[c];
    const support = row.reduce((a, b) => a + b, 0);
    const predictedAs = matrix.reduce((sum, r) => sum + r[c], 0);
    const precision = predictedAs === 0 ? 0 : tp / predictedAs;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { precision, recall, f1, support };
  });
}

/**
 * Index of the largest value of each row of a row-major `[n, classes]` score array.
 *
 * @example
 * ```ts
 * argmaxRows(new Float32Array([0.1, 0.9, 0.8, 0.2]), 2); // [1, 0]
 * ```
 */
export function argmaxRows(scores: ArrayLike<number>, numClasses: number): Int32Array {
  checkNumClasses(numClasses);
  if (scores === null || typeof scores !== 'object' || typeof scores.length !== 'number') throw new VisionError('INVALID_INPUT', `scores must be an array of numbers; got ${shownValue(scores)}`);
  if (scores.length % numClasses !== 0) throw new VisionError('INVALID_INPUT', `${scores.length} scores are not whole rows of ${numClasses} classes`);
  const n = scores.length / numClasses;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (scores[i * numClasses + c] > scores[i * numClasses + best]) best = c;
    out[i] = best;
  }
  return out;
}
