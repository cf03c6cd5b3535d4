import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClassificationPipeline, type ModelRunner, type RawImage, VisionError, explain, pipeline, selectTfjsBackend } from '../../src/index';
import { TfjsRunner } from '../../src/runtime/tfjs-runner';
import { PRESENCE_SPEC, presenceModel, rng } from './presence-scenes';

/** Busy-waits: a model call that keeps the thread as a heavy wasm model does (no macrotask in between). */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

const grey = (width: number, height: number): RawImage => ({ data: new Uint8Array(width * height * 3).fill(128), width, height, channels: 3 });

describe('explain: the occlusion loop (its grid, the event loop)', () => {
  let runner: TfjsRunner;
  let classifier: ClassificationPipeline;
  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'cpu' });
    runner = new TfjsRunner(presenceModel(), tf.getBackend()); // untrained: only the loop matters here
    const slow: ModelRunner = {
      runtime: runner.runtime, backend: runner.backend, inputs: runner.inputs, outputs: runner.outputs, metadata: runner.metadata,
      run: (feeds, options) => {
        spin(4);
        return runner.run(feeds, options);
      },
      dispose: () => undefined,
    };
    classifier = await pipeline('image-classification', { model: slow, spec: PRESENCE_SPEC });
  });
  afterAll(() => {
    classifier.dispose();
    runner.dispose();
  });

  it('an AbortSignal fired by a timer stops a long run soon (ABORTED), and nothing leaks', async () => {
    const tensors = tf.memory().numTensors;
    const controller = new AbortController();
    let done = 0;
    const start = performance.now();
    const timer = setTimeout(() => controller.abort(), 150);
    // 64×48 with 1-px patches one by one: 3072 model calls of ≥ 4 ms (> 12 s) unless the timer gets through
    const error = await explain(classifier, grey(64, 48), { patchSize: 1, stride: 1, batchSize: 1, signal: controller.signal, onProgress: (p) => (done = p.done) })
      .then(() => undefined, (e: unknown) => e);
    const elapsed = performance.now() - start;
    clearTimeout(timer);
    expect(error).toBeInstanceOf(VisionError);
    expect((error as VisionError).code).toBe('ABORTED');
    expect(elapsed).toBeLessThan(1500);
    expect(done).toBeLessThan(3072);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('the default grid is about 15 positions per axis whatever the aspect ratio', async () => {
    // positions = onProgress's total; the first call aborts the run
    const positions = async (width: number, height: number): Promise<number> => {
      const controller = new AbortController();
      let total = -1;
      await explain(classifier, grey(width, height), { batchSize: 1, signal: controller.signal, onProgress: (p) => {
        total = p.total;
        controller.abort();
      } }).catch(() => undefined);
      return total;
    };
    // (before: 345, 1875, 2548 and 5000 positions)
    expect(await positions(1280, 853)).toBe(15 * 15);
    expect(await positions(4000, 500)).toBe(15 * 15);
    expect(await positions(1280, 100)).toBe(15 * 14);
    expect(await positions(1, 5000)).toBe(1 * 15);
    expect(await positions(640, 640)).toBe(15 * 15);
    // a given patchSize stays a square and stride the step on both axes: 64×48, 8-px patches every 4 px
    const controller = new AbortController();
    let total = -1;
    await explain(classifier, grey(64, 48), { patchSize: 8, stride: 4, signal: controller.signal, onProgress: (p) => {
      total = p.total;
      controller.abort();
    } }).catch(() => undefined);
    expect(total).toBe(15 * 11);
  });

  it('pixels a centre crop hides from the model keep no heat (patches reaching past the crop lent them theirs)', async () => {
    const cropped = await pipeline('image-classification', { model: runner, spec: { ...PRESENCE_SPEC, input: { ...PRESENCE_SPEC.input, fit: 'center-crop' } } });
    try {
      // 96×48 with a 48-px centre crop: columns 0–23 and 72–95 are never seen
      const random = rng(7);
      const image: RawImage = { data: Uint8Array.from({ length: 96 * 48 * 3 }, () => Math.floor(random() * 256)), width: 96, height: 48, channels: 3 };
      let hidden = 0;
      let seen = 0;
      // (the untrained model's heat — drops of a logit — lands on one class or the other)
      for (const classId of [0, 1]) {
        const { heatMap } = await explain(cropped, image, { patchSize: 16, stride: 16, fill: [255, 255, 0], classId });
        const heat = heatMap.toFloat32Array();
        heatMap.close();
        for (let y = 0; y < 48; y++) {
          for (let x = 0; x < 96; x++) {
            if (x < 24 || x >= 72) hidden = Math.max(hidden, Math.abs(heat[y * 96 + x]));
            else seen = Math.max(seen, Math.abs(heat[y * 96 + x]));
          }
        }
      }
      expect(hidden).toBe(0);
      expect(seen).toBeGreaterThan(0);
    } finally {
      cropped.dispose();
    }
  });

  it('refuses misspelt options, a callback that is none, a class id that is none, and a stride leaving gaps', async () => {
    const image = grey(64, 48);
    const before = tf.memory().numTensors;
    const refused = async (options: object, message: RegExp): Promise<void> => {
      await expect(explain(classifier, image, options as never), JSON.stringify(options)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(message) });
    };
    // each of these ran: the misspelt ones with the default grid, onProgress died as a TypeError, '1' was "classId is 1; … classes 0–1"
    await refused({ patch: 8, strides: 4 }, /^explain options has unknown option\(s\) patch, strides; allowed: method, classId/);
    await refused({ onProgress: 5 }, /^onProgress is 5; it must be a function/);
    await refused({ method: 'smoothgrad', onProgress: 'x' }, /^onProgress is "x"/);
    await refused({ classId: '1' }, /^classId is "1"; it must be a class index/);
    await refused({ classId: 0.5 }, /^classId is 0.5/);
    // a detection given to a classifier was ignored (the top class explained)
    await refused({ target: { box: { x1: 0, y1: 0, x2: 8, y2: 8 }, classId: 1 } }, /^target is a detection to explain; a classifier explains classId/);
    // 4-px patches every 16 px left 3696 of 4096 pixels cold
    await refused({ patchSize: 4, stride: 16 }, /^stride 16 is larger than the patch \(4×4 px\)/);
    await refused({ stride: 20 }, /^stride 20 is larger than the patch \(8×6 px, ⅛ of the image\)/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
