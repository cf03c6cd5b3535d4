import { VisionError } from '../core/errors';
import { shownValue } from '../core/shown-value';

/**
 * Checks a list of class names: an array of non-empty strings, each name once (two classes of
 * one name could not be told apart in results). `name` is how messages call the list.
 *
 * @throws VisionError `INVALID_OPTION` naming the entry that is wrong.
 * @example
 * ```ts
 * checkClassNameList(['cat', 'dog', 'cat']); // throws: labels list "cat" twice
 * ```
 */
export function checkClassNameList(labels: unknown, name = 'labels'): asserts labels is string[] {
  if (!Array.isArray(labels)) throw new VisionError('INVALID_OPTION', `${name} is ${shownValue(labels)}; it must be a list of class names (non-empty strings), one per class`);
  for (const [i, label] of labels.entries()) {
    if (typeof label !== 'string' || label === '') throw new VisionError('INVALID_OPTION', `${name}[${i}] is ${shownValue(label)}; class names are non-empty strings`);
  }
  const twice = labels.find((label, i) => labels.indexOf(label) !== i);
  if (twice !== undefined) throw new VisionError('INVALID_OPTION', `${name} list ${shownValue(twice)} twice; each class name must appear once`);
}
