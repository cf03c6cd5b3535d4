import * as Comlink from 'comlink';
import { VisionError } from '../../core/errors';
import { shownValue } from '../../core/shown-value';
import { selectTfjsBackend } from '../../runtime/tfjs-backend';
import type { EpochLog } from '../fit';
import { GestureClassifier } from '../gestures/gesture-classifier';
import { type HandLandmarks, handFeatures } from '../gestures/hand-features';
import { checkLabels } from '../gestures/gesture-checks';
import { reply } from '../../runtime/worker-reply';
import type { GestureTrainerApi } from './gesture-trainer-protocol';
import { answerDisposedAfterDispose } from './disposed-guard';

/** Most gesture classes a trainer takes (a guard against ids that are really something else). */
const MAX_CLASSES = 100;

/**
 * `INVALID_OPTION` unless `label` is a class id: an integer 0 – 99 (the most classes a trainer takes).
 *
 * @example
 * ```ts
 * checkClassId(label); // 1.5, -1 and "0" are refused
 * ```
 */
export function checkClassId(label: unknown): asserts label is number {
  if (!Number.isInteger(label) || (label as number) < 0 || (label as number) >= MAX_CLASSES) throw new VisionError('INVALID_OPTION', `label is ${shownValue(label)}; it must be a class id 0–${MAX_CLASSES - 1}`);
}

/**
 * The highest class id that holds samples now, from the per-class sample counts (−1 when none
 * does): a class cleared since it was filled holds none, so it needs no label.
 *
 * @example
 * ```ts
 * highestFilledClass([4, 4, 0]); // 1
 * ```
 */
export function highestFilledClass(counts: readonly number[]): number {
  return counts.reduce((last, n, id) => (n > 0 ? id : last), -1);
}

function release(callback: ((log: EpochLog) => void) | undefined): void {
  (callback as unknown as Partial<Record<typeof Comlink.releaseProxy, () => void>> | undefined)?.[Comlink.releaseProxy]?.();
}

/**
 * The in-worker gesture trainer: keeps the hand features of the samples it is sent per class
 * id, trains a {@link GestureClassifier} on them (epoch events, cancellable), classifies hands,
 * and saves or loads classifiers as JSON. `dispose` frees the classifier; a classifier that a
 * run still in flight makes afterwards is freed at once, and that call and every later one
 * answer `DISPOSED`. Part of the training
 * worker's API (`createTrainerHost` includes it).
 *
 * @example
 * ```ts
 * const gestures = createGestureTrainerHost();
 * Comlink.expose({ ...imageApi, ...gestures.api }, port);
 * ```
 */
export function createGestureTrainerHost(): { api: GestureTrainerApi; dispose(): void } {
  let disposed = false;
  const features: Float32Array[][] = [];
  let classifier: GestureClassifier | null = null;
  let training: AbortController | null = null;
  const counts = (): number[] => Array.from(features, (rows) => rows?.length ?? 0);
  const alive = (): void => {
    if (disposed) throw new VisionError('DISPOSED', 'this gesture trainer was disposed');
  };
  const replace = (next: GestureClassifier): void => {
    if (disposed) next.dispose(); // arrived after dispose(): freed, never installed
    alive();
    classifier?.dispose();
    classifier = next;
  };
  const trained = (): GestureClassifier => {
    alive();
    if (!classifier) throw new VisionError('INVALID_OPTION', 'no gesture classifier yet; call train() or load one first');
    return classifier;
  };

  const api: GestureTrainerApi = {
    setupGestures: (setup) =>
      reply(async () => {
        alive();
        return { backend: await selectTfjsBackend(setup) };
      }),

    addGestures: (hands, label) =>
      reply(() => {
        alive();
        checkClassId(label);
        if (!Array.isArray(hands) || hands.length === 0) throw new VisionError('INVALID_INPUT', 'addGestures needs at least one hand');
        const rows = hands.map((hand: HandLandmarks) => handFeatures(hand)); // all or none: a bad hand adds nothing
        for (let i = features.length; i <= label; i++) features[i] = [];
        features[label].push(...rows);
        return counts();
      }),

    clearGestures: (label) =>
      reply(() => {
        alive();
        if (label !== undefined) checkClassId(label);
        if (label === undefined) features.length = 0;
        else if (features[label]) features[label] = [];
        return counts();
      }),

    trainGestures: (settings, onEpoch) =>
      reply(async () => {
        if (disposed || training) {
          release(onEpoch);
          alive();
          throw new VisionError('INVALID_OPTION', 'a gesture training run is already in progress; cancel it first');
        }
        const controller = new AbortController();
        training = controller;
        const started = Date.now();
        const history: EpochLog[] = [];
        // progress goes over the callback's own port: the reply waits for the last epoch's delivery (events on one port arrive in order)
        let delivered: Promise<unknown> = Promise.resolve();
        try {
          if (typeof settings !== 'object' || settings === null) throw new VisionError('INVALID_OPTION', "trainGestures needs settings with the class names: { labels: ['fist', 'open'], … }");
          checkLabels(settings.labels, 'INVALID_OPTION');
          const top = highestFilledClass(counts());
          if (top >= settings.labels.length) throw new VisionError('INVALID_OPTION', `there are samples for class id ${top} but only ${settings.labels.length} labels`);
          const rows = features.flatMap((list) => list);
          const ids = features.flatMap((list, id) => list.map(() => id));
          const { labels, ...trainOptions } = settings;
          const next = await GestureClassifier.fromFeatures(rows, ids, labels, {
            ...trainOptions,
            signal: controller.signal,
            onEpochEnd: (log) => {
              history.push(log);
              delivered = Promise.resolve(onEpoch?.(log)).catch(() => undefined);
            },
          });
          await delivered;
          replace(next);
          return { history, samples: rows.length, elapsedMs: Date.now() - started };
        } finally {
          training = null;
          release(onEpoch);
        }
      }),

    cancelGestures: () =>
      reply(() => {
        alive();
        training?.abort();
      }),

    classifyGestures: (hands) =>
      reply(() => {
        if (!Array.isArray(hands)) throw new VisionError('INVALID_INPUT', 'classifyGestures needs an array of hands');
        return trained().classifyMany(hands);
      }),

    loadGestures: (saved) =>
      reply(async () => {
        alive();
        replace(await GestureClassifier.fromJSON(saved));
        return [...trained().labels];
      }),

    gesturesToJSON: () => reply(() => trained().toJSON()),
  };

  return {
    api: answerDisposedAfterDispose(api, () => disposed, 'this gesture trainer was disposed'),
    dispose: () => {
      disposed = true;
      training?.abort();
      classifier?.dispose();
      classifier = null;
      features.length = 0;
    },
  };
}
