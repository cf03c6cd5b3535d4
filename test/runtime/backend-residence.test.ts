/**
 * A feed made while another pipeline's tfjs backend was active must reach the model through an
 * asynchronous copy (tfjs would move it with a synchronous read, which WebGPU cannot do: the
 * Chromium test "a webgpu and a wasm pipeline on one page take turns" shows the failure). Here
 * with the cpu and wasm backends of Node.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onActiveBackend } from '../../src/runtime/backend-residence';
import { selectTfjsBackend } from '../../src/runtime/tfjs-backend';

describe('feeds living on another tfjs backend', () => {
  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'wasm' });
  });
  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  it('are copied onto the active backend (owned by the caller); feeds already there pass as they are', async () => {
    await tf.setBackend('cpu');
    const foreign = tf.tensor2d([[1, 2], [3, 4]]);
    await tf.setBackend('wasm');
    const local = tf.tensor1d([5, 6], 'int32');
    const before = tf.memory().numTensors;
    const owned: tf.Tensor[] = [];
    const out = await onActiveBackend({ foreign, local }, owned);
    expect(out.local).toBe(local);
    expect(out.foreign).not.toBe(foreign);
    expect(owned).toEqual([out.foreign]);
    expect(out.foreign.shape).toEqual([2, 2]);
    expect(out.foreign.dtype).toBe('float32');
    expect(Array.from(await out.foreign.data())).toEqual([1, 2, 3, 4]);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([...owned, foreign, local]);
  });
});
