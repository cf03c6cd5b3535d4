import { describe, expect, it } from 'vitest';
import { HeatMap } from '../../src/explain/heat-map';
import { drawHeatMap, hotColor, jetColor } from '../../src/render/index';
import { blank } from './helpers';

/** A 4×2 heat map: values 0, 1/3, 2/3, 1 along x, the same on both rows. */
function ramp(): HeatMap {
  return HeatMap.fromSaliency(4, 2, Float32Array.from([0, 1, 2, 3, 0, 1, 2, 3]));
}

describe('drawHeatMap', () => {
  it('blends the colour map over the canvas with alpha = opacity × value, leaving cold pixels alone', () => {
    const { ctx, px } = blank(6, 3, 'rgb(100, 100, 100)');
    const heat = ramp();
    expect(drawHeatMap(ctx, heat, { opacity: 0.5 })).toBe(6);
    expect(px(0, 0)).toEqual([100, 100, 100, 255]);
    for (const x of [1, 2, 3]) {
      const v = x / 3;
      const a = 0.5 * v;
      const expected = jetColor(v).map((c) => Math.round(100 * (1 - a) + c * a));
      for (const y of [0, 1]) {
        const got = px(x, y);
        expected.forEach((c, k) => expect(Math.abs(got[k] - c), `pixel ${x},${y} channel ${k}`).toBeLessThanOrEqual(1));
        expect(got[3]).toBe(255);
      }
    }
    // outside the map (x ≥ 4, y ≥ 2) nothing changes
    expect(px(4, 0)).toEqual([100, 100, 100, 255]);
    expect(px(1, 2)).toEqual([100, 100, 100, 255]);
    heat.close();
  });

  it('uses the hot map, a minimum value and an offset', () => {
    const { ctx, px } = blank(6, 3, 'rgb(0, 0, 0)');
    const heat = ramp();
    expect(drawHeatMap(ctx, heat, { colorMap: 'hot', opacity: 1, minValue: 0.5, x: 2, y: 1 })).toBe(4);
    expect(px(3, 1)).toEqual([0, 0, 0, 255]); // value 1/3 < minValue
    expect(px(4, 2).slice(0, 3)).toEqual(hotColor(2 / 3).map((c) => Math.round((c * 2) / 3))); // alpha = 1 × 2/3 over black
    expect(px(5, 1).slice(0, 3)).toEqual([255, 255, 255]);
    heat.close();
  });

  it('on a transparent canvas the heat keeps its alpha (source-over); values not width × height are INVALID_INPUT', () => {
    const { ctx, px } = blank(4, 4);
    const heat = HeatMap.fromSaliency(4, 4, new Float32Array(16).fill(1));
    expect(drawHeatMap(ctx, heat, { opacity: 0.6 })).toBe(16);
    const [r, g, b] = jetColor(1);
    expect(px(1, 1)).toEqual([r, g, b, Math.round(0.6 * 255)]);
    const short = { width: 4, height: 4, toFloat32Array: () => new Float32Array(3) };
    expect(() => drawHeatMap(ctx, short)).toThrow(expect.objectContaining({ name: 'VisionError', code: 'INVALID_INPUT', message: expect.stringContaining('gave 3 values; a 4×4 map has 16') }));
    heat.close();
  });

  it('knows its colour maps and rejects bad options', () => {
    expect(jetColor(0)).toEqual([0, 0, 128]);
    expect(jetColor(1)).toEqual([128, 0, 0]);
    expect(hotColor(0)).toEqual([0, 0, 0]);
    const { ctx } = blank(2, 2);
    const heat = HeatMap.fromSaliency(2, 2, new Float32Array(4).fill(1));
    expect(() => drawHeatMap(ctx, heat, { opacity: 2 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    // @ts-expect-error: not a colour map
    expect(() => drawHeatMap(ctx, heat, { colorMap: 'rainbow' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    // each was a TypeError (from the canvas, or reading null's width), or drew black for a colour map returning a name
    expect(() => drawHeatMap(ctx, heat, { x: Number.NaN })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: 'x is NaN; it must be a finite number of canvas pixels' }));
    expect(() => drawHeatMap(ctx, null as never)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('drawHeatMap needs a heat map') }));
    expect(() => drawHeatMap(ctx, heat, { colorMap: (() => 'red') as never })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('colorMap returned "red"') }));
    expect(() => heat.massInside(undefined as never)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('massInside needs a box') }));
    expect(heat.massInside({ x1: 0, y1: 0, x2: 1, y2: 2 })).toBeCloseTo(0.5, 6);
    heat.close();
  });
});
