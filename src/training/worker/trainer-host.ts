import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import { shownValue } from '../../core/shown-value';
import type { ImageInput } from '../../core/image-input';
import { closeFrame } from '../../core/frame-ownership';
import type { ClassificationResult } from '../../core/results';
import type { ModelSpec } from '../../models/model-spec';
import type { ModelRunner } from '../../runtime/model-runner';
import { type Reply, reply } from '../../runtime/worker-reply';
import { fit } from '../fit';
import { classifierToFiles, saveClassifier } from '../save';
import { stratifiedSplit } from '../split';
import { exportClassifier } from '../transfer/classifier';
import { checkClassNameList } from '../class-names';
import type { FeatureBackbone } from '../transfer/feature-backbone';
import { buildHead, headLoss } from '../transfer/heads';
import type { SampleCounts, TrainerApi, TrainerSettings, TrainerSetup, TrainingEvent } from './trainer-protocol';
import { checkClassId, createGestureTrainerHost, highestFilledClass } from './gesture-trainer-host';
import { answerDisposedAfterDispose } from './disposed-guard';
import { knownOptions, optionNames } from '../../core/known-options';

/**
 * A classifier of frames built on the trained model (visionpipe's image-classification
 * pipeline).
 *
 * @example
 * ```ts
 * const { classes } = await classifier.run(frame, { topK: 3 });
 * ```
 */
export interface FrameClassifier {
  run(image: ImageInput, options?: { topK?: number }): Promise<ClassificationResult>;
  dispose(): void;
}

/**
 * What a trainer host is built from: the frozen backbone that embeds images, and the frame
 * classifier over the trained model. The worker scripts pass the MobileNetV2 backbone and the
 * image-classification pipeline (`createTrainerHost` in `src/trainer-host.ts`).
 *
 * @example
 * ```ts
 * const services: TrainerServices = { loadBackbone: loadMobileNetV2Backbone, createClassifier: createClassificationPipeline };
 * ```
 */
export interface TrainerServices {
  loadBackbone(setup: TrainerSetup): Promise<FeatureBackbone>;
  createClassifier(options: { model: ModelRunner; spec: ModelSpec; topK: number }): Promise<FrameClassifier>;
}

/** The trained classifier in the worker: head, composed model, card and pipeline. */
interface Trained {
  head: tf.LayersModel;
  model: tf.LayersModel;
  spec: ModelSpec;
  pipeline: FrameClassifier;
}

function release(callback: ((event: TrainingEvent) => void) | undefined): void {
  (callback as unknown as Partial<Record<typeof Comlink.releaseProxy, () => void>> | undefined)?.[Comlink.releaseProxy]?.();
}

/** Every name {@link TrainerSettings} takes. */
const TRAINER_SETTING_NAMES = optionNames<TrainerSettings>()(['labels', 'epochs', 'batchSize', 'learningRate', 'head', 'validationFraction', 'seed']);

function checkSettings(settings: TrainerSettings, counts: SampleCounts): void {
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) throw new VisionError('INVALID_OPTION', `training settings are ${shownValue(settings)}; they must be an object with labels`);
  knownOptions(settings, 'training settings', TRAINER_SETTING_NAMES);
  const { labels } = settings;
  // all of it before any training: an empty name was refused only once every epoch had run
  checkClassNameList(labels);
  if (labels.length < 2) throw new VisionError('INVALID_OPTION', 'labels must list at least two class names (strings), one per class id');
  const top = highestFilledClass(counts);
  if (top >= labels.length) throw new VisionError('INVALID_OPTION', `there are samples for class id ${top} but only ${labels.length} labels`);
  const short = labels.map((label, id) => ({ label, n: counts[id] ?? 0 })).filter((c) => c.n < 2);
  if (short.length > 0) throw new VisionError('INVALID_INPUT', `every class needs at least 2 samples; ${short.map((c) => `'${c.label}' has ${c.n}`).join(', ')}`);
  const fraction = settings.validationFraction ?? 0.25;
  if (!(fraction >= 0 && fraction < 1)) throw new VisionError('INVALID_OPTION', `validationFraction is ${fraction}; it must be in [0, 1)`);
}

/**
 * The in-worker side of a {@link TrainingWorker}: loads the frozen backbone
 * (`services.loadBackbone`: MobileNetV2 in visionpipe's worker scripts), embeds the images it is
 * sent as they arrive (closing them), trains a head on the stored features with `fit` (progress
 * events per batch and epoch, cancellable; features are not batch-normalised first, since batch
 * statistics do not settle on a few dozen samples), and then classifies frames with backbone +
 * head in the worker (`services.createClassifier`). Saves through the existing save code. Also holds the
 * gesture trainer (`createGestureTrainerHost`: hand landmarks, no backbone). `dispose` frees
 * everything; a backbone or classifier that arrives afterwards (a `setup` still loading, a `train`
 * just finishing) is freed at once and that call answers `DISPOSED`, as every later call does. Answers with
 * {@link Reply}s; exposed on its own `MessagePort` by the worker host's `openTrainer`.
 *
 * @example
 * ```ts
 * Comlink.expose(assembleTrainerHost({ loadBackbone: loadMobileNetV2Backbone, createClassifier: createClassificationPipeline }), port);
 * ```
 */
export function assembleTrainerHost(services: TrainerServices): TrainerApi {
  let disposed = false;
  let backbone: FeatureBackbone | null = null;
  let loading: Promise<FeatureBackbone> | null = null;
  let trained: Trained | null = null;
  let training: AbortController | null = null;
  const features: Float32Array[][] = [];
  const gestures = createGestureTrainerHost();

  /** Throws `DISPOSED` once `dispose` has run: at the start of each call and after each of its waits. */
  const alive = (): void => {
    if (disposed) throw new VisionError('DISPOSED', 'this trainer was disposed');
  };
  const ready = (): FeatureBackbone => {
    alive();
    if (!backbone) throw new VisionError('INVALID_OPTION', 'the trainer has no backbone yet; call setup() first');
    return backbone;
  };
  const counts = (): SampleCounts => Array.from(features, (rows) => rows?.length ?? 0);
  const classifier = (): Trained => {
    alive();
    if (!trained) throw new VisionError('INVALID_OPTION', 'nothing trained yet; call train() first');
    return trained;
  };
  const dropTrained = (): void => {
    trained?.pipeline.dispose();
    trained?.head.dispose();
    trained = null;
  };

  const api: TrainerApi = {
    ...gestures.api,

    setup: (setup) =>
      reply(async () => {
        alive();
        const load = (loading ??= services.loadBackbone({ modelBaseUrl: setup.modelBaseUrl, backend: setup.backend, wasmPaths: setup.wasmPaths }));
        let loaded: FeatureBackbone;
        try {
          loaded = await load;
        } catch (error) {
          if (loading === load) loading = null;
          alive();
          throw error;
        }
        alive(); // disposed while loading: dispose() frees the backbone when it arrives
        backbone = loaded;
        return { backend: tf.getBackend(), dim: loaded.dim };
      }),

    addSamples: (images, label) =>
      reply(async () => {
        try {
          alive();
          checkClassId(label);
          if (!Array.isArray(images) || images.length === 0) throw new VisionError('INVALID_INPUT', 'addSamples needs at least one image');
          const extractor = ready();
          const { x } = await extractor.extractImages(images.map((image: ImageInput) => ({ image, label })));
          const data = await x.data().finally(() => x.dispose());
          alive();
          for (let i = features.length; i <= label; i++) features[i] = [];
          for (let i = 0; i < images.length; i++) features[label].push(Float32Array.from(data.subarray(i * extractor.dim, (i + 1) * extractor.dim)));
          return counts();
        } finally {
          for (const image of images ?? []) closeFrame(image);
        }
      }),

    clearSamples: (label) =>
      reply(() => {
        alive();
        if (label !== undefined) checkClassId(label);
        if (label === undefined) features.length = 0;
        else if (features[label]) features[label] = [];
        return counts();
      }),

    train: (settings, onEvent) =>
      reply(async () => {
        if (disposed || training) {
          release(onEvent);
          alive();
          throw new VisionError('INVALID_OPTION', 'a training run is already in progress; cancel it first');
        }
        const controller = new AbortController();
        training = controller;
        try {
          const extractor = ready();
          checkSettings(settings, counts());
          const rows = features.flatMap((list) => list);
          const labels = features.flatMap((list, id) => list.map(() => id));
          const fraction = settings.validationFraction ?? 0.25;
          const split = fraction > 0 ? stratifiedSplit(labels, { validationFraction: fraction, seed: settings.seed }) : { train: labels.map((_, i) => i), validation: [] };
          const tensors = (indices: number[]) => ({
            x: tf.tensor2d(indices.flatMap((i) => Array.from(rows[i])), [indices.length, extractor.dim]),
            labels: Int32Array.from(indices, (i) => labels[i]),
          });
          const kind = settings.head ?? 'softmax';
          // the head first: it checks its settings, and a refused one must not strand the data tensors
          const head = buildHead(kind, { inputDim: extractor.dim, numClasses: settings.labels.length, seed: settings.seed, normalizeFeatures: false });
          const train = tensors(split.train);
          const validation = split.validation.length > 0 ? tensors(split.validation) : undefined;
          // progress goes over the callback's own port: the reply waits for the last event's
          // delivery (events on one port arrive in order), so every callback has run by the time train resolves
          let delivered: Promise<unknown> = Promise.resolve();
          const send = (event: TrainingEvent): void => {
            delivered = Promise.resolve(onEvent?.(event)).catch(() => undefined);
          };
          const started = Date.now();
          try {
            const result = await fit(head, train, {
              epochs: settings.epochs ?? 15,
              batchSize: settings.batchSize ?? 8,
              optimizer: { name: 'adam', learningRate: settings.learningRate ?? 1e-3 },
              loss: headLoss(kind),
              validationData: validation,
              monitor: validation ? 'val_loss' : 'loss', // the best epoch's weights are restored; accuracy on a few held-out samples saturates too early
              seed: settings.seed,
              signal: controller.signal,
              onBatchEnd: (log) => send({ type: 'batch', log }),
              onEpochEnd: (log) => send({ type: 'epoch', log }),
            });
            await delivered;
            alive();
            const exported = exportClassifier(extractor, head, { labels: settings.labels, id: 'trained-in-worker' });
            const pipeline = await services.createClassifier({ model: exported.runner, spec: exported.spec, topK: settings.labels.length });
            if (disposed) {
              pipeline.dispose(); // arrived after dispose(): never installed
              alive();
            }
            dropTrained();
            trained = { head, model: exported.model as tf.LayersModel, spec: exported.spec, pipeline };
            return { history: result.history, samples: { train: split.train.length, validation: split.validation.length }, stoppedEarly: result.stoppedEarly, diverged: result.diverged, elapsedMs: Date.now() - started };
          } catch (error) {
            head.dispose();
            alive(); // a run that dispose() cancelled answers DISPOSED, not ABORTED
            throw error;
          } finally {
            tf.dispose(validation ? [train.x, validation.x] : train.x);
          }
        } finally {
          training = null;
          release(onEvent);
        }
      }),

    cancel: () =>
      reply(() => {
        alive();
        training?.abort();
      }),

    classify: (image, topK) =>
      reply(async () => {
        try {
          return await classifier().pipeline.run(image, topK === undefined ? undefined : { topK });
        } finally {
          closeFrame(image);
        }
      }),

    toFiles: async () => {
      const answer = await reply(() => classifierToFiles(classifier().model, classifier().spec));
      return answer.ok ? Comlink.transfer(answer, [answer.value.weights.buffer as ArrayBuffer]) : answer;
    },

    save: (url) =>
      reply(async () => {
        await saveClassifier(classifier().model, classifier().spec, url);
      }),

    dispose: (): Promise<Reply<void>> =>
      reply(() => {
        if (disposed) return;
        disposed = true;
        training?.abort();
        dropTrained();
        gestures.dispose();
        features.length = 0;
        backbone?.dispose();
        // a backbone still loading is freed when it arrives; the setup waiting for it answers DISPOSED
        if (!backbone) loading?.then((late) => late.dispose(), () => undefined);
        backbone = null;
        loading = null;
      }),
  };
  return answerDisposedAfterDispose(api, () => disposed, 'this trainer was disposed');
}
