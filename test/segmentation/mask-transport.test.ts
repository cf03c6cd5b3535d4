// Masks across the worker boundary, without a worker: packMasks → structuredClone (with the
// buffers transferred) → unpackMasks gives equal, working Mask objects for every kind, and
// the sending side's masks are closed.
import { describe, expect, it } from 'vitest';
import { Mask } from '../../src/core/mask';
import { packMasks, unpackMasks } from '../../src/worker/mask-transport';

describe('mask transport (packMasks / unpackMasks)', () => {
  it('binary, probability and category masks at any depth survive a structured clone, exactly', () => {
    const before = Mask.openCount;
    const binary = Mask.create('binary', 6, 4, Uint8Array.of(1, 0, 1, 1), { x: 2, y: 1, width: 2, height: 2 });
    const probability = Mask.create('probability', 3, 2, Float32Array.of(0, 0.25, 0.5, 0.75, 1, 0.125));
    const category = Mask.create('category', 2, 2, Uint8Array.of(0, 3, 2, 1));
    const expected = [binary, probability, category].map((m) => ({ kind: m.kind, bounds: { ...m.bounds }, floats: m.toFloat32Array() }));
    const result = { instances: [{ label: 'cat', box: { x1: 1, y1: 2, x2: 3, y2: 4 }, mask: binary }], confidenceMasks: [probability], categoryMask: category, keep: new Float32Array(2), n: 3 };

    const { value, transfer } = packMasks(result);
    expect(transfer).toHaveLength(3);
    expect([binary, probability, category].every((m) => m.closed)).toBe(true);
    const wire = structuredClone(value, { transfer });
    expect(transfer.every((b) => b.byteLength === 0)).toBe(true); // moved, not copied
    const back = unpackMasks(wire);

    const masks = [back.instances[0].mask, back.confidenceMasks[0], back.categoryMask];
    masks.forEach((m, i) => {
      expect(m).toBeInstanceOf(Mask);
      expect(m.kind).toBe(expected[i].kind);
      expect(m.bounds).toEqual(expected[i].bounds);
      expect(m.toFloat32Array()).toEqual(expected[i].floats);
    });
    expect(back.instances[0].label).toBe('cat');
    expect(back.keep).toBeInstanceOf(Float32Array);
    expect(back.n).toBe(3);
    expect(Mask.openCount).toBe(before + 3);
    for (const m of masks) m.close();
    expect(Mask.openCount).toBe(before);
    // results without masks pass through; a corrupt packed mask is INVALID_INPUT and leaks nothing
    expect(unpackMasks(packMasks({ poses: [{ score: 1 }] }).value)).toEqual({ poses: [{ score: 1 }] });
    const bad = { __visionpipeMask: { kind: 'binary', width: 2, height: 2, bounds: { x: 0, y: 0, width: 2, height: 2 }, data: new Uint8Array(3) } };
    expect(() => unpackMasks([packMasks(Mask.create('binary', 1, 1, Uint8Array.of(1))).value, bad])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(Mask.openCount).toBe(before);
  });
});
