// createTrainingWorker across a real thread boundary in Node (worker_threads, wasm): the
// trainer opened on its own MessagePort, samples sent, progress callbacks through comlink
// proxies, an AbortSignal cancelling a run, classification and saved files coming back.
import { join } from 'node:path';
import { build } from 'esbuild';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawImage } from '../../src/core/image-input';
import type { BatchLog, EpochLog } from '../../src/training/fit';
import { type TrainingWorker, createTrainingWorker } from '../../src/training/worker/training-worker';
import { createGestureTrainingWorker } from '../../src/training/worker/gesture-training-worker';
import { GESTURE_NAMES, generateHandPoses } from '../../src/testing/hand-poses';
import { REPO_ROOT } from '../browser/server';
import { fixturePhoto } from '../helpers/photos';

/** Crops of a photo at seeded positions, 224×224 RGB. */
async function crops(name: 'chelsea' | 'coffee', n: number, seed: number): Promise<RawImage[]> {
  const { width = 0, height = 0 } = await sharp(fixturePhoto(name)).metadata();
  const out: RawImage[] = [];
  for (let i = 0; i < n; i++) {
    const t = (Math.sin(seed * 53 + i * 5.1) + 1) / 2;
    const side = Math.round(Math.min(width, height) * (0.6 + 0.35 * t));
    const left = Math.round((width - side) * ((i * 0.41 + t) % 1));
    const top = Math.round((height - side) * ((i * 0.23 + seed * 0.11) % 1));
    const data = await sharp(fixturePhoto(name)).extract({ left, top, width: side, height: side }).resize(224, 224).removeAlpha().raw().toBuffer();
    out.push({ data: new Uint8Array(data), width: 224, height: 224, channels: 3 });
  }
  return out;
}

let trainer: TrainingWorker;

beforeAll(async () => {
  const workerUrl = join(REPO_ROOT, '.cache/demos/node-worker.mjs');
  await build({ absWorkingDir: REPO_ROOT, entryPoints: ['src/node/worker-thread-entry.ts'], outfile: workerUrl, bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'error' });
  trainer = await createTrainingWorker({ workerUrl, backend: 'wasm' });
});

afterAll(() => trainer?.dispose());

describe('createTrainingWorker in a Node worker thread (wasm)', () => {
  it('trains with progress callbacks from the worker and classifies there', async () => {
    expect(trainer.info).toEqual({ backend: 'wasm', dim: 1280 });
    expect(await trainer.addSamples(await crops('chelsea', 6, 1), 0)).toEqual([6]);
    expect(await trainer.addSamples(await crops('coffee', 6, 2), 1)).toEqual([6, 6]);
    const batches: BatchLog[] = [];
    const epochs: EpochLog[] = [];
    const summary = await trainer.train({ labels: ['cat', 'coffee'], epochs: 10, batchSize: 4, seed: 2, onBatchEnd: (b) => batches.push(b), onEpochEnd: (e) => epochs.push(e) });
    expect(summary.history).toHaveLength(10);
    expect(epochs.map((e) => e.epoch)).toEqual([...Array(10).keys()]); // every epoch reported, in order
    expect(batches.length).toBe(10 * 2); // 8 training samples (2 per class held out) in batches of 4
    expect(epochs[9].loss).toBeLessThan(epochs[0].loss);
    const [cat] = await crops('chelsea', 1, 7);
    const { classes } = await trainer.run(cat);
    expect(classes[0].label).toBe('cat');
    const files = await trainer.toFiles();
    expect(files.weights.byteLength).toBeGreaterThan(1e6); // backbone + head
    expect((files.json.userDefinedMetadata as { visionpipe: { labels: string[] } }).visionpipe.labels).toEqual(['cat', 'coffee']);
  });

  it('an AbortSignal cancels a run with ABORTED; the classifier before it keeps working', async () => {
    const controller = new AbortController();
    const running = trainer.train({ labels: ['cat', 'coffee'], epochs: 500, batchSize: 2, signal: controller.signal, onBatchEnd: () => controller.abort() });
    await expect(running).rejects.toMatchObject({ code: 'ABORTED' });
    await expect(trainer.train({ labels: ['cat', 'coffee'], signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    const [cat] = await crops('chelsea', 1, 8);
    expect((await trainer.run(cat)).classes).toHaveLength(2);
    await expect(trainer.addSamples([], 0)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(trainer.save('downloads://x')).rejects.toMatchObject({ code: 'INVALID_OPTION' }); // downloads need a browser page
    // browser storage in Node: it was MODEL_LOAD_FAILED with tfjs' "Cannot find any save handlers"
    for (const url of ['indexeddb://cup-or-phone', 'localstorage://x']) {
      await expect(trainer.save(url), url).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/storage is not available here .*In Node write the files: .*toFiles\(\)$/) });
    }
    await expect(trainer.save('file://./x')).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining("a training worker's toFiles()") });
    // misspelt names are refused before anything is posted (a function in one could not even be posted: a DataCloneError)
    await expect(trainer.train({ labels: ['cat', 'coffee'], epoch: 3, onEpoch: () => undefined } as never)).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining('training options has unknown option(s) epoch, onEpoch; allowed: labels, epochs'),
    });
    await expect(trainer.train(null as never)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('got null') });
    await expect(createGestureTrainingWorker({ backends: ['wasm'] } as never)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('unknown option(s) backends') });
    await expect(createTrainingWorker({ workerURL: 'x.js' } as never)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('unknown option(s) workerURL') });
    // a callback that is not a function was accepted by the workers (its TypeError swallowed there)
    await expect(trainer.train({ labels: ['cat', 'coffee'], onEpochEnd: 5 } as never)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('onEpochEnd is 5; it must be a function') });
    await expect(trainer.train({ labels: ['cat', 'coffee'], onBatchEnd: 'log' } as never)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('onBatchEnd is "log"; it must be a function') });
  });

  it('dispose() during a run stops the run in the worker: the caller gets DISPOSED and no epoch ends after it (it trained on until the call timeout)', async () => {
    const gestures = await createGestureTrainingWorker({ workerUrl: join(REPO_ROOT, '.cache/demos/node-worker.mjs'), backend: 'wasm' });
    const hands = generateHandPoses({ perGesture: 10, seed: 41 });
    for (const [i, name] of GESTURE_NAMES.entries()) await gestures.addSamples(hands.filter((h) => h.gesture === name), i);
    await expect(gestures.train({ labels: [...GESTURE_NAMES], onEpochEnd: 5 } as never)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('onEpochEnd is 5; it must be a function') });
    let epochs = 0;
    let reachedFive: () => void = () => undefined;
    const five = new Promise<void>((resolve) => (reachedFive = resolve));
    const running = gestures.train({ labels: [...GESTURE_NAMES], epochs: 100_000, onEpochEnd: () => ++epochs === 5 && reachedFive() });
    await five;
    gestures.dispose();
    await expect(running).rejects.toMatchObject({ code: 'DISPOSED' });
    const atDispose = epochs;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // one epoch may have been on its way; a run left going reports hundreds in 1.5 s
    expect(epochs - atDispose).toBeLessThanOrEqual(1);
    // and the thread has ended: the run's answer came back (it was lost with the port, and the
    // thread — a MessagePort held open — stayed for the 30-s call limit, a Timeout)
    expect(process.getActiveResourcesInfo().filter((kind) => kind === 'MessagePort' || kind === 'Timeout')).toEqual([]);
  });
});
