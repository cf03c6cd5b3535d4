import type { TfjsBackendOptions } from '../../runtime/tfjs-backend';
import type { EpochLog } from '../fit';
import type { GestureResult, GestureTrainOptions, SavedGestureClassifier } from '../gestures/gesture-classifier';
import type { HandLandmarks } from '../gestures/hand-features';
import type { Reply } from '../../runtime/worker-reply';

/**
 * Gesture training settings: {@link GestureTrainOptions} that are plain data (they cross to
 * the worker), and the gesture names.
 *
 * @example
 * ```ts
 * const settings: GestureTrainerSettings = { labels: ['fist', 'open', 'point'], head: 'mlp', epochs: 30, seed: 1 };
 * ```
 */
export interface GestureTrainerSettings extends Omit<GestureTrainOptions, 'signal' | 'onEpochEnd'> {
  /** Gesture names, one per class id; every class needs at least two samples. */
  labels: readonly string[];
}

/**
 * The outcome of a gesture training run: the epochs' logs (empty for k-NN), the samples used
 * and the time it took.
 *
 * @example
 * ```ts
 * const { samples, history } = await trainer.train({ labels });
 * ```
 */
export interface GestureTrainingSummary {
  history: EpochLog[];
  samples: number;
  elapsedMs: number;
}

/**
 * The gesture side of the training worker's API (over comlink, answers as {@link Reply}s):
 * hands in, features kept per class id, a head trained on them, hands classified.
 *
 * @example
 * ```ts
 * const reply = await remote.addGestures(hands, 0);
 * ```
 */
export interface GestureTrainerApi {
  /** Picks the tfjs backend for gestures (no backbone is loaded). */
  setupGestures(setup: TfjsBackendOptions): Promise<Reply<{ backend: string }>>;
  /** Turns the hands into gesture features and keeps them under class id `label`. */
  addGestures(hands: HandLandmarks[], label: number): Promise<Reply<number[]>>;
  /** Forgets the gesture samples of one class id, or all. */
  clearGestures(label?: number): Promise<Reply<number[]>>;
  trainGestures(settings: GestureTrainerSettings, onEpoch?: (log: EpochLog) => void): Promise<Reply<GestureTrainingSummary>>;
  /** Aborts the gesture training in progress (it rejects with `ABORTED`; the previous classifier stays). */
  cancelGestures(): Promise<Reply<void>>;
  classifyGestures(hands: HandLandmarks[]): Promise<Reply<GestureResult[]>>;
  /** Replaces the worker's gesture classifier with a saved one (e.g. the built-in set); answers its labels. */
  loadGestures(saved: SavedGestureClassifier): Promise<Reply<string[]>>;
  gesturesToJSON(): Promise<Reply<SavedGestureClassifier>>;
}
