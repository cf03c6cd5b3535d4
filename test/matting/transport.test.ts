/** A matting result crosses the worker boundary: its alpha Mask and its foreground RgbaImage come back owned and equal. */
import { describe, expect, it } from 'vitest';
import { Mask } from '../../src/core/mask';
import { RgbaImage } from '../../src/core/rgba-image';
import { packMasks, unpackMasks } from '../../src/worker/mask-transport';

describe('matting results across the worker boundary', () => {
  it('alpha and foreground are packed (buffers transferred, worker copies closed) and rebuilt', () => {
    const alpha = Mask.create('probability', 2, 1, new Float32Array([0.25, 1]));
    const foreground = RgbaImage.create(2, 1, new Uint8ClampedArray([1, 2, 3, 64, 5, 6, 7, 255]));
    const { value, transfer } = packMasks({ alpha, foreground, imageSize: { width: 2, height: 1 } });
    expect(transfer).toHaveLength(2);
    expect(alpha.closed && foreground.closed).toBe(true);
    const back = unpackMasks(structuredClone(value));
    expect(back.alpha).toBeInstanceOf(Mask);
    expect(Array.from(back.alpha.toFloat32Array())).toEqual([0.25, 1]);
    expect(back.foreground).toBeInstanceOf(RgbaImage);
    expect(Array.from(back.foreground.data)).toEqual([1, 2, 3, 64, 5, 6, 7, 255]);
    back.alpha.close();
    back.foreground.close();
    expect(() => back.foreground.data).toThrow(expect.objectContaining({ code: 'DISPOSED' }));
    expect(() => RgbaImage.create(2, 2, new Uint8ClampedArray(3))).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
