// Worker options at the boundary (Node worker_threads, cpu backend, the tiny cell detector):
// time limits take numbers only, and limits no timer can hold (Infinity, past 2^31 − 1 ms) mean
// no limit instead of firing at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VisionWorker, createWorkerPipeline } from '../../src/worker/index';
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
