/**
 * A creation `signal` that fires after the model's bytes are read — while the graph or session
 * is built, or a later stage loads — ends `pipeline()` with `ABORTED` and leaves nothing loaded
 * (it resolved with a pipeline nobody would receive); a runner the caller passed survives.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type LoadProgress, type ModelSpec, TfjsRunner, pipeline, selectTfjsBackend } from '../../src/node/index';

const aborted = expect.objectContaining({ name: 'VisionError', code: 'ABORTED' });

describe('pipeline creation aborted late', () => {
  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'wasm' });
  });

  it('aborted once every byte of a catalogue model is read → ABORTED, no tensors left', async () => {
    for (const model of ['centernet-coco', 'nanodet-coco']) {
      const controller = new AbortController();
      const tensors = tf.memory().numTensors;
      const onProgress = ({ loaded, total }: LoadProgress): void => {
        if (loaded === total) controller.abort();
      };
      await expect(pipeline('object-detection', { model, signal: controller.signal, onProgress })).rejects.toEqual(aborted);
      expect(controller.signal.aborted, model).toBe(true);
      expect(tf.memory().numTensors, model).toBe(tensors);
    }
  });

  it('a ready runner with an aborted signal → ABORTED; the caller’s runner still runs', async () => {
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4, 3] }), tf.layers.dense({ units: 2, activation: 'softmax' })] });
    const runner = new TfjsRunner(model, 'wasm');
    const spec: ModelSpec = { id: 'tiny', task: 'image-classification', family: 'probabilities', format: 'tfjs', location: { url: 'memory://tiny' }, input: { width: 4, height: 4 }, labels: ['a', 'b'] };
    const controller = new AbortController();
    controller.abort();
    await expect(pipeline('image-classification', { model: runner, spec, signal: controller.signal })).rejects.toEqual(aborted);
    const classifier = await pipeline('image-classification', { model: runner, spec });
    const { classes } = await classifier.run({ data: new Uint8Array(4 * 4 * 3), width: 4, height: 4, channels: 3 });
    expect(classes).toHaveLength(2);
    classifier.dispose();
    runner.dispose();
  });
});
