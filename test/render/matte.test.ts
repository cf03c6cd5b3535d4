/**
 * Matte compositing on a real 2D canvas (@napi-rs/canvas): background colour / picture
 * replacement, green screen and background blur, pixel by pixel.
 */
import { describe, expect, it } from 'vitest';
import { Mask } from '../../src/core/mask';
import { blurRgba, compositeMatte, drawBackgroundBlur, drawBackgroundReplace, drawGreenScreen } from '../../src/render/index';
import { blank, diff } from './helpers';

/** A 40×20 frame: red on the left half, blue on the right; the matte: person (1) on the left, 0.5 in column 20, background right. */
function scene(): { t: ReturnType<typeof blank>; matte: Mask } {
  const t = blank(40, 20, '#0000ff');
  t.ctx.fillStyle = '#ff0000';
  t.ctx.fillRect(0, 0, 20, 20);
  const values = new Float32Array(40 * 20).map((_, p) => (p % 40 < 20 ? 1 : p % 40 === 20 ? 0.5 : 0));
  return { t, matte: Mask.create('probability', 40, 20, values) };
}

describe('matte compositing on a canvas', () => {
  it('colour replacement and green screen: person kept, background replaced, the half-matte column blended', () => {
    const { t, matte } = scene();
    drawBackgroundReplace(t.ctx, matte, '#102030');
    expect(t.px(5, 5)).toEqual([255, 0, 0, 255]);
    expect(t.px(30, 5)).toEqual([16, 32, 48, 255]);
    expect(diff(t.px(20, 5), [8, 16, 24 + 128, 255])).toBeLessThanOrEqual(1);
    const g = scene();
    drawGreenScreen(g.t.ctx, g.matte);
    expect(g.t.px(30, 10)).toEqual([0, 177, 64, 255]);
    expect(g.t.px(2, 10)).toEqual([255, 0, 0, 255]);
    matte.close();
    g.matte.close();
  });

  it('picture replacement covers the canvas (scaled bilinearly, centred); a negative blur radius is refused', () => {
    const { t, matte } = scene();
    // a 4×2 picture: left column black, the rest white → scaled ×10 to cover 40×20
    const data = new Uint8ClampedArray(4 * 2 * 4).map((_, i) => (i % 4 === 3 ? 255 : Math.floor(i / 4) % 4 === 0 ? 0 : 255));
    drawBackgroundReplace(t.ctx, matte, { width: 4, height: 2, data });
    expect(t.px(5, 5)).toEqual([255, 0, 0, 255]); // person
    expect(t.px(30, 5)).toEqual([255, 255, 255, 255]);
    const sideways = scene();
    compositeMatte(sideways.t.ctx, Mask.create('probability', 40, 20, new Float32Array(800)), { image: { width: 4, height: 2, data } });
    // bilinear with half-pixel centres: column 0's centre lands on x = 4.5, column 1's on 14.5
    expect(sideways.t.px(4, 5)).toEqual([0, 0, 0, 255]);
    expect(sideways.t.px(15, 5)).toEqual([255, 255, 255, 255]);
    // in between the picture blends smoothly (not blocky nearest-pixel steps): x = 9 is 0.45 of the way
    expect(diff(sideways.t.px(9, 5), [115, 115, 115, 255])).toBeLessThanOrEqual(1);
    expect(() => drawBackgroundBlur(sideways.t.ctx, matte, { radius: -1 })).toThrow('radius is -1; it must be a blur radius ≥ 0 (pixels)');
    matte.close();
    sideways.matte.close();
  });

  it('background blur: a background checkerboard turns grey, the person stays sharp; a smaller matte is scaled to the canvas', () => {
    const t = blank(64, 32, '#000000');
    for (let y = 0; y < 32; y += 2) for (let x = 32; x < 64; x += 2) {
      t.ctx.fillStyle = '#ffffff';
      t.ctx.fillRect(x, y, 1, 1);
      t.ctx.fillRect(x + 1, y + 1, 1, 1);
    }
    t.ctx.fillStyle = '#00ff00';
    t.ctx.fillRect(0, 0, 32, 32);
    const half = Mask.create('binary', 2, 1, new Uint8Array([1, 0])); // person on the left half
    drawBackgroundBlur(t.ctx, half, { radius: 4 });
    expect(t.px(10, 10)).toEqual([0, 255, 0, 255]);
    const grey = t.px(50, 16);
    expect(diff(grey, [128, 128, 128, 255])).toBeLessThanOrEqual(4);
    half.close();
    expect(() => compositeMatte(t.ctx, { width: 0, height: 0, toUint8Array: () => new Uint8Array(0) }, { blur: 2 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => drawBackgroundBlur(t.ctx, { width: 1, height: 1, toUint8Array: () => new Uint8Array([0]) }, { radius: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('blurRgba keeps flat regions and alpha, and averages a single bright pixel over ~(2σ)² pixels', () => {
    const flat = new Uint8ClampedArray(8 * 8 * 4).fill(100);
    expect(Array.from(blurRgba(flat, 8, 8, 3))).toEqual(Array.from(flat));
    const dot = new Uint8ClampedArray(21 * 21 * 4);
    dot[(10 * 21 + 10) * 4] = 255;
    const out = blurRgba(dot, 21, 21, 2);
    let sum = 0;
    for (let p = 0; p < 21 * 21; p++) sum += out[p * 4];
    expect(out[(10 * 21 + 10) * 4]).toBeLessThan(60);
    expect(sum).toBeGreaterThan(200); // energy kept (up to byte rounding)
  });
});
