/**
 * The SDK's own wasm kernels past 2 GiB of wasm memory: there tfjs-wasm's `_malloc` returns a
 * negative int, which as a view offset threw "Start offset … is outside the bounds of the
 * buffer" — in batch normalisation and the samplers of `prepareInput` — and every pipeline of
 * the process failed from then on (fineTune on 16 photos reached it). Plain tfjs-wasm kernels
 * worked. Isolated (vitest.config.ts): the 2.25 GiB held here dies with its process.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { prepareInput, selectTfjsBackend } from '../../src/node/index';
import { prepareRotatedInput } from '../../src/preprocess/prepare-rotated';

describe('wasm kernels past 2 GiB of wasm memory', () => {
  it('batch normalisation, prepareInput (8-bit and float pixels) and rotated crops still work', async () => {
    await selectTfjsBackend({ backend: 'wasm' });
    const hold = Array.from({ length: 9 }, () => tf.fill([64 * 1024 * 1024], 1)); // 9 × 256 MiB
    try {
      expect(tf.memory().numBytes).toBeGreaterThan(2 ** 31);
      const x = tf.fill([1, 4, 4, 8], 3);
      const normed = tf.batchNorm(x, tf.fill([8], 1), tf.fill([8], 4), tf.zeros([8]), tf.ones([8]));
      expect(Array.from(normed.dataSync()).every((v) => Math.abs(v - 1) < 1e-3)).toBe(true); // (3 − 1) / √4
      const pixels = new Uint8Array(64 * 48 * 3).fill(51);
      for (const [data, fit] of [[pixels, 'stretch'], [Float32Array.from(pixels), 'letterbox'], [pixels, 'center-crop']] as const) {
        const { input } = await prepareInput({ data, width: 64, height: 48, channels: 3 }, { width: 32, height: 32, fit, normalization: 'unit', padValue: 51 });
        expect(Array.from(input.dataSync()).every((v) => Math.abs(v - 0.2) < 1e-6), fit).toBe(true);
        input.dispose();
      }
      // the rotated crops of the hand and face pipelines (the affine sampler)
      const rotated = await prepareRotatedInput({ data: pixels, width: 64, height: 48, channels: 3 }, { centerX: 32, centerY: 24, width: 20, height: 20, rotation: Math.PI / 6 }, { width: 16, height: 16, normalization: 'unit' });
      expect(Array.from(rotated.dataSync()).every((v) => Math.abs(v - 0.2) < 1e-6)).toBe(true);
      tf.dispose([x, normed, rotated]);
    } finally {
      tf.dispose(hold);
    }
  });
});
