/**
 * `wasmPaths` names the folder of tfjs' .wasm files. tfjs appends the file names to it as they
 * are, so a folder given without its last `/` was looked for beside the folder
 * (`…/distwasm-simd.wasm`): the wasm backend failed to start and selection fell to cpu, 20–40×
 * slower, saying only "initialisation failed". (Its own process: tfjs takes the folder only
 * before the backend's first start.)
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectTfjsBackend } from '../../src/node/index';

describe('wasmPaths', () => {
  it('a folder without its last / starts the wasm backend from that folder', async () => {
    const folder = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    expect(folder.endsWith('/')).toBe(false);
    expect(await selectTfjsBackend({ backend: ['wasm', 'cpu'], wasmPaths: folder })).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const sum = tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4]));
    expect(Array.from(await sum.data())).toEqual([4, 6]);
    sum.dispose();
  });
});
