import * as tf from '@tensorflow/tfjs';
import { type Box, type ModelSpec, type RawImage, TfjsRunner, prepareImage } from '../../src/index';

/** Scenes of 64×48 pixels: random clutter everywhere; class 1 when a yellow tile is in it. */
export const SCENE_WIDTH = 64;
export const SCENE_HEIGHT = 48;

export interface PresenceScene {
  image: RawImage;
  label: 0 | 1;
  /** The tile's box (image pixels) when there is one. */
  box?: Box;
}

/** Small deterministic PRNG (mulberry32) so scenes repeat run to run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A clutter colour: anything but yellow (the object's colour). */
function clutterColour(random: () => number): [number, number, number] {
  for (;;) {
    const c: [number, number, number] = [random() * 255, random() * 255, random() * 255];
    if (!(c[0] > 150 && c[1] > 130 && c[2] < 120)) return c;
  }
}

/** One scene: noisy background, 8 random rectangles of clutter, maybe a yellow tile 20–26 px wide (a darker yellow core). */
export function presenceScene(random: () => number, withObject: boolean): PresenceScene {
  const data = new Uint8Array(SCENE_WIDTH * SCENE_HEIGHT * 3);
  const paint = (x0: number, y0: number, x1: number, y1: number, c: readonly number[]) => {
    for (let y = Math.max(0, y0); y < Math.min(SCENE_HEIGHT, y1); y++) {
      for (let x = Math.max(0, x0); x < Math.min(SCENE_WIDTH, x1); x++) data.set(c, (y * SCENE_WIDTH + x) * 3);
    }
  };
  for (let i = 0; i < data.length; i += 3) {
    const grey = 60 + random() * 80;
    data.set([grey + random() * 30, grey + random() * 30, grey + random() * 30], i);
  }
  for (let k = 0; k < 8; k++) {
    const w = 4 + Math.floor(random() * 14);
    const h = 4 + Math.floor(random() * 14);
    const x = Math.floor(random() * SCENE_WIDTH) - 4;
    const y = Math.floor(random() * SCENE_HEIGHT) - 4;
    paint(x, y, x + w, y + h, clutterColour(random));
  }
  if (!withObject) return { image: { data, width: SCENE_WIDTH, height: SCENE_HEIGHT, channels: 3 }, label: 0 };
  const size = 20 + Math.floor(random() * 7);
  const x = 2 + Math.floor(random() * (SCENE_WIDTH - size - 4));
  const y = 2 + Math.floor(random() * (SCENE_HEIGHT - size - 4));
  const yellow = [235, 205, 30];
  paint(x, y, x + size, y + size, yellow);
  paint(x + 6, y + 6, x + size - 6, y + size - 6, [200, 170, 20]);
  return { image: { data, width: SCENE_WIDTH, height: SCENE_HEIGHT, channels: 3 }, label: 1, box: { x1: x, y1: y, x2: x + size, y2: y + size } };
}

/** The classifier's card: 32×32 letterboxed input (so explanations must undo a letterbox), logits out. */
export const PRESENCE_SPEC: ModelSpec = {
  id: 'presence-cnn',
  task: 'image-classification',
  family: 'logits',
  format: 'tfjs',
  location: { url: 'memory://presence-cnn' },
  input: { width: 32, height: 32, fit: 'letterbox', normalization: 'unit' },
  labels: ['empty', 'tile'],
  license: 'NOASSERTION',
};

/**
 * Tiny CNN: a 2×2 stride-2 convolution (16×16 cells) → a per-cell dense layer 'features' (a 1×1
 * convolution) → global average → 2 logits. Its first convolution is the only one: the cpu
 * backend's filter gradient is ~50× slower than its forward pass (measured), so deeper conv
 * stacks do not train within a test's time.
 */
export function presenceModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 8, kernelSize: 2, strides: 2, activation: 'relu', name: 'patches', kernelInitializer: tf.initializers.heNormal({ seed: 1 }) }));
  model.add(tf.layers.dense({ units: 16, activation: 'relu', name: 'features', kernelInitializer: tf.initializers.heNormal({ seed: 2 }) }));
  model.add(tf.layers.globalAveragePooling2d({}));
  model.add(tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
  return model;
}

/** Trains the tiny CNN on `count` scenes (half with the tile) through the card's own preprocessing. */
export async function trainPresenceModel(count: number, epochs: number, seed: number): Promise<TfjsRunner> {
  const random = rng(seed);
  const scenes = Array.from({ length: count }, (_, i) => presenceScene(random, i % 2 === 1));
  const xs = tf.tidy(() =>
    tf.concat(
      scenes.map((s) => {
        const pixels = tf.tensor3d(s.image.data as Uint8Array, [SCENE_HEIGHT, SCENE_WIDTH, 3], 'int32');
        const { input } = prepareImage(pixels, PRESENCE_SPEC.input);
        return input;
      }),
    ),
  );
  const ys = tf.oneHot(tf.tensor1d(scenes.map((s) => s.label), 'int32'), 2);
  const model = presenceModel();
  model.compile({ optimizer: tf.train.adam(0.01), loss: tf.losses.softmaxCrossEntropy });
  await model.fit(xs, ys, { epochs, batchSize: 32, shuffle: false, verbose: 0 });
  tf.dispose([xs, ys]);
  return new TfjsRunner(model, tf.getBackend());
}
