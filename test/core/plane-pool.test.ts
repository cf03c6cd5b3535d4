// Frame-size planes handed out for masks and taken back when the masks are closed: the pool's
// rules (equal lengths, at most two kept, nothing kept after clear) and Mask's recycling hook.
import { describe, expect, it, vi } from 'vitest';
import { Mask } from '../../src/core/mask';
import { recycleOnClose } from '../../src/core/mask-recycling';
import { PlanePool } from '../../src/core/plane-pool';

describe('PlanePool', () => {
  it('hands back a plane it was given, of the asked length only, and keeps at most two', () => {
    const pool = new PlanePool();
    const first = pool.take(12);
    expect(first).toBeInstanceOf(Float32Array);
    expect(first.length).toBe(12);
    pool.give(first);
    expect(pool.take(8)).not.toBe(first);
    expect(pool.take(12)).toBe(first);
    expect(pool.take(12)).not.toBe(first);
    const [a, b, c] = [new Float32Array(12), new Float32Array(12), new Float32Array(12)];
    for (const plane of [a, b, c, a]) pool.give(plane);
    const taken = [pool.take(12), pool.take(12), pool.take(12)];
    expect(taken.slice(0, 2)).toEqual(expect.arrayContaining([a, b]));
    expect(taken[2] === a || taken[2] === b || taken[2] === c).toBe(false);
  });

  it('drops planes of an older size when one of a new size comes back, and keeps none after clear()', () => {
    const pool = new PlanePool();
    const old = new Float32Array(4);
    const current = new Float32Array(6);
    pool.give(old);
    pool.give(current);
    expect(pool.take(4)).not.toBe(old);
    expect(pool.take(6)).toBe(current);
    pool.clear();
    pool.give(current);
    expect(pool.take(6)).not.toBe(current);
  });
});

describe('recycleOnClose', () => {
  it('gives a probability mask\'s data back once, when it is closed, and the mask reads nothing after', () => {
    const data = Float32Array.of(0.25, 0.75);
    const recycle = vi.fn();
    const mask = recycleOnClose(Mask.create('probability', 2, 1, data), recycle);
    expect(mask.toFloat32Array()).not.toBe(data);
    expect(recycle).not.toHaveBeenCalled();
    mask.close();
    mask.close();
    expect(recycle).toHaveBeenCalledTimes(1);
    expect(recycle).toHaveBeenCalledWith(data);
    expect(() => mask.toFloat32Array()).toThrow(expect.objectContaining({ code: 'DISPOSED' }));
    // a clone has data of its own and no recycler
    const kept = recycleOnClose(Mask.create('probability', 2, 1, Float32Array.of(1, 0)), recycle);
    const clone = kept.clone();
    clone.close();
    expect(recycle).toHaveBeenCalledTimes(1);
    kept.close();
  });
});
