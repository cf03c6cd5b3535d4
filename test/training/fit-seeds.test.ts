import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectTfjsBackend } from '../../src/node/index';
import { buildHead, fit } from '../../src/training/index';

describe('fit: seeded batch orders', () => {
  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'wasm' });
  });

  it('seeds give independent batch orders: seed 2 is not seed 1 an epoch later (each epoch was shuffled with seed + epoch)', async () => {
    const rows = tf.tensor2d(Float32Array.from({ length: 40 * 4 }, (_, i) => Math.floor(i / 4)), [40, 4]);
    const rowLabels = Array.from({ length: 40 }, (_, i) => i % 2);
    const orders = async (seed: number): Promise<number[][]> => {
      const seen: number[][] = [];
      const model = buildHead('softmax', { inputDim: 4, numClasses: 2, seed: 1 });
      await fit(model, { x: rows, labels: rowLabels }, {
        epochs: 3, batchSize: 40, seed,
        augment: (batch, step) => {
          seen[step] = Array.from(batch.slice([0, 0], [-1, 1]).dataSync());
          return batch.clone();
        },
      });
      model.dispose();
      return seen;
    };
    const [one, again, two] = [await orders(1), await orders(1), await orders(2)];
    expect(again).toEqual(one);
    expect(two[0]).not.toEqual(one[1]);
    expect(two[1]).not.toEqual(one[2]);
    rows.dispose();
  });
});
