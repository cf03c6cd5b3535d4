// Runs one test file on a tfjs backend chosen through the SDK (its kernels installed), then
// hands back the backend the file found.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll } from 'vitest';
import { selectTfjsBackend } from '../../src/runtime/tfjs-backend';
import type { TfjsBackendName } from '../../src/runtime/tfjs-backend';

/**
 * Selects `backend` with `selectTfjsBackend` before the file's tests (then runs `setup`, e.g. the
 * setup of deep-imported tfjs kernels on it) and restores the previous backend after them.
 */
export function onBackendForFile(backend: TfjsBackendName, setup: () => void = () => undefined): void {
  let previous = '';
  beforeAll(async () => {
    previous = tf.getBackend();
    await selectTfjsBackend({ backend });
    setup();
  });
  afterAll(async () => {
    if (previous) await tf.setBackend(previous);
  });
}
