// Worker options at the boundary (Node worker_threads, cpu backend, the tiny cell detector):
// time limits take numbers only, and limits no timer can hold (Infinity, past 2^31 − 1 ms) mean
// no limit instead of firing at once; a worker script that never answers is reported within
// the creation limit; options that cannot cross (functions, symbols) are INVALID_OPTION naming
// the option, and so is a `worker` that is neither true nor a VisionWorker, and so are the
// dedicated-worker options (workerUrl, timeoutMs, createTimeoutMs) given with a shared
// VisionWorker, which would ignore them; a handed-over raw image in shared memory is shared,
// not transferred.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../browser/server';
import { VisionWorker, createWorkerPipeline } from '../../src/worker/index';
import { handOver, pipeline } from '../../src/node/index';
import type { ModelSpec } from '../../src/models/model-spec';
import { ensureNodeWorker } from './build';
import { cellFrame, cellModel, labelsOf } from './worker-fixtures';

let url: string;
let card: ModelSpec;
const warnings: string[] = [];
const onWarning = (warning: Error): void => void warnings.push(`${warning.name}: ${warning.message}`);

beforeAll(async () => {
  url = await ensureNodeWorker();
  card = cellModel('options').card;
  process.on('warning', onWarning);
});

afterAll(() => void process.off('warning', onWarning));

describe('worker time limits', () => {
  it.each([true, '50', -1, NaN, null, {}])('timeoutMs or createTimeoutMs of %s is INVALID_OPTION naming what is allowed', (value) => {
    for (const name of ['timeoutMs', 'createTimeoutMs'] as const) {
      const made = (): VisionWorker => new VisionWorker({ url, [name]: value as unknown as number });
      expect(made).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(new RegExp(`^${name} is .*a number of milliseconds ≥ 0 \\(0 or Infinity: no limit\\)`)) }));
    }
    return expect(createWorkerPipeline('object-detection', { model: card, workerUrl: url, timeoutMs: value as unknown as number })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });

  it.each([Infinity, 2 ** 31, 3e9, 1e12])('a limit of %s ms is no limit: creation and runs work, no timer overflows', async (limit) => {
    const worker = new VisionWorker({ url, timeoutMs: limit, createTimeoutMs: limit });
    try {
      const remote = await createWorkerPipeline('object-detection', { worker, backend: 'cpu', model: card });
      expect(labelsOf(await remote.run(cellFrame()))).toEqual(['options']);
      expect(labelsOf(await remote.run(cellFrame()))).toEqual(['options']);
      expect(worker.failures).toBe(0);
      expect(warnings.filter((w) => w.startsWith('TimeoutOverflowWarning'))).toEqual([]);
    } finally {
      worker.terminate();
    }
  });
});

/** `work`, or a rejection once `ms` passed (so that a hang fails the test instead of stalling it). */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

describe('a worker script that never answers', () => {
  const silent = join(REPO_ROOT, 'test/realtime/fixtures/silent-worker.mjs');

  it('fails creation with WORKER_FAILED within createTimeoutMs, saying the script did not answer', async () => {
    const started = Date.now();
    const creating = createWorkerPipeline('object-detection', { model: card, workerUrl: silent, createTimeoutMs: 1500, timeoutMs: 500 });
    await expect(within(15_000, creating)).rejects.toMatchObject({ code: 'WORKER_FAILED', message: expect.stringMatching(/^the worker script .*silent-worker\.mjs did not answer within 1500 ms of starting; .*createWorkerHost/) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
  });

  it('a shared worker reports it on every call, starting again each time', async () => {
    const worker = new VisionWorker({ url: silent, createTimeoutMs: 800 });
    try {
      for (let i = 0; i < 2; i++) await expect(within(15_000, worker.memory())).rejects.toMatchObject({ code: 'WORKER_FAILED', message: expect.stringContaining('did not answer') });
      expect([worker.failures, worker.restarts, worker.running]).toEqual([2, 1, false]);
    } finally {
      worker.terminate();
    }
  });

  it('the creation limit is bounded by default: 120 s', () => {
    expect(new VisionWorker().createTimeoutMs).toBe(120_000);
  });
});

describe('what crosses to the worker', () => {
  it('run options holding a function or symbol are INVALID_OPTION naming the option; the pipeline runs on', async () => {
    const remote = await createWorkerPipeline('object-detection', { model: card, backend: 'cpu', workerUrl: url });
    try {
      const refused = (options: unknown) => remote.run(cellFrame(), options as never);
      await expect(refused({ threshold: 0.5, extra: { f: () => 1 } })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/^run option 'extra\.f' is a function, which cannot be sent to a worker; options sent to a worker must be data/) });
      await expect(refused({ q: Symbol('q') })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining("run option 'q' is a symbol") });
      await expect(remote.runForVideo(cellFrame(), 0, { list: [1, () => 2] } as never)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining("run option 'list[1]' is a function") });
      await expect(refused(() => 1)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('run options are a function; they must be an object') });
      // what structured clone refuses failed in the post as INVALID_INPUT ('could not send the call')
      await expect(refused({ tag: new WeakMap() })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/^run option 'tag' cannot be sent to a worker \(.*\); options sent to a worker must be data/) });
      await expect(refused({ pending: Promise.resolve(1) })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining("run option 'pending' cannot be sent") });
      expect(labelsOf(await remote.run(cellFrame(), { threshold: 0.5 }))).toEqual(['options']);
    } finally {
      remote.dispose();
    }
  });

  it('creation options holding a function or symbol at any depth are INVALID_OPTION naming the option', async () => {
    const create = (extra: Record<string, unknown>) => createWorkerPipeline('object-detection', { model: card, backend: 'cpu', workerUrl: url, ...extra });
    await expect(create({ tracker: { f: () => 1 } })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining("option 'tracker.f' is a function, which cannot be sent to a worker") });
    await expect(create({ classes: ['cell', Symbol('x')] })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining("option 'classes[1]' is a symbol") });
    await expect(create({ tracker: { cache: new WeakSet() } })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining("option 'tracker' cannot be sent to a worker") });
  });

  it.each(['yes', 1, false, {}])('worker: %s is INVALID_OPTION naming the allowed values', async (worker) => {
    const expected = { code: 'INVALID_OPTION', message: expect.stringMatching(/^worker is .*; allowed: true \(a dedicated worker\) or a VisionWorker/) };
    await expect(createWorkerPipeline('object-detection', { model: card, workerUrl: url, worker: worker as never })).rejects.toMatchObject(expected);
    if (worker) await expect(pipeline('object-detection', { model: card, workerUrl: url, worker: worker as never })).rejects.toMatchObject(expected);
  });

  it.each([
    [{ timeoutMs: 5000 }, /^timeoutMs was given with a shared VisionWorker, .*ignore it; set it on the worker instead \(new VisionWorker\(\{ timeoutMs \}\)\)/],
    [{ createTimeoutMs: 60_000 }, /^createTimeoutMs was given with a shared VisionWorker, .*new VisionWorker\(\{ createTimeoutMs \}\)/],
    [{ workerUrl: 'elsewhere.mjs' }, /^workerUrl was given with a shared VisionWorker, .*new VisionWorker\(\{ url: workerUrl \}\)/],
    [{ workerUrl: 'elsewhere.mjs', timeoutMs: 0, createTimeoutMs: 1 }, /^workerUrl, timeoutMs, createTimeoutMs were given with a shared VisionWorker, .*new VisionWorker\(\{ url: workerUrl, timeoutMs, createTimeoutMs \}\)/],
  ])('dedicated-worker options %o with a shared VisionWorker are INVALID_OPTION, not silently ignored', async (extra, message) => {
    const worker = new VisionWorker({ url });
    try {
      const expected = { code: 'INVALID_OPTION', message: expect.stringMatching(message) };
      await expect(createWorkerPipeline('object-detection', { model: card, backend: 'cpu', worker, ...extra })).rejects.toMatchObject(expected);
      await expect(pipeline('object-detection', { model: card, backend: 'cpu', worker, ...extra })).rejects.toMatchObject(expected);
      expect(worker.running).toBe(false); // refused before the worker was started
    } finally {
      worker.terminate();
    }
  });

  it('a shared VisionWorker takes options left undefined; worker: true still takes workerUrl and the limits', async () => {
    const worker = new VisionWorker({ url });
    const shared = await createWorkerPipeline('object-detection', { model: card, backend: 'cpu', worker, timeoutMs: undefined, workerUrl: undefined });
    const dedicated = await createWorkerPipeline('object-detection', { model: card, backend: 'cpu', worker: true, workerUrl: url, timeoutMs: 20_000, createTimeoutMs: 60_000 });
    try {
      expect(labelsOf(await shared.run(cellFrame()))).toEqual(['options']);
      expect(labelsOf(await dedicated.run(cellFrame()))).toEqual(['options']);
      expect(dedicated.worker.createTimeoutMs).toBe(60_000);
    } finally {
      shared.dispose();
      dedicated.dispose();
      worker.terminate();
    }
  });

  it('a handed-over raw image in shared memory is shared with the worker, not transferred', async () => {
    const remote = await createWorkerPipeline('object-detection', { model: card, backend: 'cpu', workerUrl: url });
    try {
      const frame = cellFrame();
      const shared = new Uint8Array(new SharedArrayBuffer(frame.data.length));
      shared.set(frame.data);
      const image = { ...frame, data: shared };
      expect(labelsOf(await remote.run(handOver(image)))).toEqual(['options']);
      expect(image.data.byteLength).toBe(frame.data.length); // still the caller's
      expect(labelsOf(await remote.run(image))).toEqual(['options']);
    } finally {
      remote.dispose();
    }
  });
});
