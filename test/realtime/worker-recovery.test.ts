// A shared worker's pipelines across restarts (Node worker_threads, cpu backend): each pipeline
// is the tiny cell detector from a folder of its own with a label of its own, so a result tells
// which model made it. Calls wait for the rebuild; a pipeline whose rebuild fails gets the
// error on its next call and is rebuilt on the one after; pipelines never address each other.
import { renameSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VisionWorker, createWorkerPipeline } from '../../src/worker/index';
import type { ModelSpec } from '../../src/models/model-spec';
import { ensureNodeWorker } from './build';
import { cellFrame, cellModel, labelsOf } from './worker-fixtures';

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
});
