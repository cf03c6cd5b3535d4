// The worker path in Node: the same pipeline interface over worker_threads (comlink), on the
// wasm backend. Detection on a real photo in a worker thread equals detection in-thread;
// pipelines share one worker; a crashed or hung worker is reported and restarted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PIXELS, type DetectionPipeline, type RawImage, Mask, VisionError, decodeImageFile, pipeline, setPlatform } from '../../src/node/index';
import { getPlatform } from '../../src/core/platform';
import { VisionWorker, type WorkerPipeline, createWorkerPipeline } from '../../src/worker/index';
import { facePhoto, fixturePhoto } from '../helpers/photos';
import { ensureNodeWorker } from './build';
import { visionEncoderDecoderExport } from '../captioning/ved-cache';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { saveClassifierFolder } from '../../src/node/index';
import { loadMobileNetV2Backbone } from '../../src/pipelines/embeddings/backbone';
import { KnnClassifier } from '../../src/training/index';
import { wireOptions } from '../../src/worker/wire-options';

let url: string;
let local: DetectionPipeline;

beforeAll(async () => {
  url = await ensureNodeWorker();
  local = await pipeline('object-detection', { backend: 'wasm', threshold: 0.3 });
});

afterAll(() => local?.dispose());

describe('pipelines in a Node worker thread', () => {
  it('detection in a worker thread equals detection in-thread (same photo, same backend)', async () => {
    const remote = await createWorkerPipeline('object-detection', { backend: 'wasm', threshold: 0.3, workerUrl: url });
    try {
      expect(remote.runner.backend).toBe('wasm');
      expect(remote.spec.id).toBe(local.spec.id);
      const photo = facePhoto(1);
      const [a, b] = [await local.run(photo), await remote.run(photo)];
      expect(b.imageSize).toEqual(a.imageSize);
      expect(b.detections.map((d) => d.label)).toEqual(a.detections.map((d) => d.label));
      expect(b.detections.filter((d) => d.label === 'person')).toHaveLength(3);
      for (const [i, d] of b.detections.entries()) {
        expect(d.score).toBeCloseTo(a.detections[i].score, 5);
        for (const k of ['x1', 'y1', 'x2', 'y2'] as const) expect(d.box[k]).toBeCloseTo(a.detections[i].box[k], 3);
      }
      // a signal is refused as in-process (only captioning's runs take one); the worker took it for every task
      const signal = new AbortController().signal;
      await expect(local.run(photo, { signal } as never)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
      await expect(remote.run(photo, { signal } as never)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('unknown option(s) signal') });
      // raw pixels cross too (structured clone in Node), and video mode tracks in the worker
      const first = await remote.runForVideo(photo, 0);
      const second = await remote.runForVideo(photo, 33);
      // every detection is on a track from the first frame, and the second frame keeps the same IDs
      const ids = first.detections.map((d) => d.trackId!).sort((x, y) => x - y);
      expect(ids).toEqual(first.detections.map((_, i) => i + 1));
      expect(second.detections.map((d) => d.trackId!).sort((x, y) => x - y)).toEqual(ids);
      // a reset() right after a frame reaches the worker after that frame (which stays the old video's),
      // and the frame after it starts the new video (before: the reset overtook the frame, and 500 after 1000 was refused)
      const raw = await decodeImageFile(photo);
      for (const inFlight of [photo, raw]) {
        const old = remote.runForVideo(inFlight, 1000);
        const reset = remote.reset();
        const fresh = remote.runForVideo(raw, 500);
        const settled = await Promise.allSettled([old, reset, fresh]);
        expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
        const ids = (settled[2] as PromiseFulfilledResult<Awaited<typeof fresh>>).value.detections.map((d) => d.trackId!).sort((x, y) => x - y);
        expect(ids).toEqual(ids.map((_, i) => i + 1));
        await remote.reset();
      }
      // tensors stay flat in the worker
      const before = (await remote.worker.memory()).numTensors;
      for (let i = 0; i < 3; i++) await remote.run(photo);
      expect((await remote.worker.memory()).numTensors).toBe(before);
      // bad input is a VisionError and the worker lives on
      await expect(remote.run({ data: new Uint8Array(3), width: 2, height: 2, channels: 3 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(remote.run(photo)).resolves.toMatchObject({ imageSize: a.imageSize });
    } finally {
      remote.dispose();
    }
    await expect(remote.run(facePhoto(1))).rejects.toMatchObject({ code: 'DISPOSED' });
    expect(remote.worker.isTerminated).toBe(true);
  });

  it('calls reach a worker pipeline in the order they were sent (video frames, resets, photos), however long a file takes to decode', async () => {
    // a 3000×2000 PNG of noise takes the worker a while to decode; before, a reset or a raw frame
    // sent after it overtook it: the reset then came before the frame (which started the new video),
    // or the raw frame went first and the file frame was refused as going back in time
    const folder = mkdtempSync(join(tmpdir(), 'vp-worker-order-'));
    const slow = join(folder, 'noise.png');
    const { default: sharp } = await import('sharp');
    await sharp(Buffer.from(Uint8Array.from({ length: 3000 * 2000 * 3 }, (_, i) => (i * 2654435761) >>> 24)), { raw: { width: 3000, height: 2000, channels: 3 } }).png({ compressionLevel: 1 }).toFile(slow);
    const raw: RawImage = { data: new Uint8Array(320 * 240 * 3).fill(90), width: 320, height: 240, channels: 3 };
    const remote = await createWorkerPipeline('object-detection', { backend: 'wasm', threshold: 0.3, workerUrl: url });
    try {
      const order = await Promise.allSettled([remote.runForVideo(slow, 1000), remote.reset(), remote.runForVideo(raw, 500)]);
      expect(order.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
      await remote.reset();
      const frames = await Promise.allSettled([remote.runForVideo(slow, 1000), remote.runForVideo(raw, 1033)]);
      expect(frames.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
      // a frame refused before it reaches the pipeline (a missing file) holds nothing up
      const after = await Promise.allSettled([remote.runForVideo(join(folder, 'missing.png'), 1066), remote.runForVideo(raw, 1100)]);
      expect(after.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
      // photos sent together are answered in the order sent: the page times each from its turn (before, the
      // small ones overtook the slow decode, which then waited past its time and the worker was killed as hung)
      const answered: string[] = [];
      const note = (name: string) => (): void => void answered.push(name);
      await Promise.all([
        remote.run(slow).then(note('slow')),
        remote.run(raw).then(note('raw')),
        remote.run(fixturePhoto('coffee')).then(note('coffee')),
        remote.run(raw).then(note('raw again')),
      ]);
      expect(answered).toEqual(['slow', 'raw', 'coffee', 'raw again']);
    } finally {
      remote.dispose();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('onProgress is checked as in-thread, and a callback that throws fails the creation with its error (5 crashed the worker, null was taken, a throw was WORKER_FAILED)', async () => {
    for (const bad of [5, {}, null]) {
      const inThread = await pipeline('object-detection', { backend: 'wasm', onProgress: bad as never }).then(() => null, (error: VisionError) => [error.code, error.message]);
      const remote = await createWorkerPipeline('object-detection', { backend: 'wasm', onProgress: bad as never, workerUrl: url }).then(() => null, (error: VisionError) => [error.code, error.message]);
      expect(remote, String(bad)).toEqual(inThread);
      expect(remote?.[0]).toBe('INVALID_OPTION');
    }
    const boom = new Error('boom in onProgress');
    await expect(createWorkerPipeline('object-detection', { backend: 'wasm', workerUrl: url, onProgress: () => { throw boom; } })).rejects.toBe(boom);
    const calls: number[] = [];
    const fine = await createWorkerPipeline('object-detection', { backend: 'wasm', workerUrl: url, onProgress: (p) => void calls.push(p.loaded) });
    expect(calls.length).toBeGreaterThan(0);
    expect((await fine.run(facePhoto(1))).detections.length).toBeGreaterThan(0);
    fine.dispose();
  });

  it("a worker refuses what the page would: the page's pixel limit (setPlatform) reaches it, also after a restart", async () => {
    const saved = getPlatform().maxPixels;
    setPlatform({ maxPixels: 100_000 }); // the photo has more pixels than that
    const remote = await createWorkerPipeline('object-detection', { backend: 'wasm', workerUrl: url });
    try {
      const photo = facePhoto(1);
      await expect(remote.run(photo)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/100000|100,000|pixel/) });
      await expect(remote.run({ data: new Uint8Array(300 * 300 * 3), width: 300, height: 300, channels: 3 })).resolves.toMatchObject({ imageSize: { width: 300, height: 300 } });
      // a crash rebuilds the worker; the rebuilt pipeline keeps the page's limit
      await remote.worker.simulateFailure('throw', 0).catch(() => undefined);
      // the worker answers, then throws: wait until the crash is seen, or the run below could
      // reach the dying worker (WORKER_FAILED) on a loaded machine
      while (remote.worker.running) await new Promise((resolve) => setTimeout(resolve, 5));
      await expect(remote.run(photo)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      expect(remote.worker.restarts).toBe(1);
    } finally {
      setPlatform({ maxPixels: saved ?? DEFAULT_MAX_PIXELS });
      remote.dispose();
    }
  });

  it('pipelines sharing a worker each keep the pixel limit the page had when it was created (the last one set it for all)', async () => {
    const saved = getPlatform().maxPixels;
    const worker = new VisionWorker({ url });
    try {
      const open = await createWorkerPipeline('object-detection', { backend: 'wasm', worker });
      setPlatform({ maxPixels: 100_000 }); // the photo has more pixels than that
      const strict = await createWorkerPipeline('object-detection', { backend: 'wasm', worker });
      setPlatform({ maxPixels: saved ?? DEFAULT_MAX_PIXELS });
      const photo = facePhoto(1);
      const decoded = await decodeImageFile(photo);
      for (const input of [photo, decoded]) {
        await expect(strict.run(input)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/over the limit of 100000 pixels/) });
        expect((await open.run(input)).imageSize).toEqual({ width: decoded.width, height: decoded.height });
      }
      await expect(strict.run({ data: new Uint8Array(300 * 300 * 3), width: 300, height: 300, channels: 3 })).resolves.toMatchObject({ imageSize: { width: 300, height: 300 } });
    } finally {
      setPlatform({ maxPixels: saved ?? DEFAULT_MAX_PIXELS });
      worker.terminate();
    }
  });

  it('a classifier folder `visionpipe train` wrote is a model name in a worker too (the worker knew no folder loader)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vp-worker-folder-'));
    const backbone = await loadMobileNetV2Backbone({ backend: 'wasm' });
    const images = tf.randomUniform([4, 224, 224, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const features = await backbone.extract(images);
    const knn = new KnnClassifier({ k: 1 });
    await knn.fit(features, [0, 1, 0, 1]);
    await saveClassifierFolder(dir, backbone, knn, { labels: ['cat', 'dog'], id: 'folder-knn' });
    tf.dispose([images, features]);
    knn.dispose();
    backbone.dispose();
    try {
      const inThread = await pipeline('image-classification', { model: dir, backend: 'wasm' });
      const remote = await pipeline('image-classification', { model: dir, backend: 'wasm', worker: true, workerUrl: url });
      expect(remote.spec.id).toBe('folder-knn');
      const photo = fixturePhoto('astronaut');
      expect((await remote.run(photo)).classes).toEqual((await inThread.run(photo)).classes);
      inThread.dispose();
      remote.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('two pipelines share one worker; disposing one leaves the other working', async () => {
    const worker = new VisionWorker({ url });
    const a = await createWorkerPipeline('object-detection', { backend: 'wasm', worker });
    const b = await createWorkerPipeline('object-detection', { backend: 'wasm', worker, threshold: 0.5 });
    expect((await worker.memory()).pipelines).toBe(2);
    a.dispose();
    const result = await b.run(facePhoto(2));
    expect(result.detections.length).toBeGreaterThan(0);
    expect((await worker.memory()).pipelines).toBe(1);
    b.dispose();
    expect(worker.isTerminated).toBe(false); // a shared worker is the caller's to end
    worker.terminate();
    await expect(worker.memory()).rejects.toMatchObject({ code: 'DISPOSED' });
  });

  it('a crash mid-run rejects the run with WORKER_FAILED; the next run restarts the worker', async () => {
    const worker = new VisionWorker({ url });
    const remote: WorkerPipeline<'object-detection'> = await createWorkerPipeline('object-detection', { backend: 'wasm', worker });
    try {
      const photo = facePhoto(1);
      const expected = await remote.run(photo);
      // the worker is busy 300 ms, then throws: the run sent meanwhile is in flight when it dies
      const crash = worker.simulateFailure('throw', 300).catch((e: unknown) => e);
      const inFlight = remote.run(photo);
      await crash;
      const error = await inFlight.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VisionError);
      expect((error as VisionError).code).toBe('WORKER_FAILED');
      expect(worker.failures).toBe(1);
      const again = await remote.run(photo);
      expect(again.detections.map((d) => d.label)).toEqual(expected.detections.map((d) => d.label));
      expect(worker.restarts).toBe(1);
    } finally {
      remote.dispose();
      worker.terminate();
    }
  });

  it('a hung worker: the call past timeoutMs at its turn rejects with TIMEOUT, the others in flight with WORKER_FAILED; then it restarts', async () => {
    // a pipeline's first runs in a worker (backend start-up and the first inference, longer than
    // 1.5 s on a loaded 2-core machine) are timed with createTimeoutMs until one answers within
    // timeoutMs: warm it, so that the run below is timed with timeoutMs (generous: later runs on
    // a loaded machine vary too)
    const worker = new VisionWorker({ url, timeoutMs: 6000 });
    const remote = await createWorkerPipeline('object-detection', { backend: 'wasm', worker });
    try {
      for (let i = 0; i < 2; i++) await remote.run(facePhoto(1));
      const hang = worker.simulateFailure('hang', 20_000).catch((e: unknown) => e);
      const run = await remote.run(facePhoto(1)).catch((e: unknown) => e);
      // not a result after the 20 s hang: the host gave up on the busy call at timeoutMs, and on the run behind it
      expect(((await hang) as VisionError).code).toBe('TIMEOUT');
      expect((run as VisionError).code).toBe('WORKER_FAILED');
      const next = await remote.run(facePhoto(1));
      expect(next.detections.length).toBeGreaterThan(0);
      expect(worker.restarts).toBe(1);
    } finally {
      remote.dispose();
      worker.terminate();
    }
  });

  it('segmentation in a worker returns working Masks equal to the in-thread ones; the worker closes its own', async () => {
    const remote = await pipeline('image-segmentation', { worker: true, workerUrl: url, backend: 'wasm', model: 'selfie-segmentation' });
    const inThread = await pipeline('image-segmentation', { backend: 'wasm', model: 'selfie-segmentation' });
    try {
      const photo = fixturePhoto('astronaut');
      const [a, b] = [await inThread.run(photo), await remote.run(photo)];
      const same = (x: Float32Array | Uint8Array, y: Float32Array | Uint8Array): boolean => Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(y.buffer, y.byteOffset, y.byteLength));
      expect(b.labels).toEqual(['background', 'person']);
      const [ma, mb] = [a.confidenceMasks![1], b.confidenceMasks![1]]; // the person channel
      expect(mb).toBeInstanceOf(Mask);
      expect(mb.kind).toBe('probability');
      expect([mb.width, mb.height]).toEqual([ma.width, ma.height]);
      expect([mb.width, mb.height]).toEqual([512, 512]);
      expect(same(mb.toFloat32Array(), ma.toFloat32Array())).toBe(true);
      expect(same(b.categoryMask!.toUint8Array(), a.categoryMask!.toUint8Array())).toBe(true);
      // the astronaut fills 55 % of the photo (measured 0.546): her face is person, the flag is not
      expect(mb.area() / (512 * 512)).toBeGreaterThan(0.45);
      expect(mb.area() / (512 * 512)).toBeLessThan(0.65);
      const person = mb.toFloat32Array();
      expect(person[120 * 512 + 225]).toBeGreaterThan(0.5);
      expect(person[100 * 512 + 20]).toBeLessThan(0.5);
      expect(mb.toRle().counts).toEqual(ma.toRle().counts);
      for (const r of [a, b]) [r.categoryMask, ...(r.confidenceMasks ?? [])].forEach((m) => m?.close());
      const memory = await remote.worker.memory();
      expect(memory.masks).toBe(0);
      await remote.run(photo).then((r) => [r.categoryMask, ...(r.confidenceMasks ?? [])].forEach((m) => m?.close()));
      expect((await remote.worker.memory()).numTensors).toBe(memory.numTensors);
      expect((await remote.worker.memory()).masks).toBe(0);
    } finally {
      remote.dispose();
      inThread.dispose();
    }
  });

  it("a run's signal stays on the calling side: a live one runs, a fired one (before or during) rejects ABORTED", async () => {
    // it crossed by structured clone and arrived without `aborted`: "signal must be an AbortSignal", whatever was passed
    const files = visionEncoderDecoderExport();
    const model = { encoder: files.encoder, decoder: files.decoder, tokenizer: files.tokenizer, backend: 'wasm' as const };
    const remote = await pipeline('image-to-text', { ...model, worker: true, workerUrl: url });
    try {
      const image = (): RawImage => ({ data: files.image.slice(), width: 32, height: 32, channels: 3 }); // a frame is transferred: a fresh copy each call
      const expected = await remote.run(image(), { maxTokens: 5 });
      expect(expected.tokens).toHaveLength(5);
      expect((await remote.run(image(), { maxTokens: 5, signal: new AbortController().signal })).tokens).toEqual(expected.tokens);
      const fired = new AbortController();
      fired.abort();
      await expect(remote.run(image(), { signal: fired.signal })).rejects.toMatchObject({ code: 'ABORTED' });
      // null is no signal; an object that is no AbortSignal is refused before the run is sent (it was a TypeError after)
      expect((await remote.run(image(), { maxTokens: 5, signal: null as never })).tokens).toEqual(expected.tokens);
      await expect(remote.run(image(), { signal: { aborted: false } as never })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: 'image-to-text run in the worker: signal must be an AbortSignal (new AbortController().signal)' });
      const during = new AbortController();
      const running = remote.run(image(), { maxTokens: 20, signal: during.signal });
      during.abort();
      await expect(running).rejects.toMatchObject({ code: 'ABORTED', message: 'image-to-text run in the worker was aborted' });
      // the pipeline goes on
      expect((await remote.run(image(), { maxTokens: 5 })).tokens).toEqual(expected.tokens);
      // ended while its worker still runs an abandoned caption: the thread ends once that run is
      // over (ending it mid-run aborted this whole process in onnxruntime-node: FATAL ERROR napi_define_properties)
      const abandoned = new AbortController();
      const leftRunning = remote.run(image(), { maxTokens: 20, signal: abandoned.signal });
      abandoned.abort();
      await expect(leftRunning).rejects.toMatchObject({ code: 'ABORTED' });
      remote.dispose();
      await new Promise((resolve) => setTimeout(resolve, 2000)); // the process is still here
      expect(remote.worker.isTerminated).toBe(true);
    } finally {
      remote.dispose();
    }
  });

  it('a URL in the options crosses as its text (it arrived as {}: "cannot read model file <undefined bytes>")', async () => {
    const where = new URL('file:///nonexistent-visionpipe/model.json');
    const options = { model: 'centernet-coco', modelSource: where, backend: 'wasm' } as const;
    const inThread = await pipeline('object-detection', options).catch((error: unknown) => error as VisionError);
    const remote = await pipeline('object-detection', { ...options, worker: true, workerUrl: url }).catch((error: unknown) => error as VisionError);
    expect(remote).toMatchObject({ code: (inThread as VisionError).code });
    expect((remote as VisionError).message).toContain('nonexistent-visionpipe');
    expect(wireOptions({ model: { encoder: new URL('https://example.org/e.onnx') }, list: [where] }, new Set())).toEqual({ model: { encoder: 'https://example.org/e.onnx' }, list: [where.href] });
  });

  it('options that cannot cross (functions, a loaded runner) are INVALID_OPTION', async () => {
    await expect(createWorkerPipeline('object-detection', { workerUrl: url, model: local.runner, spec: local.spec })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });
});
