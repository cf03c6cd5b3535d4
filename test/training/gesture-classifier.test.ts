// The gesture classifier: trained with each of the toolkit's heads on posed hands (seed 1) it
// classifies hands it never saw (seed 2: other angles, bone lengths, 3-D rotations, sizes,
// positions and handedness, more landmark noise) with accuracy ≥ 0.95; the built-in five
// gestures do the same; a JSON round trip predicts the same scores; tensors stay flat; bad
// input and bad saved data are refused. The training worker's gesture trainer, in-thread: the
// built-in set loads into it, a cancelled run keeps the previous classifier, bad input is refused.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GESTURE_NAMES, POSED_GESTURES, type GeneratedHand, generateHandPoses } from '../../src/testing/hand-poses';
import { loadBuiltInGestures } from '../../src/training/gestures/builtin-gestures';
import { BUILT_IN_GESTURES } from '../../src/training/gestures/builtin-gestures-data';
import { GestureClassifier, type GestureHeadKind, type GestureTrainOptions, type SavedGestureClassifier } from '../../src/training/gestures/gesture-classifier';
import { handFeatures } from '../../src/training/gestures/hand-features';
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
  console.log(`held-out accuracy (${heldOut.length} hands, seed 2; the built-in set's with 60 none hands more): ${JSON.stringify(measured)}`);
});

describe('GestureClassifier', () => {
  it.each<GestureHeadKind>(['knn', 'softmax', 'mlp', 'svm'])('%s head: ≥ 0.95 held-out accuracy, equal after a JSON round trip, tensors flat', async (head) => {
    const before = tf.memory().numTensors;
    const classifier = await GestureClassifier.train(samples, { head, seed: 3, epochs: 20, batchSize: 32 });
    expect(classifier.labels).toEqual(GESTURE_NAMES);
    const accuracy = await heldOutAccuracy(classifier);
    measured[head] = accuracy;
    expect(accuracy).toBeGreaterThanOrEqual(0.95);

    // JSON.stringify takes the classifier itself (toJSON is synchronous)
    const json = JSON.parse(JSON.stringify(classifier)) as SavedGestureClassifier;
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

  it('built-in five gestures and none: ≥ 0.95 on held-out hands (a hand in none of the five is none), scores sum to 1, under 100 KB', async () => {
    expect(JSON.stringify(BUILT_IN_GESTURES).length).toBeLessThan(100_000);
    const gestures = await loadBuiltInGestures();
    expect(gestures.labels).toEqual([...GESTURE_NAMES, 'none']);
    expect(gestures.labels).toEqual(POSED_GESTURES);
    expect(gestures.head).toBe('mlp');
    const withNone = [...heldOut, ...generateHandPoses({ gestures: ['none'], perGesture: 60, seed: 2, noise: 0.03 })];
    const accuracy = await heldOutAccuracy(gestures, withNone);
    measured['built-in'] = accuracy;
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
    const perGesture = Object.fromEntries(POSED_GESTURES.map((name) => [name, withNone.filter((h) => h.gesture === name)]));
    // none: relaxed hands, half-bent fingers, horns, three fingers … (the five-class set called them gestures, confidently)
    for (const name of POSED_GESTURES) expect(await heldOutAccuracy(gestures, perGesture[name]), name).toBeGreaterThanOrEqual(0.9);
    // a landmark model's depth is far flatter than the posed hands' (a sixth to a third on real photos), or left out:
    // the same hands with z × 0.25 scored 0.933 and without z 0.787 before the built-in set learnt flattened depth
    const flattened = (scale: number): GeneratedHand[] => withNone.map((h) => ({ ...h, keypoints: h.keypoints.map((k) => ({ ...k, z: k.z * scale })) }));
    measured['built-in z×0.25'] = await heldOutAccuracy(gestures, flattened(0.25));
    measured['built-in without z'] = await heldOutAccuracy(gestures, flattened(0));
    expect(measured['built-in z×0.25']).toBeGreaterThanOrEqual(0.95);
    expect(measured['built-in without z']).toBeGreaterThanOrEqual(0.9);
    // upright hands, palm to the camera (a webcam's usual view), without z: an upright fist was
    // 'none' in 30–37 % of cases before the set learnt upright and flatter hands
    const upright = [...generateHandPoses({ perGesture: 30, seed: 404, noise: 0.03, rotation: 'none' }), ...generateHandPoses({ gestures: ['none'], perGesture: 60, seed: 405, noise: 0.03, rotation: 'none' })]
      .map((h) => ({ ...h, keypoints: h.keypoints.map((k) => ({ ...k, z: 0 })) }));
    measured['built-in upright without z'] = await heldOutAccuracy(gestures, upright);
    expect(measured['built-in upright without z']).toBeGreaterThanOrEqual(0.93);
    for (const name of POSED_GESTURES) expect(await heldOutAccuracy(gestures, upright.filter((h) => h.gesture === name)), `upright ${name}`).toBeGreaterThanOrEqual(0.85);
    const result = await gestures.classify(perGesture.victory[0]);
    expect(result.label).toBe('victory');
    expect(result.score).toBe(result.scores.victory);
    expect(Object.values(result.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    gestures.dispose();
    await expectRejected(gestures.classify(perGesture.fist[0]), 'DISPOSED');
  });

  it('knn head: a true majority of the k nearest (49 near votes lose to 50 far ones), a tie goes to the nearer', async () => {
    const hand = heldOut[0];
    const near = handFeatures(hand);
    const shifted = (by: number): Float32Array => near.map((v) => v + by);
    const rows = [...Array.from({ length: 49 }, (_, i) => shifted(0.01 + i * 1e-3)), ...Array.from({ length: 50 }, (_, i) => shifted(1 + i * 1e-3))];
    const classIds = [...Array<number>(49).fill(1), ...Array<number>(50).fill(0)];
    const majority = await GestureClassifier.fromFeatures(rows, classIds, ['far', 'near'], { head: 'knn', k: 99 });
    expect(await majority.classify(hand)).toMatchObject({ label: 'far', score: Math.fround(50 / 99), scores: { far: Math.fround(50 / 99), near: Math.fround(49 / 99) } });
    majority.dispose();
    const tie = await GestureClassifier.fromFeatures([shifted(1), shifted(1.1), shifted(0.01), shifted(0.02)], [0, 0, 1, 1], ['far', 'near'], { head: 'knn', k: 4 });
    expect(await tie.classify(hand)).toMatchObject({ label: 'near', score: 0.5, scores: { far: 0.5, near: 0.5 } });
    tie.dispose();
  });

  it('refuses bad hands, too few examples, bad labels and bad saved data', async () => {
    const gestures = await loadBuiltInGestures();
    const hand = heldOut[0];
    await expectRejected(gestures.classify({ keypoints: hand.keypoints.slice(1) }), 'INVALID_INPUT', /exactly 21 keypoints/);
    await expectRejected(gestures.classify({ keypoints: hand.keypoints.map((p, i) => (i === 0 ? { ...p, x: Number.NaN } : p)) }), 'INVALID_INPUT', /keypoint 0 \(wrist\)/);
    await expectRejected(gestures.scoreFeatures([new Float32Array(10)]), 'INVALID_INPUT', /75/);
    expect(await gestures.classifyMany([])).toEqual([]);
    gestures.dispose();

    await expectRejected(GestureClassifier.train(samples.filter((s) => s.label === 'fist')), 'INVALID_OPTION', /distinct labels are only "fist"; they must list at least two/);
    await expectRejected(GestureClassifier.train([]), 'INVALID_INPUT', /no samples were given/);
    // an empty gesture name was taken everywhere (the README says class names are non-empty)
    await expectRejected(GestureClassifier.train(samples.map((s) => (s.label === 'fist' ? { ...s, label: '' } : s))), 'INVALID_OPTION', /distinct labels have "" at index \d+; they must list at least two gesture names \(non-empty strings\)/);
    await expectRejected(GestureClassifier.fromFeatures([new Float32Array(75)], [0], ['', 'x']), 'INVALID_OPTION', /labels have "" at index 0/);
    await expectRejected(GestureClassifier.train([...samples.slice(0, 10), { hand, label: 'wave' }], { head: 'knn' }), 'INVALID_INPUT', /'wave'/);
    await expectRejected(GestureClassifier.fromFeatures([new Float32Array(75)], [5], ['a', 'b']), 'INVALID_INPUT', /class id 5/);
    await expectRejected(GestureClassifier.train(samples, { head: 'tree' as GestureHeadKind }), 'INVALID_OPTION', /unknown head/);
    // another library's name for k was ignored (5 neighbours)
    await expectRejected(GestureClassifier.train(samples, { head: 'knn', neighbours: 3 } as never), 'INVALID_OPTION', /unknown option\(s\) neighbours; allowed: head, epochs, batchSize, learningRate, hidden, k,/);

    await expectRejected(GestureClassifier.fromJSON({ format: 'something else' } as unknown as SavedGestureClassifier), 'MODEL_FORMAT');
    await expectRejected(GestureClassifier.fromJSON({ ...BUILT_IN_GESTURES, featureDim: 63 }), 'MODEL_FORMAT', /63 features/);
    await expectRejected(GestureClassifier.fromJSON({ ...BUILT_IN_GESTURES, model: undefined }), 'MODEL_FORMAT', /no model/);
    const aborted = new AbortController();
    aborted.abort();
    await expectRejected(GestureClassifier.train(samples, { head: 'softmax', signal: aborted.signal }), 'ABORTED');
    await expectRejected(GestureClassifier.train(samples, { head: 'knn', signal: aborted.signal }), 'ABORTED');
  });

  it('dispose() while classify is in flight: DISPOSED, not a layer error or "no examples"; toJSON before it is whole', async () => {
    for (const head of ['mlp', 'knn'] as const) {
      const classifier = await GestureClassifier.train(samples, { head, seed: 3, epochs: 2 });
      const pending = [classifier.classify(heldOut[0]), classifier.classifyMany(heldOut.slice(0, 3))];
      // the saved form is made with the head: toJSON is synchronous (JSON.stringify takes it), then DISPOSED
      const saved = classifier.toJSON();
      classifier.dispose();
      for (const call of pending) await expectRejected(call, 'DISPOSED');
      expect(saved).toMatchObject({ head, labels: GESTURE_NAMES });
      expect(() => classifier.toJSON()).toThrow(expect.objectContaining({ name: 'VisionError', code: 'DISPOSED' }));
    }
  });

  it('training that diverges (a learning rate far too high) is refused naming learningRate, not returned with NaN weights; nothing stays allocated', async () => {
    const before = tf.memory().numTensors;
    // it used to resolve: classify() then answered the first label with score NaN for every hand
    await expectRejected(GestureClassifier.train(samples, { head: 'mlp', epochs: 3, learningRate: 1e30, seed: 3 }), 'INVALID_OPTION', /diverged .*learningRate is 1e\+30; lower it/);
    // the svm head's hinge loss hid its divergence (a classifier scoring every hand NaN came back)
    await expectRejected(GestureClassifier.train(samples, { head: 'svm', epochs: 3, learningRate: 1e38, seed: 3 }), 'INVALID_OPTION', /diverged/);
    // weights that exploded without a NaN loss (losses 1e19 … 6e8): a classifier answering one label for every hand came back
    await expectRejected(GestureClassifier.train(samples, { head: 'mlp', epochs: 10, learningRate: 1e9, seed: 3 }), 'INVALID_OPTION', /diverged \(its last epoch's loss is .*learningRate is 1000000000/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('GestureClassifier refuses hostile input, stays usable and leaks no tensors', () => {
  const fist = heldOut.find((h) => h.gesture === 'fist') as GeneratedHand;
  const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  const row = (fill: number): Float32Array => new Float32Array(75).fill(fill);
  let gestures: GestureClassifier;
  let knn: GestureClassifier;
  let saved: SavedGestureClassifier;
  let savedKnn: SavedGestureClassifier;

  beforeAll(async () => {
    gestures = await loadBuiltInGestures();
    knn = await GestureClassifier.train(samples, { head: 'knn' });
    [saved, savedKnn] = [clone(BUILT_IN_GESTURES), await knn.toJSON()];
  });

  afterAll(() => {
    gestures.dispose();
    knn.dispose();
  });

  /** Each call is refused with the code and message, and leaves the tensor count as it was. */
  async function refused(cases: [() => Promise<unknown>, string, RegExp][]): Promise<void> {
    for (const [run, code, message] of cases) {
      const before = tf.memory().numTensors;
      await expectRejected(run(), code, message);
      expect(tf.memory().numTensors, String(message)).toBe(before);
    }
  }

  async function stillWorks(): Promise<void> {
    expect((await gestures.classify(fist)).label).toBe('fist');
    expect((await knn.classifyMany([fist])).map((r) => r.label)).toEqual(['fist']);
  }

  const withTopology = (edit: (layers: { config: Record<string, unknown> }[]) => void): SavedGestureClassifier => {
    const copy = clone(saved);
    edit((copy.model?.json.modelTopology as { config: { layers: { config: Record<string, unknown> }[] } }).config.layers);
    return copy;
  };

  it('fromJSON: labels that do not match the head\'s class count are MODEL_FORMAT, naming both counts', async () => {
    await refused([
      [() => GestureClassifier.fromJSON({ ...saved, labels: ['fist', 'open_palm', 'pointing'] }), 'MODEL_FORMAT', /3 labels but its model scores 6 classes/],
      [() => GestureClassifier.fromJSON({ ...saved, labels: [...saved.labels, 'wave', 'ok'] }), 'MODEL_FORMAT', /8 labels but its model scores 6 classes/],
      [() => GestureClassifier.fromJSON({ ...savedKnn, labels: ['a', 'b', 'c'] }), 'MODEL_FORMAT', /3 labels but its k-NN state has 5 classes/],
      [() => GestureClassifier.fromJSON({ ...saved, labels: undefined } as unknown as SavedGestureClassifier), 'MODEL_FORMAT', /saved labels are undefined/],
      [() => GestureClassifier.fromJSON({ ...saved, labels: ['fist', 'fist', 'a', 'b', 'c', 'd'] }), 'MODEL_FORMAT', /"fist" twice/],
      [() => GestureClassifier.fromJSON({ ...saved, labels: ['', 'x', 'a', 'b', 'c', 'd'] }), 'MODEL_FORMAT', /saved labels have "" at index 0/],
    ]);
    await stillWorks();
  });

  it('fromJSON: truncated or non-finite weights, a broken topology or k-NN state and non-objects are refused with nothing left allocated', async () => {
    const weights = saved.model?.weights ?? '';
    const nanAt = (base64: string, index: number): string => {
      const bytes = Buffer.from(base64, 'base64');
      bytes.writeFloatLE(Number.NaN, index * 4);
      return bytes.toString('base64');
    };
    await refused([
      [() => GestureClassifier.fromJSON({ ...saved, model: { json: saved.model!.json, weights: weights.slice(0, 100) } }), 'MODEL_FORMAT', /weights hold 75 bytes; .* need 21016/],
      [() => GestureClassifier.fromJSON({ ...saved, model: { json: { ...saved.model!.json, modelTopology: {} }, weights } }), 'MODEL_FORMAT', /topology is undefined with layers undefined; a gesture head is a Sequential model/],
      // the hidden layer is built (its variables made) before the scores layer fails
      [() => GestureClassifier.fromJSON(withTopology((layers) => void (layers[3].config.activation = 'bogus'))), 'MODEL_FORMAT', /topology could not be built/],
      [() => GestureClassifier.fromJSON(withTopology((layers) => void (layers[3].config.units = 0))), 'MODEL_FORMAT', /layer 3's units is 0; it must be a positive whole number/],
      [() => GestureClassifier.fromJSON(withTopology((layers) => void (layers[1].config.units = 31))), 'MODEL_FORMAT', /layers need 2548 weight values; its weights hold 5254/],
      // layers far larger than the weights given were built and filled at random (4e6 units: 2.4 GB, 25 s) before they were found not to fit
      [() => GestureClassifier.fromJSON(withTopology((layers) => void (layers[1].config.units = 4e6))), 'MODEL_FORMAT', /layers need 3\d{8} weight values; its weights hold 5254/],
      [() => GestureClassifier.fromJSON(withTopology((layers) => void layers.splice(1, 0, { class_name: 'Conv2D', config: {} } as never))), 'MODEL_FORMAT', /layer 1 is "Conv2D"; a gesture head's layers are InputLayer, Dense, Dropout, Activation/],
      [() => GestureClassifier.fromJSON(withTopology((layers) => void (layers[0].config.batch_input_shape = [null, 1e9]))), 'MODEL_FORMAT', /takes inputs of shape \[null, 1000000000\]; a gesture head takes \[null,75\]/],
      [() => GestureClassifier.fromJSON({ ...saved, head: 'tree' as GestureHeadKind }), 'MODEL_FORMAT', /head is "tree"/],
      [() => GestureClassifier.fromJSON({ ...savedKnn, knn: { ...savedKnn.knn!, k: 0 } }), 'MODEL_FORMAT', /k 0; it must be a positive integer/],
      [() => GestureClassifier.fromJSON({ ...savedKnn, knn: { ...savedKnn.knn!, embeddings: savedKnn.knn!.embeddings.slice(1) } }), 'MODEL_FORMAT', /embeddings are 11249 values; it needs 11250/],
      // a head saved with NaN weights (from a training that diverged) used to load and score every hand NaN
      [() => GestureClassifier.fromJSON({ ...saved, model: { json: saved.model!.json, weights: nanAt(weights, 100) } }), 'MODEL_FORMAT', /weights hold NaN at value 100 \(of weight '.+'\); .*finite/],
      [() => GestureClassifier.fromJSON({ ...savedKnn, knn: { ...savedKnn.knn!, embeddings: savedKnn.knn!.embeddings.map((v, i) => (i === 7 ? Number.NaN : v)) } }), 'MODEL_FORMAT', /NaN|finite/],
      [() => GestureClassifier.fromJSON(null as unknown as SavedGestureClassifier), 'INVALID_INPUT', /got null/],
      [() => GestureClassifier.fromJSON('{}' as unknown as SavedGestureClassifier), 'INVALID_INPUT', /got "\{\}"/],
    ]);
    await stillWorks();
  });

  it('train: counts, the learning rate, the seed and the callback are checked before anything is built', async () => {
    await refused([
      [() => GestureClassifier.train(samples, { head: 'knn', k: 0 }), 'INVALID_OPTION', /k is 0; it must be a positive integer/],
      [() => GestureClassifier.train(samples, { head: 'knn', k: 1.5 }), 'INVALID_OPTION', /k is 1.5; it must be a positive integer/],
      [() => GestureClassifier.train(samples, { head: 'knn', k: '3' as unknown as number }), 'INVALID_OPTION', /k is "3"/],
      [() => GestureClassifier.train(samples, { hidden: 0 }), 'INVALID_OPTION', /hidden is 0; it must be a positive integer/],
      [() => GestureClassifier.train(samples, { hidden: 2 ** 30 }), 'INVALID_OPTION', /hidden 1073741824 .* at most 67108864 are allowed/],
      [() => GestureClassifier.train(samples, { epochs: 2.5 }), 'INVALID_OPTION', /epochs is 2.5/],
      [() => GestureClassifier.train(samples, { batchSize: -1 }), 'INVALID_OPTION', /batchSize is -1/],
      [() => GestureClassifier.train(samples, { learningRate: Number.NaN }), 'INVALID_OPTION', /learningRate is NaN; it must be a finite number > 0/],
      [() => GestureClassifier.train(samples, { seed: Number.POSITIVE_INFINITY }), 'INVALID_OPTION', /seed is Infinity/],
      [() => GestureClassifier.train(samples, { head: 'knn', seed: 1.5 }), 'INVALID_OPTION', /seed is 1.5; it must be an integer/],
      [() => GestureClassifier.train(samples, { onEpochEnd: 5 as unknown as () => void }), 'INVALID_OPTION', /onEpochEnd is 5/],
      [() => GestureClassifier.train(samples, null as unknown as GestureTrainOptions), 'INVALID_OPTION', /options are null/],
      [() => GestureClassifier.fromFeatures([row(0), row(0), row(1), row(1)], [0, 0, 1, 1], ['a', 'b'], { head: 'knn', k: 0 }), 'INVALID_OPTION', /k is 0/],
    ]);
    const one = await GestureClassifier.train(samples, { head: 'knn', k: 1 });
    expect((await one.classify(fist)).score).toBe(1);
    one.dispose();
    await stillWorks();
  });

  it('train, fromFeatures, classifyMany and scoreFeatures name the bad sample, hand or row', async () => {
    const nanHand = { keypoints: fist.keypoints.map((p, i) => (i === 0 ? { ...p, x: Number.NaN } : p)) };
    await refused([
      [() => GestureClassifier.train([...samples, null as unknown as (typeof samples)[number]]), 'INVALID_INPUT', /sample 150 is null/],
      [() => GestureClassifier.train([...samples.slice(0, 4), { hand: { keypoints: [] }, label: 'fist' }]), 'INVALID_INPUT', /sample 4: .*exactly 21 keypoints/],
      [() => GestureClassifier.train(samples.map((s, i) => ({ ...s, label: i % 2 as unknown as string }))), 'INVALID_INPUT', /sample 0 has label 0/],
      [() => gestures.classifyMany(null as unknown as GeneratedHand[]), 'INVALID_INPUT', /classifyMany needs an array of hands; got null/],
      [() => gestures.classifyMany([fist, null as unknown as GeneratedHand]), 'INVALID_INPUT', /hand 1: .*exactly 21 keypoints/],
      [() => knn.classifyMany([fist, nanHand]), 'INVALID_INPUT', /hand 1: keypoint 0 \(wrist\) has x=NaN/],
      [() => gestures.scoreFeatures([row(Number.NaN)]), 'INVALID_INPUT', /row 0 has NaN at index 0; features must be finite/],
      [() => gestures.scoreFeatures([row(0), Array<number>(75).fill(1e39)]), 'INVALID_INPUT', /row 1 has 1e\+39 at index 0/],
      [() => knn.scoreFeatures(null as unknown as Float32Array[]), 'INVALID_INPUT', /scoreFeatures needs an array/],
      [() => GestureClassifier.fromFeatures([row(Number.NaN), row(0), row(1), row(1)], [0, 0, 1, 1], ['a', 'b']), 'INVALID_INPUT', /example 0 has NaN/],
      [() => GestureClassifier.fromFeatures(null as unknown as Float32Array[], [], ['a', 'b']), 'INVALID_INPUT', /features must be an array/],
      [() => GestureClassifier.fromFeatures([], [], ['a', 'a']), 'INVALID_OPTION', /"a" twice/],
    ]);
    await stillWorks();
  });

  it('classify: missing, null or non-number keypoints and overflowing coordinates are INVALID_INPUT', async () => {
    const edit = (change: (points: Record<string, unknown>[]) => void): GeneratedHand => {
      const hand = clone(fist);
      change(hand.keypoints as unknown as Record<string, unknown>[]);
      return hand;
    };
    await refused([
      [() => gestures.classify(edit((k) => void (k[5] = null as unknown as Record<string, unknown>))), 'INVALID_INPUT', /keypoint 5 \(index_finger_mcp\) is null/],
      [() => gestures.classify(edit((k) => void (k[5].x = '3'))), 'INVALID_INPUT', /x="3"/],
      [() => gestures.classify(edit((k) => void (k[8].x = 1e300))), 'INVALID_INPUT', /too far apart/],
      [() => gestures.classify(edit((k) => void k.pop())), 'INVALID_INPUT', /got 20 keypoints/],
      [() => gestures.classify({ handedness: 'Left' } as unknown as GeneratedHand), 'INVALID_INPUT', /no keypoints array/],
      [() => gestures.classify({ ...fist, handedness: { label: 5 } as unknown as string }), 'INVALID_INPUT', /handedness is 5;/],
    ]);
    await stillWorks();
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
    expect(value(await host.loadGestures(BUILT_IN_GESTURES))).toEqual(POSED_GESTURES);
    expect(value(await host.classifyGestures(hands)).map((r) => r.label)).toEqual(hands.map((h) => h.gesture));

    expect(await host.addGestures([], 0)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await host.addGestures(hands.slice(0, 1), -1)).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION' } });
    expect(value(await host.addGestures(hands.slice(0, 6), 0))).toEqual([6]);
    expect(await host.trainGestures({ labels: ['fist', 'victory'] })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } }); // 'victory' has none
    expect(value(await host.addGestures(hands.slice(6), 1))).toEqual([6, 6]);
    expect(await host.trainGestures({ labels: ['fist'] })).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION' } });
    expect(await host.trainGestures({ labels: ['', 'fist'] })).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION', message: expect.stringContaining('labels have "" at index 0') } });
    expect(await host.trainGestures(undefined as never)).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION', message: expect.stringContaining('labels') } });
    // a string of labels was "there are samples for class id 1 but only 0 labels"
    expect(await host.trainGestures({ labels: 'abc' as never })).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION', message: expect.stringContaining('labels are "abc"; they must list at least two gesture names') } });
    for (const bad of ['x', -1, 1.5]) expect(await host.clearGestures(bad as never)).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION' } });
    // a third class filled, then cleared: training on the two that have samples is no "samples for class id 2"
    expect(value(await host.addGestures(hands.slice(0, 2), 2))).toEqual([6, 6, 2]);
    expect(value(await host.clearGestures(2))).toEqual([6, 6, 0]);

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
