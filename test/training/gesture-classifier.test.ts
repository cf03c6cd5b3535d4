// The gesture classifier: trained with each of the toolkit's heads on posed hands (seed 1) it
// classifies hands it never saw (seed 2: other angles, bone lengths, 3-D rotations, sizes,
// positions and handedness, more landmark noise) with accuracy ≥ 0.95; the built-in five
// gestures do the same; a JSON round trip predicts the same scores; tensors stay flat; bad
// input and bad saved data are refused. The training worker's gesture trainer, in-thread: the
// built-in set loads into it, a cancelled run keeps the previous classifier, bad input is refused.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GESTURE_NAMES, type GeneratedHand, generateHandPoses } from '../../src/testing/hand-poses';
import { loadBuiltInGestures } from '../../src/training/gestures/builtin-gestures';
import { BUILT_IN_GESTURES } from '../../src/training/gestures/builtin-gestures-data';
import { GestureClassifier, type GestureHeadKind, type SavedGestureClassifier } from '../../src/training/gestures/gesture-classifier';
import { createGestureTrainerHost } from '../../src/training/worker/gesture-trainer-host';
import type { Reply } from '../../src/runtime/worker-reply';

const train = generateHandPoses({ perGesture: 30, seed: 1 });
const heldOut = generateHandPoses({ perGesture: 30, seed: 2, noise: 0.03 });
const samples = train.map((hand) => ({ hand, label: hand.gesture }));
/** Held-out accuracy per classifier, printed at the end. */
const measured: Record<string, number> = {};

async function heldOutAccuracy(classifier: GestureClassifier, hands: readonly GeneratedHand[] = heldOut): Promise<number> {
  const results = await classifier.classifyMany(hands);
  return results.filter((r, i) => r.label === hands[i].gesture).length / hands.length;
}

async function expectRejected(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await expect(promise).rejects.toMatchObject({ name: 'VisionError', code });
  if (message) await expect(promise).rejects.toThrow(message);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(() => {
  console.log(`held-out accuracy (${heldOut.length} hands, seed 2): ${JSON.stringify(measured)}`);
});

describe('GestureClassifier', () => {
  it.each<GestureHeadKind>(['knn', 'softmax', 'mlp', 'svm'])('%s head: ≥ 0.95 held-out accuracy, equal after a JSON round trip, tensors flat', async (head) => {
    const before = tf.memory().numTensors;
    const classifier = await GestureClassifier.train(samples, { head, seed: 3, epochs: 20, batchSize: 32 });
    expect(classifier.labels).toEqual(GESTURE_NAMES);
    const accuracy = await heldOutAccuracy(classifier);
    measured[head] = accuracy;
    expect(accuracy).toBeGreaterThanOrEqual(0.95);

    const json = JSON.parse(JSON.stringify(await classifier.toJSON())) as SavedGestureClassifier;
    const loaded = await GestureClassifier.fromJSON(json);
    const some = heldOut.filter((_, i) => i % 7 === 0);
    const [a, b] = [await classifier.classifyMany(some), await loaded.classifyMany(some)];
    expect(b.map((r) => r.label)).toEqual(a.map((r) => r.label));
    for (let i = 0; i < a.length; i++) for (const label of GESTURE_NAMES) expect(b[i].scores[label]).toBeCloseTo(a[i].scores[label], 6);

    const steady = tf.memory().numTensors;
    for (const hand of some) await loaded.classify(hand);
    expect(tf.memory().numTensors).toBe(steady);
    classifier.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('built-in five gestures: ≥ 0.95 on held-out hands, scores sum to 1, under 100 KB', async () => {
    expect(JSON.stringify(BUILT_IN_GESTURES).length).toBeLessThan(100_000);
    const gestures = await loadBuiltInGestures();
    expect(gestures.labels).toEqual(GESTURE_NAMES);
    expect(gestures.head).toBe('mlp');
    const accuracy = await heldOutAccuracy(gestures);
    measured['built-in'] = accuracy;
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
    const perGesture = Object.fromEntries(GESTURE_NAMES.map((name) => [name, heldOut.filter((h) => h.gesture === name)]));
    for (const name of GESTURE_NAMES) expect(await heldOutAccuracy(gestures, perGesture[name]), name).toBeGreaterThanOrEqual(0.9);
    const result = await gestures.classify(perGesture.victory[0]);
    expect(result.label).toBe('victory');
    expect(result.score).toBe(result.scores.victory);
    expect(Object.values(result.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    gestures.dispose();
    await expectRejected(gestures.classify(perGesture.fist[0]), 'DISPOSED');
  });

  it('refuses bad hands, too few examples, bad labels and bad saved data', async () => {
    const gestures = await loadBuiltInGestures();
    const hand = heldOut[0];
    await expectRejected(gestures.classify({ keypoints: hand.keypoints.slice(1) }), 'INVALID_INPUT', /exactly 21 keypoints/);
    await expectRejected(gestures.classify({ keypoints: hand.keypoints.map((p, i) => (i === 0 ? { ...p, x: Number.NaN } : p)) }), 'INVALID_INPUT', /keypoint 0 \(wrist\)/);
    await expectRejected(gestures.scoreFeatures([new Float32Array(10)]), 'INVALID_INPUT', /75/);
    expect(await gestures.classifyMany([])).toEqual([]);
    gestures.dispose();

    await expectRejected(GestureClassifier.train(samples.filter((s) => s.label === 'fist')), 'INVALID_OPTION', /at least two/);
    await expectRejected(GestureClassifier.train([...samples.slice(0, 10), { hand, label: 'wave' }], { head: 'knn' }), 'INVALID_INPUT', /'wave'/);
    await expectRejected(GestureClassifier.fromFeatures([new Float32Array(75)], [5], ['a', 'b']), 'INVALID_INPUT', /class id 5/);
    await expectRejected(GestureClassifier.train(samples, { head: 'tree' as GestureHeadKind }), 'INVALID_OPTION', /unknown head/);

    await expectRejected(GestureClassifier.fromJSON({ format: 'something else' } as unknown as SavedGestureClassifier), 'MODEL_FORMAT');
    await expectRejected(GestureClassifier.fromJSON({ ...BUILT_IN_GESTURES, featureDim: 63 }), 'MODEL_FORMAT', /63 features/);
    await expectRejected(GestureClassifier.fromJSON({ ...BUILT_IN_GESTURES, model: undefined }), 'MODEL_FORMAT', /no model/);
    const aborted = new AbortController();
    aborted.abort();
    await expectRejected(GestureClassifier.train(samples, { head: 'softmax', signal: aborted.signal }), 'ABORTED');
  });
});

function value<T>(reply: Reply<T>): T {
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply.value;
}

describe('the training worker\'s gesture trainer (in-thread, cpu)', () => {
  it('loads the built-in set, survives a cancelled run and bad input, and frees its tensors', async () => {
    const { api: host, dispose } = createGestureTrainerHost();
    expect(value(await host.setupGestures({ backend: 'cpu' }))).toEqual({ backend: 'cpu' });
    const before = tf.memory().numTensors;
    const hands = generateHandPoses({ gestures: ['fist', 'victory'], perGesture: 6, seed: 31 });

    expect(await host.classifyGestures(hands)).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION' } });
    expect(await host.gesturesToJSON()).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION' } });
    expect(value(await host.loadGestures(BUILT_IN_GESTURES))).toEqual(GESTURE_NAMES);
    expect(value(await host.classifyGestures(hands)).map((r) => r.label)).toEqual(hands.map((h) => h.gesture));

    expect(await host.addGestures([], 0)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await host.addGestures(hands.slice(0, 1), -1)).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION' } });
    expect(value(await host.addGestures(hands.slice(0, 6), 0))).toEqual([6]);
    expect(await host.trainGestures({ labels: ['fist', 'victory'] })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } }); // 'victory' has none
    expect(value(await host.addGestures(hands.slice(6), 1))).toEqual([6, 6]);
    expect(await host.trainGestures({ labels: ['fist'] })).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION' } });

    const cancelled = host.trainGestures({ labels: ['fist', 'victory'], epochs: 500, seed: 1 }, () => void host.cancelGestures());
    expect(await cancelled).toMatchObject({ ok: false, error: { code: 'ABORTED' } });
    expect(value(await host.classifyGestures(hands.slice(0, 1)))[0].scores).toHaveProperty('thumbs_up'); // still the built-in set

    const summary = value(await host.trainGestures({ labels: ['fist', 'victory'], head: 'softmax', epochs: 10, seed: 1 }));
    expect(summary).toMatchObject({ samples: 12 });
    expect(summary.history).toHaveLength(10);
    expect(value(await host.classifyGestures(hands)).map((r) => r.label)).toEqual(hands.map((h) => h.gesture));
    expect(value(await host.gesturesToJSON())).toMatchObject({ head: 'softmax', labels: ['fist', 'victory'] });

    dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
