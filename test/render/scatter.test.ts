import { type Canvas, createCanvas } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { isVisionError } from '../../src/core/errors';
import { type ScatterPoint, drawScatter, fitScatter } from '../../src/render/index';
import { blank, diff, rgba } from './helpers';

/** A solid-colour @napi-rs/canvas canvas (a drawable thumbnail). */
function solidCanvas(width: number, height: number, color: string): Canvas {
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = color;
  ctx.fillRect(0, 0, width, height);
  return canvas;
}

const WHITE = rgba('#ffffff');

describe('fitScatter', () => {
  it('fits the extent into the margin with one scale, centred, y up', () => {
    const { positions, scale } = fitScatter([{ x: 0, y: 0 }, { x: 1, y: 1 }], { width: 200, height: 100 }, { margin: 10 });
    expect(scale).toBe(80);
    expect(positions).toEqual([{ x: 60, y: 90 }, { x: 140, y: 10 }]);
    expect(fitScatter([{ x: 0, y: 0 }, { x: 1, y: 1 }], { width: 200, height: 100 }, { margin: 10, flipY: false }).positions[1]).toEqual({ x: 140, y: 90 });
  });

  it('puts a single point (or coinciding points) in the centre', () => {
    expect(fitScatter([{ x: 5, y: -3 }], { width: 64, height: 32 }, { margin: 4 }).positions).toEqual([{ x: 32, y: 16 }]);
    expect(fitScatter([{ x: 2, y: 2 }, { x: 2, y: 2 }], { width: 64, height: 64 }, { margin: 4 }).positions[1]).toEqual({ x: 32, y: 32 });
  });
});

describe('drawScatter', () => {
  it('draws each thumbnail (canvas, ImageData-like, RawImage) where its point lands, aspect kept, and dots in their colour', () => {
    const { ctx, px } = blank(240, 240);
    const points: ScatterPoint[] = [
      { x: -1, y: -1, image: solidCanvas(20, 10, '#ff0000') },
      { x: 1, y: 1, image: { width: 8, height: 8, data: new Uint8ClampedArray(8 * 8 * 4).map((_, i) => [0, 255, 0, 255][i % 4] as number) } },
      { x: -1, y: 1, image: { width: 4, height: 4, channels: 3, data: new Uint8Array(4 * 4 * 3).map((_, i) => (i % 3 === 2 ? 255 : 0)) } },
      { x: 1, y: -1, color: '#ff00ff' },
      { x: 0, y: 0, color: '#00ffff', label: 'centre' },
    ];
    const layout = drawScatter(ctx, points, { background: '#ffffff', thumbnailSize: 40, createCanvas });
    const [red, green, blue, magenta, cyan] = layout.positions as { x: number; y: number }[];
    // margin = 40 / 2 + 4 = 24: the corners of the data land 24 px from the canvas edges.
    expect(red).toEqual({ x: 24, y: 216 });
    expect(green).toEqual({ x: 216, y: 24 });
    expect(diff(px(red!.x, red!.y), rgba('#ff0000'))).toBeLessThanOrEqual(1);
    expect(diff(px(red!.x + 18, red!.y - 8), rgba('#ff0000'))).toBeLessThanOrEqual(1); // 40×20 thumbnail…
    expect(px(red!.x, red!.y - 14)).toEqual(WHITE); // …not 40×40
    expect(diff(px(green!.x, green!.y), rgba('#00ff00'))).toBeLessThanOrEqual(1);
    expect(diff(px(green!.x + 18, green!.y + 18), rgba('#00ff00'))).toBeLessThanOrEqual(1);
    expect(diff(px(blue!.x, blue!.y), rgba('#0000ff'))).toBeLessThanOrEqual(1);
    expect(diff(px(magenta!.x, magenta!.y), rgba('#ff00ff'))).toBeLessThanOrEqual(1);
    expect(px(magenta!.x + 8, magenta!.y)).toEqual(WHITE); // a 5-px dot
    expect(diff(px(cyan!.x, cyan!.y), rgba('#00ffff'))).toBeLessThanOrEqual(1);
    // the label sits under the centre dot, on its colour
    expect(diff(px(cyan!.x, cyan!.y + 9), rgba('#00ffff'))).toBeLessThanOrEqual(1);
    expect(px(120, 160)).toEqual(WHITE);
  });

  it('a thumbnail the canvas cannot draw is INVALID_INPUT, not the canvas\'s TypeError', () => {
    const { ctx } = blank(60, 60);
    for (const image of [{ width: 4, height: 4 }, { width: 4, height: 4, data: new ArrayBuffer(64) }]) {
      let caught: unknown;
      try {
        drawScatter(ctx, [{ x: 0, y: 0, image: image as never }], { createCanvas });
      } catch (error) {
        caught = error;
      }
      expect(isVisionError(caught, 'INVALID_INPUT') && caught.message.startsWith('scatter point 0: the canvas cannot draw its image')).toBe(true);
    }
  });

  it('puts the label of a point at the bottom edge above it, inside the canvas', () => {
    const { ctx, px } = blank(120, 120, '#ffffff');
    const [low, high] = drawScatter(ctx, [{ x: 0, y: 0, color: '#0000ff', label: 'bottom' }, { x: 1, y: 1, color: '#ff0000', label: 'top' }], { thumbnailSize: 40 }).positions as { x: number; y: number }[];
    expect(low!.y).toBeGreaterThan(100); // 9 px from the bottom: no room below for a label
    expect(diff(px(low!.x, low!.y - 9), rgba('#0000ff'))).toBeLessThanOrEqual(1); // the label's box, above the dot
    expect(diff(px(high!.x, high!.y + 9), rgba('#ff0000'))).toBeLessThanOrEqual(1); // under the dot where there is room
  });

  it('frames a thumbnail in the point colour', () => {
    const { ctx, px } = blank(100, 100, '#ffffff');
    drawScatter(ctx, [{ x: 0, y: 0, image: solidCanvas(10, 10, '#000000'), color: '#ff0000' }], { thumbnailSize: 40 });
    expect(diff(px(50, 50), rgba('#000000'))).toBeLessThanOrEqual(1);
    expect(diff(px(29, 50), rgba('#ff0000'))).toBeLessThanOrEqual(1);
  });

  it('rejects bad points, images and options with VisionError', () => {
    const { ctx } = blank(100, 100);
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return isVisionError(e) ? e.code : 'not a VisionError';
      }
      return undefined;
    };
    expect(code(() => drawScatter(ctx, [{ x: Number.NaN, y: 0 }]))).toBe('INVALID_INPUT');
    expect(code(() => drawScatter(ctx, [{ x: 0, y: 0, image: { width: 0, height: 4 } }]))).toBe('INVALID_INPUT');
    expect(code(() => drawScatter(ctx, [{ x: 0, y: 0, image: { width: 2, height: 2, data: new Uint8ClampedArray(3) } }], { createCanvas }))).toBe('INVALID_INPUT');
    expect(code(() => drawScatter(ctx, [{ x: 0, y: 0, image: { width: 1, height: 1, data: new Uint8ClampedArray(4) } }]))).toBe('INVALID_OPTION');
    expect(code(() => drawScatter(ctx, [{ x: 0, y: 0 }], { margin: 50 }))).toBe('INVALID_OPTION');
    expect(code(() => drawScatter(ctx, [{ x: 0, y: 0 }], { thumbnailSize: -1 }))).toBe('INVALID_OPTION');
    expect(code(() => drawScatter(ctx, [{ x: 0, y: 0 }], { background: 42 as never }))).toBe('INVALID_OPTION');
  });
});
