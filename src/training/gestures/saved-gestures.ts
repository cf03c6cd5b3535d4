import type * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import { KnnClassifier, type KnnState } from '../transfer/knn';
import { checkLabels, isRecord } from './gesture-checks';
import { GESTURE_HEADS, type SavedGestureClassifier } from './gesture-types';
import { HAND_FEATURE_DIM } from './hand-features';
import { classCountMismatch, layersHeadFromJSON } from './saved-layers-head';
import { shownValue } from '../../core/shown-value';

/**
 * Checks saved gesture data before anything is built: `INVALID_INPUT` unless it is an object;
 * `MODEL_FORMAT` for a wrong format or version, feature size, labels or head, or a missing
 * k-NN state or model.
 *
 * @example
 * ```ts
 * checkSaved(JSON.parse(text)); // throws unless it looks like what toJSON returns
 * ```
 */
export function checkSaved(saved: unknown): asserts saved is SavedGestureClassifier {
  if (!isRecord(saved)) throw new VisionError('INVALID_INPUT', `fromJSON needs a saved gesture classifier (the object toJSON returns); got ${shownValue(saved)}`);
  if (saved.format !== 'visionpipe-gestures' || saved.version !== 1) {
    throw new VisionError('MODEL_FORMAT', `not a saved gesture classifier: format ${shownValue(saved.format)}, version ${shownValue(saved.version)}; expected format 'visionpipe-gestures', version 1`);
  }
  if (saved.featureDim !== HAND_FEATURE_DIM) throw new VisionError('MODEL_FORMAT', `the saved classifier takes ${shownValue(saved.featureDim)} features; this version computes ${HAND_FEATURE_DIM}`);
  checkLabels(saved.labels, 'MODEL_FORMAT', 'the saved labels');
  if (!(GESTURE_HEADS as readonly unknown[]).includes(saved.head)) {
    throw new VisionError('MODEL_FORMAT', `the saved head is ${shownValue(saved.head)}; allowed: ${GESTURE_HEADS.map((h) => `'${h}'`).join(', ')}`);
  }
  const part = saved.head === 'knn' ? 'knn' : 'model';
  if (!isRecord(saved[part])) throw new VisionError('MODEL_FORMAT', `the saved ${shownValue(saved.head)} gesture classifier has no ${part === 'knn' ? 'knn state' : 'model'}`);
}

/** `MODEL_FORMAT` unless `values` is an array of `length` items that each pass `ok`. */
function checkList(values: unknown, length: number, ok: (value: unknown) => boolean, what: string): void {
  if (!Array.isArray(values) || values.length !== length) {
    throw new VisionError('MODEL_FORMAT', `the saved k-NN state's ${what} are ${Array.isArray(values) ? `${values.length} values` : shownValue(values)}; it needs ${length}`);
  }
  const bad = values.findIndex((v) => !ok(v));
  if (bad >= 0) throw new VisionError('MODEL_FORMAT', `the saved k-NN state's ${what} have ${shownValue(values[bad])} at index ${bad}`);
}

/** `MODEL_FORMAT` unless the k-NN state fits hand features and `classes` labels. */
function checkKnnState(state: Record<string, unknown>, classes: number): asserts state is Record<string, unknown> & KnnState {
  if (!(Number.isInteger(state.k) && (state.k as number) >= 1)) throw new VisionError('MODEL_FORMAT', `the saved k-NN state has k ${shownValue(state.k)}; it must be a positive integer`);
  if (state.distance !== 'l1' && state.distance !== 'l2') throw new VisionError('MODEL_FORMAT', `the saved k-NN state has distance ${shownValue(state.distance)}; allowed: 'l1', 'l2'`);
  if (typeof state.normalize !== 'boolean') throw new VisionError('MODEL_FORMAT', `the saved k-NN state has normalize ${shownValue(state.normalize)}; it must be true or false`);
  if (state.dim !== HAND_FEATURE_DIM) throw new VisionError('MODEL_FORMAT', `the saved k-NN state holds ${shownValue(state.dim)}-value features; hand features have ${HAND_FEATURE_DIM}`);
  if (state.numClasses !== classes) throw classCountMismatch(classes, `k-NN state has ${shownValue(state.numClasses)} classes`);
  const examples = Array.isArray(state.labels) ? state.labels.length : 0;
  if (examples === 0) throw new VisionError('MODEL_FORMAT', `the saved k-NN state's labels are ${shownValue(state.labels)}; it needs at least one example`);
  checkList(state.labels, examples, (id) => Number.isInteger(id) && (id as number) >= 0 && (id as number) < classes, 'class ids');
  checkList(state.embeddings, examples * HAND_FEATURE_DIM, (v) => typeof v === 'number' && Number.isFinite(Math.fround(v)), 'embeddings');
}

/**
 * The scorer saved gesture data describes (checked with {@link checkSaved} first): its k-NN, or
 * its layers head with the saved weights. `MODEL_FORMAT` when it does not fit hand features or
 * has a class count other than the label count; nothing is left allocated then.
 *
 * @example
 * ```ts
 * checkSaved(saved);
 * const scorer = await scorerFromJSON(saved);
 * ```
 */
export async function scorerFromJSON(saved: SavedGestureClassifier): Promise<tf.LayersModel | KnnClassifier> {
  const part = (saved.head === 'knn' ? saved.knn : saved.model) as unknown as Record<string, unknown>;
  if (saved.head !== 'knn') return layersHeadFromJSON(part, saved.labels.length);
  checkKnnState(part, saved.labels.length);
  return KnnClassifier.fromJSON(part);
}
