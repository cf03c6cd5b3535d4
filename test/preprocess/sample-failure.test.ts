/**
 * Sampling a frame whose pixels cannot be read (a bitmap or video frame closed while its run was
 * starting, a canvas emptied): the error goes to the caller and the tensor the samples were
 * going into is freed. On wasm that tensor is made first (the samples are written into its
 * memory); it was left behind, one model input per failed run, and dispose() did not free it.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { VisionError } from '../../src/core/errors';
import { selectTfjsBackend } from '../../src/runtime/tfjs-backend';
import type { OpenFrame } from '../../src/preprocess/sampling/open-frame';
import { sampleAffine } from '../../src/preprocess/sampling/affine-sample';
import { sampleFrame } from '../../src/preprocess/sampling/region-sample';
import { regionPlan } from '../../src/preprocess/sampling/sample-plan';

/** A grey frame (no in-heap kernel takes it: the sampling goes through the tensor sink) whose picture is gone. */
const closedFrame = (): OpenFrame => ({
  width: 64,
  height: 48,
  channels: 1,
  pixels: () => {
    throw new VisionError('INVALID_INPUT', 'the ImageBitmap is closed');
  },
  release: () => undefined,
});

describe('sampling a frame whose pixels cannot be read', () => {
  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'wasm' });
  });

  it('throws the read error and leaves no tensor, axis-aligned and rotated', () => {
    const target = { width: 32, height: 32, normalization: 'none', dtype: 'float32' } as const;
    const before = tf.memory().numTensors;
    for (let run = 0; run < 3; run++) {
      expect(() => sampleFrame(closedFrame(), regionPlan({ xMin: 0, yMin: 0, xMax: 1, yMax: 1 }, 64, 48, 32, 32), target)).toThrow('the ImageBitmap is closed');
      expect(() => sampleAffine(closedFrame(), [0.5, 0, 0, 0, 0.5, 0], target)).toThrow('the ImageBitmap is closed');
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
