/**
 * The detector's training loop: shuffled batches of scenes with random horizontal flips,
 * Adam with linear warm-up then cosine decay, progress and AbortSignal.
 */
import * as tf from '@tensorflow/tfjs';
import { checkFunctionOptions } from '../../core/callback-options';
import { VisionError } from '../../core/errors';
import { eventLoopCheckpoint } from '../../core/event-loop';
import { shownValue } from '../../core/shown-value';
import type { LongWorkOptions } from '../../core/labeled-data';
import { checkObject, checkOptionalNumber } from '../checks';
import { createOptimizer, setLearningRate } from '../optimizers';
import { seededRandom, shuffle } from '../random';
import { cosineDecay, linearWarmup } from '../schedules';
import { assignTargets, detectorLoss } from './detector-loss';
import { checkScenes } from './scene-checks';
import { TrainableDetector } from './detector-model';
import { type ShapeScene, flipSceneHorizontal } from './shape-scenes';
import { knownOptions, optionNames } from '../../core/known-options';
import { useFastWasmKernels } from '../../runtime/wasm-fast-kernels';

const TRAIN_DETECTOR_OPTION_NAMES = /* @__PURE__ */ optionNames<TrainDetectorOptions>()(['epochs', 'batchSize', 'learningRate', 'warmupSteps', 'flip', 'train', 'seed', 'onStep', 'signal', 'onProgress']);

/** Losses of one training step. @example `onStep: (log) => console.log(log.step, log.loss)` */
export interface DetectorStepLog {
  step: number;
  loss: number;
  cls: number;
  box: number;
  mask: number;
  learningRate: number;
}

/**
 * Options of {@link trainDetector}.
 *
 * @example
 * ```ts
 * const options: TrainDetectorOptions = { epochs: 20, batchSize: 16, learningRate: 0.003, signal };
 * ```
 */
export interface TrainDetectorOptions extends LongWorkOptions {
  /** Passes over the scenes. Default 20. */
  epochs?: number;
  /** Default 16. */
  batchSize?: number;
  /** Adam's peak learning rate. Default 0.003. */
  learningRate?: number;
  /** Linear warm-up steps. Default 5% of the steps. */
  warmupSteps?: number;
  /** Random horizontal flips (boxes and masks flipped with the image). Default true. */
  flip?: boolean;
  /**
   * `all` (default): every weight, batch norm on batch statistics. `head`: only the heads
   * (class, box and mask), with every batch norm frozen on its running statistics — fine-tuning
   * a trained detector on new classes.
   */
  train?: 'all' | 'head';
  seed?: number;
  /** Called after each step with its losses (reading them waits for the step). */
  onStep?: (log: DetectorStepLog) => void;
}

/** What {@link trainDetector} did. @example `console.log(result.seconds, result.finalLoss);` */
export interface TrainDetectorResult {
  steps: number;
  seconds: number;
  /** Mean loss of the last epoch. */
  finalLoss: number;
  /** Mean loss of each epoch. */
  epochLosses: number[];
}

const HEAD_LAYERS = ['head_cls', 'cls', 'head_box', 'box', 'coef', 'proto_conv', 'proto'];

function batchTensor(scenes: readonly ShapeScene[], size: number): tf.Tensor4D {
  const data = new Float32Array(scenes.length * size * size * 3);
  scenes.forEach((s, k) => {
    const px = s.image.data;
    for (let i = 0; i < px.length; i++) data[k * px.length + i] = px[i] / 255;
  });
  return tf.tensor4d(data, [scenes.length, size, size, 3]);
}

/** Throws `INVALID_OPTION` for a bad {@link TrainDetectorOptions} setting. */
function checkTrainDetectorOptions(options: TrainDetectorOptions): void {
  checkObject(options, 'trainDetector options');
  knownOptions(options, 'trainDetector options', TRAIN_DETECTOR_OPTION_NAMES);
  checkOptionalNumber(options.epochs, 'epochs', 'positive integer');
  checkOptionalNumber(options.batchSize, 'batchSize', 'positive integer');
  checkOptionalNumber(options.learningRate, 'learningRate', 'positive');
  checkOptionalNumber(options.warmupSteps, 'warmupSteps', 'non-negative integer');
  checkOptionalNumber(options.seed, 'seed', 'integer');
  if (options.train !== undefined && options.train !== 'all' && options.train !== 'head') {
    throw new VisionError('INVALID_OPTION', `train is ${shownValue(options.train)}; allowed: all, head`);
  }
  if (options.flip !== undefined && typeof options.flip !== 'boolean') throw new VisionError('INVALID_OPTION', `flip is ${shownValue(options.flip)}; it must be true or false`);
  checkFunctionOptions(options, ['onStep', 'onProgress']);
}

/**
 * Trains `detector` in place on generated (or the user's own) scenes of its input size:
 * centre-sampling assignment, BCE + GIoU (+ mask) loss, Adam with warm-up and cosine decay.
 * Works on every tfjs backend — WebGPU where the device has it (select it with `tf.setBackend`
 * first), wasm in Node (convolution gradients are computed as forward convolutions, which wasm
 * runs with XNNPACK, and the SDK's faster wasm kernels are put in front of tfjs' own, with the
 * same results); tensor counts stay flat.
 *
 * @throws VisionError `INVALID_INPUT` for scenes of another size, short image data, class ids
 * out of range, pixel values outside 0–255, non-finite or inverted boxes, masks of the wrong
 * length or with values other than 0 and 1 (objects need no mask without a mask head),
 * `INVALID_OPTION` for bad options or a loss that diverges (the weights are then put back as
 * they were before the call), `ABORTED` when the signal fires, `DISPOSED` for a disposed detector.
 * @example
 * ```ts
 * const detector = new TrainableDetector({ inputSize: 64, labels: ['circle', 'square', 'triangle'] });
 * const result = await trainDetector(detector, trainScenes, { epochs: 20, onProgress: (p) => bar(p.fraction) });
 * ```
 */
export async function trainDetector(detector: TrainableDetector, scenes: readonly ShapeScene[], options: TrainDetectorOptions = {}): Promise<TrainDetectorResult> {
  if (!(detector instanceof TrainableDetector)) throw new VisionError('INVALID_INPUT', `trainDetector takes a TrainableDetector; got ${shownValue(detector)}`);
  const { inputSize: size, labels } = detector.config;
  const numClasses = labels.length;
  if (detector.params.size === 0) throw new VisionError('DISPOSED', 'this detector was disposed (detector.dispose()); make a new TrainableDetector');
  checkTrainDetectorOptions(options);
  checkScenes(scenes, { size, numClasses, numPrototypes: detector.config.numPrototypes ?? 0 });
  if (tf.getBackend() === 'wasm') useFastWasmKernels();
  const epochs = options.epochs ?? 20;
  const batchSize = options.batchSize ?? 16;
  const perEpoch = Math.ceil(scenes.length / batchSize);
  const total = perEpoch * epochs;
  const peak = options.learningRate ?? 0.003;
  const warmup = Math.max(1, options.warmupSteps ?? Math.round(total * 0.05));
  const schedule = linearWarmup(peak, { warmupSteps: warmup, after: cosineDecay(peak, { totalSteps: Math.max(1, total - warmup), minimum: peak * 0.02 }) });
  const optimizer = createOptimizer({ name: 'adam', learningRate: peak });
  const varList = [...detector.params]
    .filter(([key]) => options.train !== 'head' || HEAD_LAYERS.includes(key.split('/')[0]))
    .map(([, v]) => v);
  const rng = seededRandom(options.seed ?? 3);
  const started = Date.now();
  const epochLosses: number[] = [];
  let step = 0;
  // the weights before training: a run that diverges puts them back, so the detector stays usable
  const before = detector.snapshot();
  const checkpoint = eventLoopCheckpoint(options.signal, 'detector training');
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = shuffle([...scenes.keys()], rng);
      let sum = 0;
      for (let start = 0; start < order.length; start += batchSize) {
        await checkpoint(); // a wasm or cpu step never yields: let timers, events and abort signals through
        const batch = order.slice(start, start + batchSize).map((i) => (options.flip !== false && rng() < 0.5 ? flipSceneHorizontal(scenes[i]) : scenes[i]));
        const targets = assignTargets(batch, { inputSize: size, numClasses, numPrototypes: detector.config.numPrototypes });
        const learningRate = schedule(step);
        setLearningRate(optimizer, learningRate);
        const x = batchTensor(batch, size);
        let kept: tf.Scalar[] = [];
        let parts: tf.Scalar[];
        try {
          parts = tf.tidy(() => {
            const loss = optimizer.minimize(() => {
              const l = detectorLoss(detector.forward(x, { training: options.train !== 'head' }), targets);
              kept = [l.cls, l.box, l.mask].map((t) => tf.keep(t.clone()));
              return l.total;
            }, true, varList);
            return [loss as tf.Scalar, ...kept];
          });
        } catch (error) {
          tf.dispose(kept); // a step that failed (the detector disposed meanwhile, a missing kernel) leaves nothing behind
          throw error;
        } finally {
          x.dispose();
        }
        const [loss, cls, box, mask] = await Promise.all(parts.map(async (t) => (await t.data())[0]));
        tf.dispose(parts);
        if (!Number.isFinite(loss)) {
          for (const [key, variable] of [...detector.params, ...detector.stats]) variable.assign(before.get(key) as tf.Tensor);
          throw new VisionError('INVALID_OPTION', `the loss became ${loss} at step ${step}; lower the learning rate (the detector's weights are as they were before this call)`);
        }
        sum += loss * batch.length;
        step++;
        options.onStep?.({ step, loss, cls, box, mask, learningRate });
        options.onProgress?.({ done: step, total, fraction: step / total });
      }
      epochLosses.push(sum / scenes.length);
    }
  } finally {
    optimizer.dispose();
    tf.dispose([...before.values()]);
  }
  return { steps: step, seconds: (Date.now() - started) / 1000, finalLoss: epochLosses[epochLosses.length - 1] ?? Number.NaN, epochLosses };
}
