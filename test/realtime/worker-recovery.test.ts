// A shared worker's pipelines across restarts (Node worker_threads, cpu backend): each pipeline
// is the tiny cell detector from a folder of its own with a label of its own, so a result tells
// which model made it. Calls wait for the rebuild; a pipeline whose rebuild fails gets the
// error on its next call and is rebuilt on the one after; pipelines never address each other.
import { existsSync, renameSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VisionWorker, createWorkerPipeline } from '../../src/worker/index';
import type { ModelSpec } from '../../src/models/model-spec';
import { ensureNodeWorker } from './build';
import { cellFrame, cellModel, fixtureWorker, labelsOf } from './worker-fixtures';

let url: string;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  url = await ensureNodeWorker();
});

afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** A shared worker, terminated after the test. */
function sharedWorker(): VisionWorker {
  const worker = new VisionWorker({ url });
  cleanups.push(() => worker.terminate());
  return worker;
}

/** Moves a model folder away until the returned function (also run after the test) puts it back. */
function hide(dir: string): () => void {
  renameSync(dir, `${dir}-gone`);
  const putBack = (): void => {
    if (existsSync(`${dir}-gone`)) renameSync(`${dir}-gone`, dir);
  };
  cleanups.push(putBack);
  return putBack;
}

const cells = (worker: VisionWorker, card: ModelSpec) => createWorkerPipeline('object-detection', { worker, backend: 'cpu', model: card });

describe('rebuilding a restarted worker', () => {
  it('a call made while the restarted worker rebuilds its pipelines waits for the rebuild', async () => {
    const worker = sharedWorker();
    const a = await cells(worker, cellModel('wait-a').card);
    const b = await cells(worker, cellModel('wait-b').card);
    await worker.simulateFailure('exit').catch(() => undefined);
    const first = a.run(cellFrame()); // starts the fresh worker, which rebuilds a, then b
    while (!worker.running) await new Promise((resolve) => setTimeout(resolve, 1));
    const second = b.run(cellFrame()); // the worker is up, the rebuild has just begun
    expect(labelsOf(await first)).toEqual(['wait-a']);
    expect(labelsOf(await second)).toEqual(['wait-b']);
    expect([worker.restarts, (await worker.memory()).pipelines]).toEqual([1, 2]);
  });

  it('a pipeline whose rebuild fails gets the error on its next call and is rebuilt on the one after; the others run their own models', async () => {
    const worker = sharedWorker();
    const a = await cells(worker, cellModel('fail-a').card);
    const modelB = cellModel('fail-b');
    const b = await cells(worker, modelB.card);
    expect(labelsOf(await b.run(cellFrame()))).toEqual(['fail-b']);
    const putBack = hide(modelB.dir); // b cannot be rebuilt while its folder is gone
    await worker.simulateFailure('exit').catch(() => undefined);
    expect(labelsOf(await a.run(cellFrame()))).toEqual(['fail-a']); // b's failed rebuild is b's, not a's
    const c = await cells(worker, cellModel('fail-c').card); // created where b's old id is free
    await expect(b.run(cellFrame())).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED', message: expect.stringContaining('fail-b') });
    await expect(b.runForVideo(cellFrame(), 0)).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED' }); // built again, fails again
    expect(labelsOf(await c.run(cellFrame()))).toEqual(['fail-c']);
    putBack();
    expect(labelsOf(await b.run(cellFrame()))).toEqual(['fail-b']); // b's own model, not c's
    expect(labelsOf(await b.runForVideo(cellFrame(), 0))).toEqual(['fail-b']);
    expect(labelsOf(await c.run(cellFrame()))).toEqual(['fail-c']);
    expect([worker.restarts, (await worker.memory()).pipelines]).toEqual([1, 3]);
  });

  it('disposing a pipeline whose rebuild failed leaves the pipeline created since alone', async () => {
    const worker = sharedWorker();
    const a = await cells(worker, cellModel('dispose-a').card);
    const modelB = cellModel('dispose-b');
    const b = await cells(worker, modelB.card);
    hide(modelB.dir);
    await worker.simulateFailure('exit').catch(() => undefined);
    await worker.memory().catch(() => undefined); // restarts the worker: a is rebuilt, b is not
    const c = await cells(worker, cellModel('dispose-c').card);
    b.dispose();
    expect(labelsOf(await c.run(cellFrame()))).toEqual(['dispose-c']);
    expect(labelsOf(await a.run(cellFrame()))).toEqual(['dispose-a']);
    expect((await worker.memory()).pipelines).toBe(2);
  });
});

describe('first runs slower than timeoutMs (kernels compile on them)', () => {
  // the fixture worker's first run is busy 2 s, its second 1.2 s, later runs take milliseconds
  const coldWorker = async (): Promise<VisionWorker> => {
    const worker = new VisionWorker({ url: await fixtureWorker('cold-first-run-worker'), timeoutMs: 800 });
    cleanups.push(() => worker.terminate());
    return worker;
  };

  it('are timed with the creation limit until one answers within timeoutMs, in a fresh worker and after a restart; calls sent meanwhile too', async () => {
    const worker = await coldWorker();
    const remote = await cells(worker, cellModel('cold').card);
    const first = remote.run(cellFrame());
    const memory = worker.memory(); // waits behind the cold run in the worker
    expect(labelsOf(await first)).toEqual(['cold']);
    expect((await memory).pipelines).toBe(1);
    for (let i = 0; i < 3; i++) expect(labelsOf(await remote.run(cellFrame()))).toEqual(['cold']);
    expect(worker.failures).toBe(0);
    // a restarted worker compiles again: its first runs are cold too
    await worker.simulateFailure('exit').catch(() => undefined);
    const [a, b] = await Promise.all([remote.runForVideo(cellFrame(), 0), remote.run(cellFrame())]);
    expect([labelsOf(a), labelsOf(b)]).toEqual([['cold'], ['cold']]);
    expect(labelsOf(await remote.run(cellFrame()))).toEqual(['cold']);
    expect([worker.restarts, worker.failures]).toEqual([1, 1]); // the exit only
  });

  it('a warm run past timeoutMs is still a hung worker: TIMEOUT, and the pipeline works after the restart', async () => {
    const worker = await coldWorker();
    const remote = await cells(worker, cellModel('hung').card);
    for (let i = 0; i < 3; i++) await remote.run(cellFrame()); // the third answers within timeoutMs: warm
    // the busy call is timed at its turn: TIMEOUT; the run waiting behind it fails with the worker
    const hang = worker.simulateFailure('hang', 3000).catch((e: unknown) => e);
    await expect(remote.run(cellFrame())).rejects.toMatchObject({ code: 'WORKER_FAILED' });
    expect(await hang).toMatchObject({ code: 'TIMEOUT' });
    expect(labelsOf(await remote.run(cellFrame()))).toEqual(['hung']); // cold in the new worker, within the creation limit
  });
});

describe('calls waiting behind others in the worker', () => {
  it('are timed from their turn: 12 runs of 150 ms sent together within a 500 ms limit all answer, and the worker is not restarted', async () => {
    const worker = new VisionWorker({ url: await fixtureWorker('steady-slow-worker'), timeoutMs: 500 });
    cleanups.push(() => worker.terminate());
    const remote = await cells(worker, cellModel('queued').card);
    await remote.run(cellFrame()); // the first run answers within timeoutMs: later ones are timed by it
    const results = await Promise.all(Array.from({ length: 12 }, () => remote.run(cellFrame())));
    expect(results.map(labelsOf)).toEqual(Array.from({ length: 12 }, () => ['queued']));
    expect([worker.restarts, worker.failures]).toEqual([0, 0]);
    // a call without a limit holds back the limits behind it: the run waits 1.5 s for it and answers
    const unlimited = worker.call((api) => api.simulateFailure('hang', 1500), 0);
    expect(labelsOf(await remote.run(cellFrame()))).toEqual(['queued']);
    await unlimited;
    expect(worker.failures).toBe(0);
    // a call that hangs at its turn is still found: TIMEOUT, and the run behind it fails with the worker
    const hang = worker.simulateFailure('hang', 3000).catch((e: unknown) => e);
    await expect(remote.run(cellFrame())).rejects.toMatchObject({ code: 'WORKER_FAILED' });
    expect(await hang).toMatchObject({ code: 'TIMEOUT' });
  });
});

describe('aborting a worker pipeline being created', () => {
  it('rejects ABORTED while the worker still builds it (it waited for the build); the shared worker then closes it', async () => {
    const worker = new VisionWorker({ url: await fixtureWorker('steady-slow-worker') });
    cleanups.push(() => worker.terminate());
    expect((await worker.memory()).pipelines).toBe(0);
    let built = false;
    const open = worker.open.bind(worker);
    worker.open = ((...args: Parameters<VisionWorker['open']>) => {
      const opened = open(...args);
      opened.then(() => (built = true), () => undefined);
      return opened;
    }) as VisionWorker['open'];
    const controller = new AbortController();
    const created = createWorkerPipeline('object-detection', { worker, backend: 'cpu', model: cellModel('aborted').card, signal: controller.signal });
    controller.abort();
    await expect(created).rejects.toMatchObject({ code: 'ABORTED', message: 'creating the worker pipeline was aborted' });
    expect(built).toBe(false);
    // the build finishes in the worker, and the pipeline is closed there
    let pipelines = -1;
    for (let tries = 0; tries < 100 && pipelines !== 0; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      pipelines = built ? (await worker.memory()).pipelines : -1;
    }
    expect(pipelines).toBe(0);
  });
});

describe('terminate while the worker starts', () => {
  it('ends the worker being started: the call that started it rejects with DISPOSED, nothing keeps running', async () => {
    const worker = new VisionWorker({ url });
    const call = worker.memory(); // starts the worker
    worker.terminate();
    await expect(call).rejects.toMatchObject({ code: 'DISPOSED' });
    expect(worker.running).toBe(false);
  });
});

