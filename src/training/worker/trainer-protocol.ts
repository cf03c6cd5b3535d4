import type { ImageInput } from '../../core/image-input';
import type { ClassificationResult } from '../../core/results';
import type { TfjsBackendName } from '../../runtime/tfjs-backend';
import type { BatchLog, EpochLog } from '../fit';
import type { SavedModelFiles } from '../save';
import type { HeadKind } from '../transfer/heads';
import type { Reply } from '../../runtime/worker-reply';
import type { GestureTrainerApi } from './gesture-trainer-protocol';

/**
 * Where the training worker finds the MobileNetV2 backbone and which tfjs backend it uses.
 *
 * @example
 * ```ts
 * const setup: TrainerSetup = { modelBaseUrl: '/models/', backend: ['webgpu', 'wasm'], wasmPaths: '/wasm/' };
 * ```
 */
export interface TrainerSetup {
  /** The folder that holds `nsfwjs/…` (default: the npm CDN, as for the catalogue models). */
  modelBaseUrl?: string;
  /** Backends to try in order (default WebGPU → WebGL → wasm → cpu; wasm → cpu in Node). */
  backend?: TfjsBackendName | readonly TfjsBackendName[];
  /** Where tfjs' wasm backend finds its `.wasm` files. */
  wasmPaths?: string;
}

/**
 * What the worker reports once its backbone is loaded.
 *
 * @example
 * ```ts
 * const { backend, dim } = trainer.info; // 'wasm', 1280
 * ```
 */
export interface TrainerInfo {
  backend: string;
  /** Features per image (1280 for MobileNetV2). */
  dim: number;
}

/**
 * How many embedded samples the worker holds per class id (index = class id).
 *
 * @example
 * ```ts
 * const counts: SampleCounts = await trainer.addSamples(bitmaps, 0); // e.g. [10, 0]
 * ```
 */
export type SampleCounts = number[];

/**
 * Training settings (plain data: they cross to the worker).
 *
 * @example
 * ```ts
 * const settings: TrainerSettings = { labels: ['thumbs up', 'thumbs down'], epochs: 15, head: 'softmax' };
 * ```
 */
export interface TrainerSettings {
  /** Class names, one per class id; every class needs at least two samples. */
  labels: readonly string[];
  /** Default 15. */
  epochs?: number;
  /** Default 8. */
  batchSize?: number;
  /** Adam's learning rate (default 1e-3). */
  learningRate?: number;
  /** Head on the frozen features (default `softmax`). */
  head?: HeadKind;
  /** Share of each class held out to measure validation accuracy (default 0.25; 0 = none). */
  validationFraction?: number;
  seed?: number;
}

/**
 * A progress event from the worker: after each batch, or after each epoch (with accuracy
 * and, when samples were held out, validation accuracy).
 *
 * @example
 * ```ts
 * const onEvent = (e: TrainingEvent) => (e.type === 'epoch' ? plot(e.log.accuracy) : bar(e.log.progress));
 * ```
 */
export type TrainingEvent = { type: 'batch'; log: BatchLog } | { type: 'epoch'; log: EpochLog };

/**
 * The outcome of a training run.
 *
 * @example
 * ```ts
 * const { history, samples } = await trainer.train({ labels });
 * ```
 */
export interface TrainingSummary {
  history: EpochLog[];
  /** Training and validation samples used. */
  samples: { train: number; validation: number };
  stoppedEarly: boolean;
  /** Whether training stopped because the loss became NaN or Infinity (see `fit`). */
  diverged: boolean;
  elapsedMs: number;
}

/**
 * What the worker's trainer exposes over comlink (on its own `MessagePort`): the image
 * classifier's teach flow and the gesture one ({@link GestureTrainerApi}). Every method
 * answers with a {@link Reply} so that error codes survive the boundary.
 *
 * @example
 * ```ts
 * const remote = Comlink.wrap<TrainerApi>(port);
 * const reply = await remote.setup({ backend: 'wasm' });
 * ```
 */
export interface TrainerApi extends GestureTrainerApi {
  setup(setup: TrainerSetup): Promise<Reply<TrainerInfo>>;
  /** Embeds the images (closing them: the worker owns what it was sent) and keeps their features. */
  addSamples(images: ImageInput[], label: number): Promise<Reply<SampleCounts>>;
  /** Forgets the samples of one class, or all. */
  clearSamples(label?: number): Promise<Reply<SampleCounts>>;
  train(settings: TrainerSettings, onEvent?: (event: TrainingEvent) => void): Promise<Reply<TrainingSummary>>;
  /** Aborts the training in progress (it rejects with `ABORTED`; the previous classifier stays). */
  cancel(): Promise<Reply<void>>;
  classify(image: ImageInput, topK?: number): Promise<Reply<ClassificationResult>>;
  toFiles(): Promise<Reply<SavedModelFiles>>;
  /** Saves through a tfjs URL scheme the worker has (`indexeddb://`, `http(s)://`). */
  save(url: string): Promise<Reply<void>>;
  dispose(): Promise<Reply<void>>;
}
