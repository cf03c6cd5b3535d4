import * as Comlink from 'comlink';
import { pageUrlOption } from '../../core/base-url';
import { checkFunctionOptions } from '../../core/callback-options';
import { VisionError, throwIfAborted } from '../../core/errors';
import type { TfjsBackendOptions } from '../../runtime/tfjs-backend';
import type { EpochLog } from '../fit';
import type { GestureResult, SavedGestureClassifier } from '../gestures/gesture-classifier';
import type { HandLandmarks } from '../gestures/hand-features';
import type { GestureTrainerSettings, GestureTrainingSummary } from './gesture-trainer-protocol';
import { checkOptionsObject, knownOptions, optionNames } from '../../core/known-options';
import { isOptionsObject, shownValue } from '../../core/shown-value';
import { type TrainerChannel, type TrainerPlace, type TrainerWorker, openTrainerChannel } from './trainer-channel';

/**
 * Options of {@link createGestureTrainingWorker}: the tfjs backends to try and which worker
 * to use.
 *
 * @example
 * ```ts
 * const options: GestureTrainingWorkerOptions = { backend: ['webgpu', 'wasm', 'cpu'], wasmPaths: '/wasm/' };
 * ```
 */
export interface GestureTrainingWorkerOptions extends TfjsBackendOptions, TrainerPlace {}

/**
 * Options of {@link GestureTrainingWorker.train}: the settings plus a callback and an abort
 * signal that stay in the calling thread.
 *
 * @example
 * ```ts
 * await gestures.train({ labels: ['fist', 'open'], onEpochEnd: (log) => plot(log.loss), signal });
 * ```
 */
export interface GestureTeachOptions extends GestureTrainerSettings {
  onEpochEnd?: (log: EpochLog) => void;
  /** Aborts between batches: `train` rejects with `ABORTED` and the previous classifier stays. */
  signal?: AbortSignal;
}

/** Every name {@link GestureTeachOptions} takes. */
const TEACH_OPTION_NAMES = optionNames<GestureTeachOptions>()(['labels', 'head', 'epochs', 'batchSize', 'learningRate', 'hidden', 'k', 'seed', 'signal', 'onEpochEnd']);

const MESSAGES = {
  disposed: 'this gesture training worker was disposed',
  crashed: 'the gesture training worker crashed; its samples and classifier are lost: create a new one',
};

/**
 * Teaching gestures in a Web Worker (or a Node worker thread): the page sends hands (21
 * landmarks each, e.g. from `pipeline('hand-landmarks')`) labelled with a class id, the worker
 * keeps their gesture features, trains a head (MLP, softmax, SVM or k-NN) with per-epoch
 * progress, then classifies hands. Save the classifier with `toJSON()` and load it anywhere
 * with `GestureClassifier.fromJSON`. If the worker crashes, calls reject with `WORKER_FAILED`.
 *
 * @example
 * ```ts
 * const gestures = await createGestureTrainingWorker();
 * await gestures.addSamples(fistHands, 0);
 * await gestures.addSamples(openHands, 1);
 * await gestures.train({ labels: ['fist', 'open'], onEpochEnd: (log) => console.log(log.loss) });
 * const [{ label, score }] = await gestures.classify(result.hands);
 * gestures.dispose();
 * ```
 */
export class GestureTrainingWorker {
  constructor(
    /** The tfjs backend the worker trains and classifies on. */
    readonly backend: string,
    private readonly channel: TrainerChannel,
  ) {}

  /** The worker the trainer lives in. */
  get worker(): TrainerWorker {
    return this.channel.worker;
  }

  /** Adds hands of class id `label`; answers the sample count per class id. A bad hand adds nothing (`INVALID_INPUT`). */
  addSamples(hands: HandLandmarks | readonly HandLandmarks[], label: number): Promise<number[]> {
    const list = Array.isArray(hands) ? (hands as readonly HandLandmarks[]) : [hands as HandLandmarks];
    return this.channel.call((remote) => remote.addGestures(list.map(plainHand), label));
  }

  /** Forgets the samples of one class id, or of all classes. */
  clearSamples(label?: number): Promise<number[]> {
    return this.channel.call((remote) => remote.clearGestures(label));
  }

  /** Trains a head on the samples so far; resolves once the new classifier is ready in the worker. */
  async train(options: GestureTeachOptions): Promise<GestureTrainingSummary> {
    if (!isOptionsObject(options)) throw new VisionError('INVALID_OPTION', `train needs options with the class names ({ labels: ['fist', 'open'], … }); got ${shownValue(options)}`);
    // before anything is posted: a misspelt name would be ignored, a function in one would not even cross to the worker
    knownOptions(options, 'gesture training options', TEACH_OPTION_NAMES);
    checkFunctionOptions(options, ['onEpochEnd']);
    const { onEpochEnd, signal, ...settings } = options;
    throwIfAborted(signal, 'gesture training');
    const cancel = (): void => void this.channel.call((remote) => remote.cancelGestures(), 10_000).catch(() => undefined);
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      return await this.channel.call((remote) => remote.trainGestures(settings, Comlink.proxy((log: EpochLog) => onEpochEnd?.(log))));
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
  }

  /** Classifies hands with the worker's classifier: one result per hand, in order. */
  classify(hands: HandLandmarks | readonly HandLandmarks[]): Promise<GestureResult[]> {
    const list = Array.isArray(hands) ? (hands as readonly HandLandmarks[]) : [hands as HandLandmarks];
    return this.channel.call((remote) => remote.classifyGestures(list.map(plainHand)), 30_000);
  }

  /** Makes a saved classifier (e.g. `BUILT_IN_GESTURES`) the worker's classifier; answers its labels. */
  load(saved: SavedGestureClassifier): Promise<string[]> {
    return this.channel.call((remote) => remote.loadGestures(saved));
  }

  /** The worker's classifier as JSON-serialisable data, for `GestureClassifier.fromJSON`. */
  toJSON(): Promise<SavedGestureClassifier> {
    return this.channel.call((remote) => remote.gesturesToJSON());
  }

  /** Frees the classifier in the worker (and ends a dedicated worker). Safe to call twice. */
  dispose(): void {
    this.channel.dispose();
  }
}

/** Only the landmark data of a hand (a pipeline's hand may carry more, e.g. boxes and scores). */
function plainHand(hand: HandLandmarks): HandLandmarks {
  const keypoints = Array.isArray(hand?.keypoints) ? hand.keypoints.map((p) => ({ x: p?.x, y: p?.y, z: p?.z })) : hand?.keypoints;
  return hand?.handedness === undefined ? { keypoints } : { keypoints, handedness: hand.handedness };
}

/**
 * Starts a {@link GestureTrainingWorker}: opens a trainer in a worker (dedicated by default,
 * or a shared `VisionWorker`) and selects the tfjs backend there — no image backbone is
 * loaded, so it starts in moments.
 *
 * @example
 * ```ts
 * const gestures = await createGestureTrainingWorker({ backend: ['webgl', 'wasm', 'cpu'] });
 * console.log(gestures.backend);
 * ```
 */
export async function createGestureTrainingWorker(options: GestureTrainingWorkerOptions = {}): Promise<GestureTrainingWorker> {
  checkOptionsObject(options, 'createGestureTrainingWorker', optionNames<GestureTrainingWorkerOptions>()(['backend', 'wasmPaths', 'worker', 'workerUrl']));
  const setup: TfjsBackendOptions = { backend: options.backend, wasmPaths: pageUrlOption(options.wasmPaths) }; // the page's folder, not the worker script's
  const { channel, info } = await openTrainerChannel(options, 'visionpipe-gestures', MESSAGES, (remote) => remote.setupGestures(setup));
  return new GestureTrainingWorker(info.backend, channel);
}
