/**
 * Error messages show the bad value as it is: `shownData` writes arrays and objects out with
 * NaN, ±Infinity and BigInts by name, and survives cycles and throwing getters, where the
 * `JSON.stringify` it replaced showed NaN as null and threw a bare TypeError on `1n` or a cycle
 * (so `explain(…, { classId: 1n })` was no VisionError).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shownData } from '../../src/core/shown-value';
import { FaceMatcher, HeatMap, type ModelSpec, type Pipeline, TfjsRunner, explain, pipeline, selectTfjsBackend } from '../../src/node/index';

describe('shownData', () => {
  it('writes values out as they are', () => {
    expect(shownData([1, Number.NaN, Number.POSITIVE_INFINITY, 3n, 'a', null, undefined])).toBe('[1, NaN, Infinity, 3n, "a", null, undefined]');
    expect(shownData({ x1: 0, y1: Number.NaN, inner: { deep: { deeper: [1] } } })).toBe('{ x1: 0, y1: NaN, inner: { deep: { deeper: an array } } }');
    expect(shownData({})).toBe('{}');
    expect(shownData(Array.from({ length: 20 }, (_, i) => i))).toBe('[0, 1, 2, 3, 4, 5, 6, 7, …]');
    expect(shownData(5)).toBe('5');
    expect(shownData('x'.repeat(300))).toMatch(/^"x+…"$/);
  });

  it('survives cycles, throwing getters and huge values', () => {
    const cyclic: unknown[] = [1, 2];
    cyclic.push(cyclic);
    expect(shownData(cyclic)).toBe('[1, 2, (itself)]');
    const hostile = Object.defineProperty({}, 'x', { enumerable: true, get: () => { throw new Error('no'); } });
    expect(shownData(hostile)).toBe('an object');
    expect(shownData(Array.from({ length: 8 }, () => 'y'.repeat(100))).length).toBeLessThanOrEqual(161);
    // a revoked proxy threw even in the fallback; a 2e6-value typed array took half a second; Map, Set and Date showed as {}
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(shownData(proxy)).toBe('an object');
    expect(shownData([new Float32Array(2_000_000), new Map([[1, 2]]), new Set([1, 2, 3]), new Date(0), new DataView(new ArrayBuffer(8))])).toBe(
      '[a Float32Array(2000000), a Map(1), a Set(3), a Date (1970-01-01T00:00:00.000Z), a DataView(8 bytes)]',
    );
  });
});

describe('messages that showed values as JSON', () => {
  const spec: ModelSpec = {
    id: 'tiny', task: 'image-classification', family: 'logits', format: 'tfjs', location: { url: 'memory://tiny' },
    input: { width: 8, height: 8, fit: 'stretch', normalization: 'unit' }, labels: ['a', 'b'], license: 'NOASSERTION',
  };
  const image = { data: new Uint8Array(8 * 8 * 3), width: 8, height: 8, channels: 3 as const };
  let classifier: Pipeline<unknown, unknown>;

  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'wasm' });
    const model = tf.sequential();
    model.add(tf.layers.flatten({ inputShape: [8, 8, 3] }));
    model.add(tf.layers.dense({ units: 2 }));
    classifier = await pipeline('image-classification', { model: new TfjsRunner(model, 'wasm'), spec });
  });
  afterAll(() => classifier.dispose());

  it('a BigInt, a cycle or a NaN is a VisionError showing the value', async () => {
    const cyclic: unknown[] = [1, 2];
    cyclic.push(cyclic);
    await expect(explain(classifier as never, image, { classId: 1n as never })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/^classId is 1n; it must be a class index/) });
    await expect(explain(classifier as never, image, { classId: Number.NaN })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/^classId is NaN;/) });
    await expect(explain(classifier as never, image, { fill: cyclic as never })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/^fill is \[1, 2, \(itself\)\];/) });
    await expect(explain(classifier as never, image, { fill: [1, 2, Number.POSITIVE_INFINITY] })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/^fill is \[1, 2, Infinity\];/) });
    const heat = HeatMap.fromSaliency(1, 1, Float32Array.of(1));
    expect(() => heat.massInside({ x1: 0n, y1: 0, x2: 1, y2: 1 } as never)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('got { x1: 0n, y1: 0, x2: 1, y2: 1 }') }));
    expect(() => new FaceMatcher().add(1n as never, [1, 0])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: 'a reference needs a non-empty string label, got 1n' }));
  });
});
