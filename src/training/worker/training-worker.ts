import * as Comlink from 'comlink';
import { pageUrlOption } from '../../core/base-url';
import { checkFunctionOptions } from '../../core/callback-options';
import * as tf from '@tensorflow/tfjs';
import { VisionError, throwIfAborted } from '../../core/errors';
import type { ImageInput } from '../../core/image-input';
import { closeFrame } from '../../core/frame-ownership';
import type { ClassificationResult } from '../../core/results';
import { toTransferable } from '../../runtime/worker-transfer';
import { checkOptionsObject, knownOptions, optionNames } from '../../core/known-options';
import { isOptionsObject, shownValue } from '../../core/shown-value';
import type { BatchLog, EpochLog } from '../fit';
import type { SavedModelFiles } from '../save';
import { type TrainerChannel, type TrainerPlace, type TrainerWorker, openTrainerChannel } from './trainer-channel';
import type { SampleCounts, TrainerInfo, TrainerSettings, TrainerSetup, TrainingEvent, TrainingSummary } from './trainer-protocol';

/**
 * Options of {@link createTrainingWorker}: where the backbone and wasm files are, the
 * backends to try, and which worker to use.
 *
 * @example
 * ```ts
 * const options: TrainingWorkerOptions = { modelBaseUrl: '/models/', backend: ['webgpu', 'wasm'], workerUrl: '/worker.js' };
 * ```
 */
export interface TrainingWorkerOptions extends TrainerSetup, TrainerPlace {
  signal?: AbortSignal;
}

/**
 * Options of {@link TrainingWorker.train}: the settings, plus callbacks and an abort signal
 * that stay in the calling thread.
 *
 * @example
 * ```ts
 * await trainer.train({ labels: ['cup', 'phone'], epochs: 20, onEpochEnd: (log) => plot(log), signal });
 * ```
 */
export interface TrainOptions extends TrainerSettings {
  /** After each batch: loss, learning rate, progress 0–1. */
  onBatchEnd?: (log: BatchLog) => void;
  /** After each epoch: loss, accuracy, validation loss and accuracy. */
  onEpochEnd?: (log: EpochLog) => void;
  /** Aborts between batches: `train` rejects with `ABORTED` and the previous classifier stays. */
  signal?: AbortSignal;
}

/** Every name {@link TrainOptions} takes. */
const TRAIN_OPTION_NAMES = optionNames<TrainOptions>()(['labels', 'epochs', 'batchSize', 'learningRate', 'head', 'validationFraction', 'seed', 'onBatchEnd', 'onEpochEnd', 'signal']);

/** Every name {@link TrainingWorkerOptions} takes. */
const WORKER_OPTION_NAMES = optionNames<TrainingWorkerOptions>()(['modelBaseUrl', 'backend', 'wasmPaths', 'worker', 'workerUrl', 'signal']);

const MESSAGES = {
  disposed: 'this training worker was disposed',
  crashed: 'the training worker crashed; its samples and classifier are lost: create a new one with createTrainingWorker()',
};

/**
 * Transfer learning in a Web Worker (or a Node worker thread): the page sends labelled
 * images (transferred, never copied), the worker embeds them with the frozen nsfwjs MobileNetV2
 * backbone, trains a head (softmax, SVM or MLP) with progress per batch and epoch, and then
 * classifies frames itself — so the page's main thread stays free while it trains. `run`
 * makes it a frame processor for `runLoop`. If the worker crashes, its samples are lost and
 * calls reject with `WORKER_FAILED`: create a new one.
 *
 * @example
 * ```ts
 * const trainer = await createTrainingWorker({ modelBaseUrl: '/models/' });
 * await trainer.addSamples(cupBitmaps, 0);
 * await trainer.addSamples(phoneBitmaps, 1);
 * const { history } = await trainer.train({ labels: ['cup', 'phone'], onEpochEnd: (l) => console.log(l.epoch, l.accuracy) });
 * const { classes } = await trainer.run(videoFrame);
 * await trainer.save('indexeddb://cup-or-phone');
 * trainer.dispose();
 * ```
 */
export class TrainingWorker {
  constructor(
    /** The worker's backend and the backbone's feature size. */
    readonly info: TrainerInfo,
    private readonly channel: TrainerChannel,
  ) {}

  /** The worker the trainer lives in. */
  get worker(): TrainerWorker {
    return this.channel.worker;
  }

  /** The tfjs backend the worker trains and classifies on. */
  get backend(): string {
    return this.info.backend;
  }

  /** Embeds images of class `label` in the worker (they are transferred) and answers the sample count per class id. */
  async addSamples(images: ImageInput | readonly ImageInput[], label: number): Promise<SampleCounts> {
    const list = Array.isArray(images) ? (images as readonly ImageInput[]) : [images as ImageInput];
    const prepared = await Promise.all(list.map((image) => toTransferable(image)));
    let sent = false;
    try {
      return await this.channel.call((remote) => {
        sent = true;
        return remote.addSamples(
          Comlink.transfer(prepared.map((p) => p.value), prepared.flatMap((p) => p.transfer)),
          label,
        );
      });
    } finally {
      if (!sent) prepared.forEach((p, i) => p.value !== list[i] && closeFrame(p.value));
    }
  }

  /** Forgets the samples of one class id, or of all classes. */
  clearSamples(label?: number): Promise<SampleCounts> {
    return this.channel.call((remote) => remote.clearSamples(label));
  }

  /** Trains a head on the samples so far; resolves with the epochs' logs once the classifier is ready in the worker. */
  async train(options: TrainOptions): Promise<TrainingSummary> {
    if (!isOptionsObject(options)) throw new VisionError('INVALID_OPTION', `train needs options with the class names ({ labels: ['cup', 'phone'], … }); got ${shownValue(options)}`);
    // before anything is posted: a misspelt name would be ignored, a function in one would not even cross to the worker
    knownOptions(options, 'training options', TRAIN_OPTION_NAMES);
    checkFunctionOptions(options, ['onBatchEnd', 'onEpochEnd']);
    const { onBatchEnd, onEpochEnd, signal, ...settings } = options;
    throwIfAborted(signal, 'training');
    const onEvent = (event: TrainingEvent): void => {
      if (event.type === 'batch') onBatchEnd?.(event.log);
      else onEpochEnd?.(event.log);
    };
    const cancel = (): void => void this.channel.call((remote) => remote.cancel(), 10_000).catch(() => undefined);
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      return await this.channel.call((remote) => remote.train(settings, Comlink.proxy(onEvent)));
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
  }

  /** Classifies one image (a frame, bitmap, canvas…) with the trained classifier, in the worker. */
  async run(input: ImageInput, options: { topK?: number } = {}): Promise<ClassificationResult> {
    const { value, transfer } = await toTransferable(input);
    let sent = false;
    try {
      return await this.channel.call((remote) => {
        sent = true;
        return remote.classify(transfer.length > 0 ? Comlink.transfer(value, transfer) : value, options.topK);
      }, 30_000);
    } finally {
      if (!sent && value !== input) closeFrame(value);
    }
  }

  /** The trained classifier (backbone + head, with its card) as in-memory files: `model.json` + weights. */
  toFiles(): Promise<SavedModelFiles> {
    return this.channel.call((remote) => remote.toFiles());
  }

  /**
   * Saves the trained classifier for `loadClassifier`: `indexeddb://name` or `http(s)://` from
   * the worker, `downloads://name` from the page (the browser downloads `name.json` and
   * `name.weights.bin`).
   */
  async save(url: string): Promise<void> {
    if (!url.startsWith('downloads://')) return this.channel.call((remote) => remote.save(url));
    const files = await this.toFiles();
    const weights = files.weights.slice().buffer;
    const [handler] = tf.io.getSaveHandlers(url); // tfjs' own downloads handler (browsers only)
    if (!handler?.save) throw new VisionError('INVALID_OPTION', `cannot save to '${url}' here: downloads:// needs a browser page`);
    await handler.save({
      modelTopology: files.json.modelTopology,
      weightSpecs: files.json.weightsManifest.flatMap((group) => group.weights),
      weightData: weights,
      format: files.json.format,
      generatedBy: files.json.generatedBy,
      convertedBy: files.json.convertedBy ?? null,
      userDefinedMetadata: files.json.userDefinedMetadata,
    });
  }

  /** Frees the backbone and classifier in the worker (and ends a dedicated worker). Safe to call twice. */
  dispose(): void {
    this.channel.dispose();
  }
}

/**
 * Starts a {@link TrainingWorker}: opens a trainer in a worker (dedicated by default, or a
 * shared `VisionWorker`) and loads the MobileNetV2 backbone there with the backends
 * asked for (`info.backend` says which one it got).
 *
 * @example
 * ```ts
 * const trainer = await createTrainingWorker({ modelBaseUrl: '/models/', backend: ['webgpu', 'wasm'], wasmPaths: '/wasm/' });
 * console.log(trainer.backend);
 * ```
 */
export async function createTrainingWorker(options: TrainingWorkerOptions = {}): Promise<TrainingWorker> {
  checkOptionsObject(options, 'createTrainingWorker', WORKER_OPTION_NAMES);
  throwIfAborted(options.signal, 'starting the training worker');
  // relative URLs mean the page's folder, as in-thread (in the worker they would be the worker script's)
  const setup: TrainerSetup = { modelBaseUrl: pageUrlOption(options.modelBaseUrl), backend: options.backend, wasmPaths: pageUrlOption(options.wasmPaths) };
  const { channel, info } = await openTrainerChannel(options, 'visionpipe-trainer', MESSAGES, (remote) => remote.setup(setup), options.signal);
  return new TrainingWorker(info, channel);
}
