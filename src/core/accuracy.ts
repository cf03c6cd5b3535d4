// Classification accuracy: a pure function both eval/ (metrics) and training/ (validation
// scores while training) use.
import { VisionError } from './errors';
import { shownValue } from './shown-value';

/**
 * Checks predictions against labels before scoring: the same length, at least one example
 * (`INVALID_INPUT` otherwise).
 *
 * @example
 * ```ts
 * checkPredictions(predicted, labels);
 * ```
 */
export function checkPredictions(predicted: ArrayLike<number>, actual: ArrayLike<number>): void {
  for (const [list, what] of [[predicted, 'predictions'], [actual, 'labels']] as const) {
    if (list === null || typeof list !== 'object' || typeof list.length !== 'number') throw new VisionError('INVALID_INPUT', `${what} must be an array of class indices; got ${shownValue(list)}`);
  }
  if (predicted.length !== actual.length) {
    throw new VisionError('INVALID_INPUT', `${predicted.length} predictions but ${actual.length} labels; they must match`);
  }
  if (actual.length === 0) throw new VisionError('INVALID_INPUT', 'no examples to score');
}

/**
 * Share of predictions equal to the labels (0–1).
 *
 * @example
 * ```ts
 * accuracy([0, 1, 1], [0, 1, 0]); // 0.667
 * ```
 */
export function accuracy(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  checkPredictions(predicted, actual);
  let right = 0;
  for (let i = 0; i < actual.length; i++) if (predicted[i] === actual[i]) right++;
  return right / actual.length;
}
