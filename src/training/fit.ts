import * as tf from '@tensorflow/tfjs';
import { checkFunctionOptions } from '../core/callback-options';
import { optionalBoolean } from '../core/optional-boolean';
import { VisionError, throwIfAborted } from '../core/errors';
import { shownValue } from '../core/shown-value';
import { useFastCpuConvGradient } from './cpu-conv-gradient';
import { type WeightSnapshot, disposeSnapshot, restoreWeights, snapshotWeights } from './checkpoint';
import { checkNumber, checkObject, checkOptionalNumber } from './checks';
import { batchIndices, takeRows } from './dataset';
import { toRandom } from './random';
import { type LabeledTensors, checkLabeledData, evaluateClassifier } from './evaluate';
import { type GradientClipping, checkClipping } from './gradients';
import { type ClassificationLoss, type LossName, resolveLoss } from './losses';
import { type OptimizerName, type OptimizerOptions, createOptimizer, defaultLearningRate, disposeOptimizer, getLearningRate, setLearningRate } from './optimizers';
import type { LearningRateSchedule } from './schedules';
import { type ParamGroup, trainStep } from './train-step';
import { checkLive, checkNotDisposedDuring } from './model-liveness';
import { knownOptions, optionNames } from '../core/known-options';
import { headKindOf, headLoss, standardizeHeadFeatures } from './transfer/heads';

/**
 * What `onEpochEnd` receives (plain data): the epoch's mean training loss and accuracy, the
 * validation scores when there is validation data, the learning rate, and progress 0–1.
 *
 * @example
 * ```ts
 * onEpochEnd: (log: EpochLog) => console.log(log.epoch, log.valAccuracy),
 * ```
 */
export interface EpochLog {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  learningRate: number;
  progress: number;
  elapsedMs: number;
}

/** What `onBatchEnd` receives (plain data). @example `onBatchEnd: (b: BatchLog) => bar.value = b.progress` */
export interface BatchLog {
  epoch: number;
  batch: number;
  batches: number;
  step: number;
  loss: number;
  learningRate: number;
  progress: number;
}

/** The metric that early stopping and checkpointing watch. @example `const m: MonitorMetric = 'val_accuracy';` */
export type MonitorMetric = 'loss' | 'accuracy' | 'val_loss' | 'val_accuracy';

/**
 * A group of variables trained at a scaled learning rate (its own optimiser of the same kind).
 *
 * @example
 * ```ts
 * const groups: VariableGroup[] = [{ variables: head, learningRateScale: 1 }, { variables: lastBlock, learningRateScale: 0.1 }];
 * ```
 */
export interface VariableGroup {
  variables: tf.Variable[];
  learningRateScale?: number;
}

/**
 * Options of {@link fit}.
 *
 * @example
 * ```ts
 * const options: FitOptions = {
 *   epochs: 30, batchSize: 32, optimizer: { name: 'adam', learningRate: 3e-3 },
 *   schedule: cosineDecay(3e-3, { totalSteps: 900 }), clip: { maxNorm: 5 },
 *   validationData: val, earlyStopping: { patience: 5 }, signal,
 * };
 * ```
 */
export interface FitOptions {
  epochs: number;
  batchSize?: number;
  /** An optimiser's settings (or name), or a ready tfjs optimiser (default Adam 1e-3). */
  optimizer?: OptimizerOptions | OptimizerName | tf.Optimizer;
  /** Train only these variables, each group at its own learning-rate scale (default: all trainable weights at scale 1). Needs optimizer settings, not an instance. */
  groups?: readonly VariableGroup[];
  /** Default: the head's own for a head `buildHead` made (`headLoss`: hinge for svm), else cross-entropy. */
  loss?: LossName | ClassificationLoss;
  schedule?: LearningRateSchedule;
  clip?: GradientClipping;
  weightDecay?: number;
  validationData?: LabeledTensors;
  /** Default `val_loss` with validation data, else `loss`. */
  monitor?: MonitorMetric;
  /** Stop after `patience` epochs in a row that do not improve `monitor` by more than `minDelta` (as Keras; 0: at the first). */
  earlyStopping?: { patience: number; minDelta?: number };
  /** Restore the weights of the best epoch at the end (default true with validation data). */
  restoreBest?: boolean;
  /** Applied to each training batch's inputs (e.g. augmentation); must return a new tensor. */
  augment?: (x: tf.Tensor, step: number) => tf.Tensor;
  seed?: number;
  signal?: AbortSignal;
  onBatchEnd?: (log: BatchLog) => void;
  onEpochEnd?: (log: EpochLog) => void | Promise<void>;
}

/**
 * The outcome of {@link fit}: every completed epoch's log, the best epoch and its monitored
 * value (`-1` and ±Infinity when no epoch completed), whether early stopping ended training,
 * and whether training diverged.
 *
 * @example
 * ```ts
 * const { history, bestEpoch, diverged } = await fit(model, train, options);
 * if (diverged) console.warn('the loss became NaN or Infinity: lower the learning rate');
 * ```
 */
export interface FitResult {
  history: EpochLog[];
  bestEpoch: number;
  bestValue: number;
  stoppedEarly: boolean;
  /**
   * Whether training stopped at a batch whose loss was NaN or Infinity (a learning rate too high):
   * that batch was the last `onBatchEnd`, its unfinished epoch is not in `history`.
   */
  diverged: boolean;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

const FIT_OPTION_NAMES = /* @__PURE__ */ optionNames<FitOptions>()([
  'epochs', 'batchSize', 'optimizer', 'groups', 'loss', 'schedule', 'clip', 'weightDecay', 'validationData', 'monitor', 'earlyStopping', 'restoreBest', 'augment', 'seed', 'signal', 'onBatchEnd', 'onEpochEnd',
]);

function metricOf(log: EpochLog, monitor: MonitorMetric): number {
  const value = { loss: log.loss, accuracy: log.accuracy, val_loss: log.valLoss, val_accuracy: log.valAccuracy }[monitor];
  if (value === undefined) throw new VisionError('INVALID_OPTION', `monitor '${monitor}' needs validationData`);
  return value;
}

function makeGroups(model: tf.LayersModel, options: FitOptions): { groups: ParamGroup[]; owned: tf.Optimizer[] } {
  const spec = options.optimizer ?? 'adam';
  if (spec instanceof tf.Optimizer) {
    if (options.groups) throw new VisionError('INVALID_OPTION', 'groups need optimizer settings ({ name, learningRate }), not an optimizer instance');
    return { groups: [{ variables: model.trainableWeights.map((w) => w.read() as tf.Variable), optimizer: spec }], owned: [] };
  }
  const settings = typeof spec === 'string' ? { name: spec } : spec;
  checkObject(settings, 'optimizer');
  checkOptionalNumber(settings.learningRate, 'learningRate', 'positive');
  const list = options.groups ?? [{ variables: model.trainableWeights.map((w) => w.read() as tf.Variable) }];
  const groups: ParamGroup[] = [];
  try {
    for (const g of list) {
      const scale = g.learningRateScale ?? 1;
      const optimizer = createOptimizer({ ...settings, learningRate: (settings.learningRate ?? defaultLearningRate(settings.name)) * scale });
      groups.push({ variables: g.variables, optimizer, learningRateScale: scale });
    }
  } catch (error) {
    for (const g of groups) disposeOptimizer(g.optimizer);
    throw error;
  }
  return { groups, owned: groups.map((g) => g.optimizer) };
}

const MONITORS: readonly MonitorMetric[] = ['loss', 'accuracy', 'val_loss', 'val_accuracy'];

/**
 * Throws `INVALID_OPTION` unless every group holds variables that are trainable weights of the
 * model (others get no gradient), each in one group only (as torch.optim: a variable in two
 * groups would be stepped twice a batch).
 */
function checkGroups(model: tf.LayersModel, groups: FitOptions['groups']): void {
  if (groups === undefined) return;
  if (!Array.isArray(groups) || groups.length === 0) throw new VisionError('INVALID_OPTION', `groups is ${shownValue(groups)}; it must be a non-empty array of { variables, learningRateScale? }`);
  const trainable = new Set<tf.Variable>(model.trainableWeights.map((w) => w.read() as tf.Variable));
  const placed = new Map<tf.Variable, string>();
  groups.forEach((g: VariableGroup, i: number) => {
    checkObject(g, `groups[${i}]`);
    knownOptions(g, `groups[${i}]`, VARIABLE_GROUP_NAMES);
    if (!Array.isArray(g.variables) || g.variables.length === 0 || !g.variables.every((v: unknown) => v instanceof tf.Variable)) {
      throw new VisionError('INVALID_OPTION', `groups[${i}].variables must be a non-empty array of tf.Variable`);
    }
    const stranger = g.variables.findIndex((v) => !trainable.has(v));
    if (stranger >= 0) {
      throw new VisionError('INVALID_OPTION', `groups[${i}].variables[${stranger}] ('${g.variables[stranger].name}') is not a trainable weight of the model; each group may hold only the model's trainable weights (unfrozen layers)`);
    }
    g.variables.forEach((v, j) => {
      const first = placed.get(v);
      if (first !== undefined) throw new VisionError('INVALID_OPTION', `groups[${i}].variables[${j}] ('${v.name}') is also ${first}; a variable may be in one group only (it would be stepped once for each)`);
      placed.set(v, `groups[${i}].variables[${j}]`);
    });
    checkOptionalNumber(g.learningRateScale, `groups[${i}].learningRateScale`, 'positive');
  });
}

function checkCallbacks(options: FitOptions): void {
  checkFunctionOptions(options, ['schedule', 'augment', 'onBatchEnd', 'onEpochEnd']);
}

/** Every name of a {@link VariableGroup}. */
const VARIABLE_GROUP_NAMES = /* @__PURE__ */ optionNames<VariableGroup>()(['variables', 'learningRateScale']);

/** Every name of {@link FitOptions.earlyStopping}. */
const EARLY_STOPPING_NAMES = /* @__PURE__ */ optionNames<NonNullable<FitOptions['earlyStopping']>>()(['patience', 'minDelta']);

function checkMonitor(options: FitOptions): void {
  const { monitor, earlyStopping } = options;
  if (monitor !== undefined && !MONITORS.includes(monitor)) throw new VisionError('INVALID_OPTION', `monitor is ${shownValue(monitor)}; allowed: ${MONITORS.join(', ')}`);
  if (monitor?.startsWith('val_') && !options.validationData) throw new VisionError('INVALID_OPTION', `monitor '${monitor}' needs validationData`);
  if (earlyStopping === undefined) return;
  checkObject(earlyStopping, 'earlyStopping');
  knownOptions(earlyStopping, 'earlyStopping', EARLY_STOPPING_NAMES);
  checkNumber(earlyStopping.patience, 'earlyStopping.patience', 'non-negative integer');
  checkOptionalNumber(earlyStopping.minDelta, 'earlyStopping.minDelta', 'non-negative');
}

/** Every check of {@link fit}'s options and data, before any tensor is made. */
async function checkOptions(model: tf.LayersModel, data: LabeledTensors, options: FitOptions): Promise<void> {
  checkObject(options, 'fit options');
  knownOptions(options, 'fit options', FIT_OPTION_NAMES);
  checkLive(model);
  checkNumber(options.epochs, 'epochs', 'positive integer');
  checkOptionalNumber(options.batchSize, 'batchSize', 'positive integer');
  checkOptionalNumber(options.weightDecay, 'weightDecay', 'non-negative');
  checkOptionalNumber(options.seed, 'seed', 'integer');
  optionalBoolean(options.restoreBest, 'restoreBest');
  if (options.clip !== undefined) checkClipping(options.clip);
  checkGroups(model, options.groups);
  checkCallbacks(options);
  checkMonitor(options);
  if (model.trainableWeights.length === 0 && !options.groups) throw new VisionError('INVALID_OPTION', 'the model has no trainable weights (all layers frozen?)');
  await checkLabeledData(model, data, 'data');
  if (options.validationData !== undefined) await checkLabeledData(model, options.validationData, 'validationData');
}

/**
 * The learning rate of a step: the schedule's (checked) or the optimiser's base rate. A schedule
 * may reach 0 — `cosineDecay` ends at its `minimum`, 0 by default, past `totalSteps` — where a
 * step changes nothing; negative or non-finite rates are refused.
 */
function rateAt(options: FitOptions, step: number, baseRate: number): number {
  if (!options.schedule) return baseRate;
  const rate = options.schedule(step);
  checkNumber(rate, `the schedule's learning rate at step ${step}`, 'non-negative');
  return rate;
}

/** One training batch: gathers it, augments it, steps; returns its loss and number of hits. Frees every tensor it made, also on failure. */
async function trainBatch(model: tf.LayersModel, groups: ParamGroup[], data: LabeledTensors, labels: tf.Tensor1D, batch: readonly number[], step: number, options: FitOptions & { lossFn: ClassificationLoss }): Promise<{ loss: number; hits: number }> {
  const made: tf.Tensor[] = [];
  const own = <T extends tf.Tensor>(t: T): T => {
    made.push(t);
    return t;
  };
  try {
    const xb = own(takeRows(data.x, batch));
    const yb = own(takeRows(labels, batch));
    const input = options.augment ? own(options.augment(xb, step)) : xb;
    if (!(input instanceof tf.Tensor) || input.shape.join() !== xb.shape.join()) {
      throw new VisionError('INVALID_OPTION', `augment returned ${input instanceof tf.Tensor ? `shape [${input.shape.join(', ')}]` : shownValue(input)} at step ${step}; it must return a tensor of the batch's shape [${xb.shape.join(', ')}]`);
    }
    const out = trainStep(model, groups, input, yb, { loss: options.lossFn, clip: options.clip, weightDecay: options.weightDecay });
    own(out.loss);
    own(out.predicted);
    const hits = own(tf.tidy(() => tf.sum(tf.cast(tf.equal(out.predicted, yb), 'int32'))));
    return { loss: (await out.loss.data())[0], hits: (await hits.data())[0] };
  } finally {
    tf.dispose(made);
  }
}

/**
 * Trains a classifier (a tfjs LayersModel that outputs logits or scores) on labelled tensors
 * with a custom loop: shuffled batches, any optimiser and learning-rate schedule, gradient
 * clipping, weight decay, per-group learning rates, callbacks with progress, early stopping
 * on a monitored metric and restore of the best epoch's weights. `signal` aborts between
 * batches with `VisionError('ABORTED')`, leaving the model usable. Like Keras' `TerminateOnNaN`,
 * training stops at the first batch whose loss is NaN or Infinity and the result says
 * `diverged: true` (the weights are what that step left, unless `restoreBest` restores the best
 * completed epoch's as at any end). Tensor counts stay flat,
 * also when a step fails. Options and data are checked before any tensor is made:
 * `INVALID_OPTION` for a bad setting, `INVALID_INPUT` for features the model cannot take, labels
 * that are not its class indices, or NaN/Infinity features; a schedule's rate is checked per step.
 *
 * @example
 * ```ts
 * const result = await fit(model, { x, labels }, {
 *   epochs: 20, optimizer: 'adam', validationData: { x: xVal, labels: yVal },
 *   monitor: 'val_accuracy', earlyStopping: { patience: 3 },
 *   onEpochEnd: (log) => console.log(log.epoch, log.valAccuracy),
 * });
 * ```
 */
export async function fit(model: tf.LayersModel, data: LabeledTensors, options: FitOptions): Promise<FitResult> {
  await checkOptions(model, data, options);
  useFastCpuConvGradient();
  // a head buildHead made trains with its own loss unless told otherwise (an svm head: hinge)
  const kind = headKindOf(model);
  const loss = resolveLoss(options.loss ?? (kind === undefined ? undefined : headLoss(kind)));
  standardizeHeadFeatures(model, data.x); // its running statistics would lag far behind a short training
  const batchSize = options.batchSize ?? 32;
  const monitor = options.monitor ?? (options.validationData ? 'val_loss' : 'loss');
  const higherIsBetter = monitor.endsWith('accuracy');
  const restoreBest = options.restoreBest ?? options.validationData !== undefined;
  const minDelta = options.earlyStopping?.minDelta ?? 0;
  const { groups, owned } = makeGroups(model, options);
  const baseRates = groups.map((g) => getLearningRate(g.optimizer) / (g.learningRateScale ?? 1));
  const labels = tf.tensor1d(Int32Array.from(data.labels), 'int32');
  const history: EpochLog[] = [];
  let best: WeightSnapshot | null = null;
  let bestValue = higherIsBetter ? -Infinity : Infinity;
  let bestEpoch = -1;
  let stale = 0;
  let step = 0;
  let stoppedEarly = false;
  let diverged = false;
  const started = Date.now();
  const n = data.labels.length;
  // one generator for every epoch's order: seeds 1 and 2 are not the same orders an epoch apart
  const shuffling = toRandom(options.seed);
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const batches = batchIndices(n, batchSize, { seed: shuffling });
      let lossSum = 0;
      let right = 0;
      for (let b = 0; b < batches.length; b++) {
        throwIfAborted(options.signal, 'training');
        checkNotDisposedDuring(model);
        const rate = rateAt(options, step, baseRates[0]);
        groups.forEach((g) => setLearningRate(g.optimizer, rate * (g.learningRateScale ?? 1)));
        const { loss: lossValue, hits } = await trainBatch(model, groups, data, labels, batches[b], step, { ...options, lossFn: loss });
        right += hits;
        lossSum += lossValue * batches[b].length;
        step++;
        options.onBatchEnd?.({ epoch, batch: b, batches: batches.length, step, loss: lossValue, learningRate: rate, progress: (epoch + (b + 1) / batches.length) / options.epochs });
        if (!Number.isFinite(lossValue)) {
          diverged = true; // as Keras' TerminateOnNaN: the weights are NaN or about to be
          break;
        }
        await yieldToEventLoop();
      }
      if (diverged) break;
      const log: EpochLog = {
        epoch, loss: lossSum / n, accuracy: right / n, learningRate: getLearningRate(groups[0].optimizer) / (groups[0].learningRateScale ?? 1),
        progress: (epoch + 1) / options.epochs, elapsedMs: Date.now() - started,
      };
      if (options.validationData) {
        checkNotDisposedDuring(model);
        const val = await evaluateClassifier(model, options.validationData, loss);
        log.valLoss = val.loss;
        log.valAccuracy = val.accuracy;
      }
      history.push(log);
      const value = metricOf(log, monitor);
      const improved = higherIsBetter ? value > bestValue + minDelta : value < bestValue - minDelta;
      if (improved) {
        bestValue = value;
        bestEpoch = epoch;
        stale = 0;
        if (restoreBest) {
          disposeSnapshot(best);
          best = snapshotWeights(model);
        }
      } else {
        stale++;
      }
      await options.onEpochEnd?.(log);
      // as Keras: only an epoch that did not improve can stop training (patience 0: the first such epoch)
      if (options.earlyStopping && !improved && stale >= options.earlyStopping.patience) {
        stoppedEarly = true;
        break;
      }
    }
    if (restoreBest && best) {
      checkNotDisposedDuring(model);
      restoreWeights(model, best);
    }
    return { history, bestEpoch, bestValue, stoppedEarly, diverged };
  } finally {
    disposeSnapshot(best);
    labels.dispose();
    for (const o of owned) disposeOptimizer(o);
  }
}
