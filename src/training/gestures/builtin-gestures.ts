import { BUILT_IN_GESTURES } from './builtin-gestures-data';
import { GestureClassifier } from './gesture-classifier';

/**
 * The built-in gesture classifier: `open_palm`, `fist`, `pointing`, `thumbs_up` and `victory`,
 * and `none` for a hand in none of them (resting, half-bent fingers, other finger patterns —
 * as MediaPipe's gesture recognizer has `None`), an MLP head trained on hands posed by the
 * repository's 3-D hand skeleton (`scripts/train-builtin-gestures.ts`). The data ships with the
 * library: nothing is fetched. Dispose the classifier when done.
 *
 * @example
 * ```ts
 * const gestures = await loadBuiltInGestures();
 * const { label, score } = await gestures.classify(hand); // e.g. 'victory', 0.99
 * ```
 */
export function loadBuiltInGestures(): Promise<GestureClassifier> {
  return GestureClassifier.fromJSON(BUILT_IN_GESTURES);
}
