/**
 * Long loops whose steps only await microtasks on wasm and cpu (a model call, a training step)
 * must still let timers run: an AbortSignal fired by a timer stops them with ABORTED.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFeatureExtractor } from '../../src/pipelines/embeddings/backbone';
import { TrainableDetector } from '../../src/training/detector/detector-model';
import { trainDetector } from '../../src/training/detector/train-detector';
import { shapeScenes } from '../helpers/scenes';

let previousBackend = '';
beforeAll(async () => {
  previousBackend = tf.getBackend();
  await tf.setBackend('wasm');
});
afterAll(async () => {
  if (previousBackend) await tf.setBackend(previousBackend);
});

/** Counts timer ticks while `work` runs (a loop that never yields lets none through). */
async function ticksDuring<T>(work: Promise<T>): Promise<{ outcome: PromiseSettledResult<T>; ticks: number }> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  const [outcome] = await Promise.allSettled([work]);
  clearInterval(timer);
  return { outcome, ticks };
}

describe('a timer-fired AbortSignal stops long loops on wasm', () => {
  it('trainDetector: ABORTED soon after the timer, tensor counts flat, the detector still trains', async () => {
    const detector = new TrainableDetector({ inputSize: 64, labels: ['circle', 'square', 'triangle'], numPrototypes: 4 });
    const scenes = await shapeScenes(16, 3);
    const before = tf.memory().numTensors;
    const { outcome, ticks } = await ticksDuring(trainDetector(detector, scenes, { epochs: 200, batchSize: 4, signal: AbortSignal.timeout(100) }));
    expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'ABORTED', message: expect.stringContaining('detector training') } });
    expect(ticks).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    const again = await trainDetector(detector, scenes.slice(0, 4), { epochs: 1, batchSize: 4 });
    expect(Number.isFinite(again.finalLoss)).toBe(true);
    detector.dispose();
  });

  it('FeatureExtractor.extract and extractImages: ABORTED soon after the timer, tensor counts flat', async () => {
    const input = tf.input({ shape: [32, 32, 3] });
    const conv = tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', name: 'conv' }).apply(input) as tf.SymbolicTensor;
    const pooled = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(conv) as tf.SymbolicTensor;
    const source = tf.model({ inputs: input, outputs: pooled });
    const extractor = createFeatureExtractor(source, 'pool', { width: 32, height: 32 });
    const images = tf.randomUniform([2000, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const extracted = await ticksDuring(extractor.extract(images, { batchSize: 1, signal: AbortSignal.timeout(30) }));
    expect(extracted.outcome).toMatchObject({ status: 'rejected', reason: { code: 'ABORTED', message: expect.stringContaining('feature extraction') } });
    expect(extracted.ticks).toBeGreaterThan(0);
    const samples = Array.from({ length: 2000 }, (_, i) => ({ image: { data: new Uint8Array(32 * 32 * 3).fill(i % 255), width: 32, height: 32, channels: 3 as const }, label: i % 2 }));
    const fromImages = await ticksDuring(extractor.extractImages(samples, { batchSize: 1, signal: AbortSignal.timeout(30) }));
    expect(fromImages.outcome).toMatchObject({ status: 'rejected', reason: { code: 'ABORTED' } });
    expect(fromImages.ticks).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
    source.dispose();
  });
});
