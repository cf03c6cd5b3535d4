import { createCanvas } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { VisionError } from '../../src/core/errors';
import { Mask } from '../../src/core/mask';
import { type MaskLike, PALETTE, drawMasks, parseColor } from '../../src/render/index';
import { blank, diff, expectRefusal, rgba } from './helpers';

/** A mask from a predicate over its pixels (value 255 where true, else 0) or a value function. */
function mask(width: number, height: number, value: (x: number, y: number) => number | boolean): MaskLike {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const v = value(x, y);
    data[y * width + x] = typeof v === 'boolean' ? (v ? 255 : 0) : v;
  }
  return { width, height, toUint8Array: () => data };
}

const GREY = [128, 128, 128, 255];
/** Source-over of `color` at `alpha` on opaque grey 128. */
const onGrey = (color: string, alpha: number) => {
  const c = parseColor(color);
  return [c.r, c.g, c.b].map((v) => Math.round(v * alpha + 128 * (1 - alpha))).concat(255);
};

/** A 4×4 soft mask: 255 and 128 in row 1, 200 in row 2, 0 elsewhere. */
function softPatch(): MaskLike {
  const values = new Uint8Array(16);
  values.set([255, 128], 5);
  values[10] = 200;
  return { width: 4, height: 4, toUint8Array: () => values };
}

describe('drawMasks', () => {
  const leftHalf = mask(10, 8, (x) => x < 5);

  it.each(['pixels', 'canvas'] as const)('blends the colour at the given opacity only where a full-frame mask is set (%s)', (composite) => {
    const { ctx, px } = blank(100, 80, '#808080');
    const drawn = drawMasks(ctx, [leftHalf], { color: '#ff0000', opacity: 0.5, smoothing: false, composite, createCanvas });
    expect(drawn).toBe(1);
    const expected = onGrey('#ff0000', 0.5);
    const tolerance = composite === 'pixels' ? 0 : 2; // the canvas path rounds through premultiplied alpha
    for (const [x, y] of [[0, 0], [25, 40], [49, 79], [10, 70]]) expect(diff(px(x, y), expected), `(${x}, ${y})`).toBeLessThanOrEqual(tolerance);
    for (const [x, y] of [[50, 0], [75, 40], [99, 79]]) expect(px(x, y), `(${x}, ${y})`).toEqual(GREY);
  });

  it('uses the mask value as a probability (soft) unless a threshold binarises it', () => {
    const soft = mask(2, 1, (x) => (x === 0 ? 128 : 100));
    const a = blank(20, 10, '#808080');
    drawMasks(a.ctx, [soft], { color: '#0000ff', opacity: 0.8, smoothing: false, composite: 'pixels' });
    expect(a.px(5, 5)).toEqual(onGrey('#0000ff', (0.8 * 128) / 255));
    expect(a.px(15, 5)).toEqual(onGrey('#0000ff', (0.8 * 100) / 255));
    const b = blank(20, 10, '#808080');
    drawMasks(b.ctx, [soft], { color: '#0000ff', opacity: 0.8, threshold: 0.5, smoothing: false, composite: 'pixels' });
    expect(b.px(5, 5)).toEqual(onGrey('#0000ff', 0.8));
    expect(b.px(15, 5)).toEqual(GREY);
  });

  it.each(['pixels', 'canvas'] as const)('a threshold draws the values above it, as Mask.area counts: 0 leaves empty pixels out, whatever the mask stores (%s)', (composite) => {
    // a mask whose 100 set pixels sit in a 20×10 region: stored full-frame or as its bounds, the same drawing
    const data = new Uint8Array(64 * 48);
    for (let y = 10; y < 20; y++) for (let x = 20; x < 30; x++) data[y * 64 + x] = 255;
    const full = Mask.create('binary', 64, 48, data);
    const bounded = Mask.create('binary', 64, 48, data.filter((_, i) => i % 64 >= 20 && i % 64 < 40 && i >= 10 * 64 && i < 20 * 64), { x: 20, y: 10, width: 20, height: 10 });
    const painted = (m: Mask, threshold: number): number => {
      const { ctx, px } = blank(64, 48, '#808080');
      drawMasks(ctx, [m], { color: '#ff0000', opacity: 1, threshold, smoothing: false, composite, createCanvas });
      let count = 0;
      for (let y = 0; y < 48; y++) for (let x = 0; x < 64; x++) if (diff(px(x, y), GREY) > 0) count++;
      return count;
    };
    expect([painted(full, 0), painted(bounded, 0)]).toEqual([100, 100]); // 3072 and 264 before
    // probabilities are drawn in 1/255 steps: under the threshold nothing, over it everything, as area() counts
    const under = Mask.create('probability', 64, 48, new Float32Array(64 * 48).fill(0.49));
    const over = Mask.create('probability', 64, 48, new Float32Array(64 * 48).fill(0.51));
    expect([under.area(0.5), over.area(0.5)]).toEqual([0, 64 * 48]);
    expect([painted(under, 0.5), painted(over, 0.5)]).toEqual([0, 64 * 48]);
    for (const m of [full, bounded, under, over]) m.close();
  });

  it.each(['pixels', 'canvas'] as const)('stretches an instance mask over its box, in source pixels mapped to the canvas (%s)', (composite) => {
    // source image 200×160 shown on a 100×80 canvas; box (40,40)-(120,80) → canvas (20,20)-(60,40)
    const { ctx, px } = blank(100, 80, '#808080');
    const full = mask(4, 4, () => true);
    drawMasks(ctx, [{ mask: full, box: { x1: 40, y1: 40, x2: 120, y2: 80 }, classId: 3 }], {
      imageSize: { width: 200, height: 160 },
      opacity: 0.6,
      smoothing: false,
      composite,
      createCanvas,
    });
    const expected = onGrey(PALETTE[3], 0.6);
    for (const [x, y] of [[20, 20], [40, 30], [59, 39]]) expect(diff(px(x, y), expected), `(${x}, ${y})`).toBeLessThanOrEqual(2);
    for (const [x, y] of [[19, 30], [60, 30], [40, 19], [40, 40], [5, 5]]) expect(px(x, y), `(${x}, ${y})`).toEqual(GREY);
  });

  it.each(['pixels', 'canvas'] as const)("a pipeline's instances are drawn as they are: a frame-sized mask covers the frame, its box is not stretched into (%s)", (composite) => {
    // an instance of a 100×100 frame: a 20×20 square at (40, 40), its box the square's
    const square = Mask.create('binary', 100, 100, Uint8Array.from({ length: 400 }, () => 1), { x: 40, y: 40, width: 20, height: 20 });
    const instance = { box: { x1: 40, y1: 40, x2: 60, y2: 60 }, mask: square, classId: 2, score: 0.9, label: 'car' };
    const { ctx, px } = blank(100, 100, '#808080');
    expect(drawMasks(ctx, [instance], { opacity: 1, smoothing: false, composite, createCanvas })).toBe(1);
    let set = 0;
    for (let y = 0; y < 100; y++) for (let x = 0; x < 100; x++) if (diff(px(x, y), GREY) > 0) set++;
    // the whole frame squeezed into the box painted 16 pixels
    expect(set).toBe(400);
    expect(diff(px(40, 40), GREY)).toBeGreaterThan(0);
    expect(px(39, 40)).toEqual(GREY);
    square.close();
  });

  it('the canvas path upsamples bilinearly as the pixels path does (within 1 level; "low" smoothing quality was up to 16 too faint)', () => {
    const soft = softPatch();
    const drawn = (['pixels', 'canvas'] as const).map((composite) => {
      const { ctx } = blank(90, 60, '#000000');
      drawMasks(ctx, [{ mask: soft, box: { x1: 10, y1: 20, x2: 50, y2: 60 } }], { imageSize: { width: 120, height: 80 }, fit: 'contain', opacity: 1, color: '#ffffff', composite, createCanvas });
      return ctx.getImageData(0, 0, 90, 60).data;
    });
    let worst = 0;
    for (let i = 0; i < drawn[0].length; i += 4) worst = Math.max(worst, Math.abs(drawn[0][i] - drawn[1][i]));
    expect(worst).toBeLessThanOrEqual(1);
  });

  it("every path follows the context's scale and translation (the pixels path ignored them); a rotated context is refused there", () => {
    const soft = softPatch();
    const drawn = (['pixels', 'canvas'] as const).map((composite) => {
      const { ctx } = blank(160, 100, '#000000');
      ctx.setTransform(0.5, 0, 0, 0.75, 30, 10);
      drawMasks(ctx, [{ mask: soft, box: { x1: 10, y1: 20, x2: 50, y2: 60 } }], { opacity: 1, color: '#ffffff', composite, createCanvas });
      return ctx.getImageData(0, 0, 160, 100).data;
    });
    let worst = 0;
    let inked = 0;
    for (let i = 0; i < drawn[0].length; i += 4) {
      worst = Math.max(worst, Math.abs(drawn[0][i] - drawn[1][i]));
      if (drawn[0][i] > 0) inked++;
    }
    expect(inked).toBeGreaterThan(100);
    expect(worst).toBeLessThanOrEqual(1);
    const { ctx } = blank(40, 40);
    ctx.rotate(0.3);
    expectRefusal(() => drawMasks(ctx, [soft], { composite: 'pixels' }), 'INVALID_OPTION', 'the context is rotated or skewed');
  });

  it('upsamples low-resolution masks bilinearly by default (a soft edge), nearest when smoothing is off', () => {
    const edge = mask(2, 1, (x) => x === 0);
    const smooth = blank(100, 10, '#808080');
    drawMasks(smooth.ctx, [edge], { color: '#ff0000', opacity: 1, composite: 'pixels' });
    const sharp = blank(100, 10, '#808080');
    drawMasks(sharp.ctx, [edge], { color: '#ff0000', opacity: 1, smoothing: false, composite: 'pixels' });
    expect(sharp.px(49, 5)).toEqual([255, 0, 0, 255]);
    expect(sharp.px(50, 5)).toEqual(GREY);
    const middle = smooth.px(50, 5);
    expect(middle[0]).toBeGreaterThan(128);
    expect(middle[0]).toBeLessThan(255);
    expect(smooth.px(5, 5)).toEqual([255, 0, 0, 255]);
    expect(smooth.px(95, 5)).toEqual(GREY);
  });

  it('composites onto a transparent canvas with source-over alpha', () => {
    const { ctx, px } = blank(10, 10);
    drawMasks(ctx, [mask(1, 1, () => true)], { color: '#00ff00', opacity: 0.5, composite: 'pixels' });
    expect(px(5, 5)).toEqual([0, 255, 0, 128]);
  });

  it('colours overlays by track, then class, then position; an explicit colour wins', () => {
    const m = mask(1, 1, () => true);
    const colours = [
      [{ mask: m, trackId: 7, classId: 1 }, PALETTE[7]],
      [{ mask: m, classId: 1 }, PALETTE[1]],
      [{ mask: m, color: '#00ff00', classId: 1 }, '#00ff00'],
    ] as const;
    for (const [overlay, color] of colours) {
      const { ctx, px } = blank(4, 4, '#808080');
      drawMasks(ctx, [overlay], { opacity: 1, composite: 'pixels' });
      expect(px(2, 2)).toEqual(rgba(color));
    }
  });

  it('a threshold cuts after the upsampling on the canvas path too: every pixel fully set or clear, as the pixels path', () => {
    // a soft 4×4 patch stretched over 40×40 canvas pixels: drawImage smoothed the 0/1 alpha of a cut-first scratch into 1528-of-3932-like soft edges
    const soft = softPatch();
    const counts = (['pixels', 'canvas'] as const).map((composite) => {
      const { ctx } = blank(60, 60, '#808080');
      drawMasks(ctx, [{ mask: soft, box: { x1: 10, y1: 10, x2: 50, y2: 50 } }], { opacity: 1, color: '#ff0000', threshold: 0.5, composite, createCanvas });
      const data = ctx.getImageData(0, 0, 60, 60).data;
      let [full, partial] = [0, 0];
      for (let i = 0; i < data.length; i += 4) {
        if (data[i] === 255 && data[i + 1] === 0) full++;
        else if (data[i] !== 128 || data[i + 1] !== 128) partial++;
      }
      return { full, partial };
    });
    expect(counts[0].partial).toBe(0);
    expect(counts[1].partial).toBe(0);
    expect(counts[0].full).toBeGreaterThan(100);
    expect(Math.abs(counts[1].full - counts[0].full)).toBeLessThanOrEqual(counts[0].full * 0.05);
  });

  it.each(['pixels', 'canvas'] as const)('a frame-sized mask covers the frame even when its box is degenerate or not finite (%s)', (composite) => {
    const square = mask(20, 20, (x, y) => x >= 4 && x < 8 && y >= 4 && y < 8);
    for (const box of [{ x1: 2, y1: 0, x2: 6, y2: 0 }, { x1: 2, y1: 0, x2: 6, y2: Number.NaN }]) {
      const { ctx, px } = blank(20, 20, '#808080');
      expect(drawMasks(ctx, [{ mask: square, box }], { opacity: 1, color: '#ff0000', smoothing: false, composite, createCanvas })).toBe(1);
      expect(px(5, 5)).toEqual([255, 0, 0, 255]);
      expect(px(12, 12)).toEqual(GREY);
    }
  });

  it('a 0 × 0 canvas (a browser canvas before the video metadata) with imageSize draws nothing, without an error', () => {
    const { ctx } = blank(1, 1);
    ctx.canvas.width = 0;
    expect(drawMasks(ctx, [leftHalf], { imageSize: { width: 10, height: 8 }, composite: 'pixels' })).toBe(1);
  });

  it('skips overlays whose box is not finite, without throwing; the canvas stays as it was', () => {
    const { ctx, px } = blank(20, 20, '#808080');
    const m = mask(2, 2, () => true);
    const drawn = drawMasks(ctx, [{ mask: m, box: { x1: Number.NaN, y1: 0, x2: 10, y2: 10 } }, { mask: m, box: { x1: 5, y1: 5, x2: 5, y2: 9 } }], {
      composite: 'pixels',
    });
    expect(drawn).toBe(0);
    for (let y = 0; y < 20; y += 3) for (let x = 0; x < 20; x += 3) expect(px(x, y)).toEqual(GREY);
  });

  it.each(['pixels', 'canvas'] as const)("draws visionpipe's full-frame Mask only inside its bounds (%s)", (composite) => {
    // a 40×30 frame mask with data in the 10×10 square at (20, 10); canvas at half size
    const frameMask = Mask.create('binary', 40, 30, new Uint8Array(100).fill(1), { x: 20, y: 10, width: 10, height: 10 });
    const { ctx, px } = blank(20, 15, '#808080');
    const region: { x: number; y: number; width: number; height: number }[] = [];
    // the context, with getImageData calls recorded
    const spied = new Proxy(ctx, {
      get(target, prop) {
        if (prop === 'getImageData') {
          return (x: number, y: number, width: number, height: number) => {
            region.push({ x, y, width, height });
            return target.getImageData(x, y, width, height);
          };
        }
        const value: unknown = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
      set: (target, prop, value) => Reflect.set(target, prop, value),
    });
    drawMasks(spied, [{ mask: frameMask, classId: 0 }], { imageSize: { width: 40, height: 30 }, opacity: 1, smoothing: false, composite, createCanvas });
    expect(px(12, 7)).toEqual(rgba(PALETTE[0]));
    expect(px(10, 5)).toEqual(rgba(PALETTE[0]));
    expect(px(9, 7)).toEqual(GREY);
    expect(px(15, 7)).toEqual(GREY);
    expect(px(12, 4)).toEqual(GREY);
    // the pixel path reads back only the bounds (grown by one mask pixel), not the frame
    if (composite === 'pixels') expect(region).toEqual([{ x: 9, y: 4, width: 7, height: 7 }]);
    frameMask.close();
  });

  it.each(['pixels', 'canvas'] as const)('colours a category mask per class, leaving the background (0) undrawn (%s)', (composite) => {
    const labels = Mask.create('category', 3, 1, new Uint8Array([0, 15, 2]));
    const { ctx, px } = blank(30, 10, '#808080');
    drawMasks(ctx, [labels], { opacity: 1, composite, createCanvas });
    expect(px(5, 5)).toEqual(GREY);
    expect(px(15, 5)).toEqual(rgba(PALETTE[15]));
    expect(px(25, 5)).toEqual(rgba(PALETTE[2]));
    // the class boundary stays sharp (no interpolation between class indices)
    expect(px(19, 5)).toEqual(rgba(PALETTE[15]));
    expect(px(20, 5)).toEqual(rgba(PALETTE[2]));
    const custom = blank(30, 10, '#808080');
    drawMasks(custom.ctx, [labels], { opacity: 0.5, composite, createCanvas, categoryColor: (c) => (c === 2 ? '#ff0000' : undefined) });
    expect(custom.px(15, 5)).toEqual(GREY);
    expect(diff(custom.px(25, 5), onGrey('#ff0000', 0.5))).toBeLessThanOrEqual(2);
    labels.close();
  });

  it('rejects malformed masks and options with VisionError', () => {
    const { ctx } = blank(10, 10);
    const wrongLength: MaskLike = { width: 3, height: 3, toUint8Array: () => new Uint8Array(4) };
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(VisionError);
        return (e as VisionError).code;
      }
      return 'no error';
    };
    expect(code(() => drawMasks(ctx, [wrongLength]))).toBe('INVALID_INPUT');
    expect(code(() => drawMasks(ctx, [{ width: 2 } as unknown as MaskLike]))).toBe('INVALID_INPUT');
    expect(() => drawMasks(ctx, [{ width: 2, height: 2, toUint8Array: () => new Uint8ClampedArray(4) } as unknown as MaskLike])).toThrow(/masks\[0\]\.toUint8Array\(\) returned a Uint8ClampedArray; it must return a Uint8Array/);
    expect(code(() => drawMasks(ctx, [leftHalf], { opacity: 1.5 }))).toBe('INVALID_OPTION');
    expect(code(() => drawMasks(ctx, [leftHalf], { threshold: -0.1 }))).toBe('INVALID_OPTION');
    // a string or an empty list passed the range check ([] drew every pixel fully)
    for (const threshold of ['0.5', [], Symbol('x')]) expect(code(() => drawMasks(ctx, [leftHalf], { threshold: threshold as never }))).toBe('INVALID_OPTION');
    // Node has no OffscreenCanvas: the canvas path needs a createCanvas
    expect(code(() => drawMasks(ctx, [leftHalf], { composite: 'canvas' }))).toBe('INVALID_OPTION');
    expect(code(() => drawMasks(ctx, [leftHalf], { color: 'not-a-colour' }))).toBe('INVALID_OPTION');
  });

  it('refuses colours that are not strings and option callbacks that are not functions, naming them', () => {
    const { ctx } = blank(10, 10, '#808080');
    const category: MaskLike = { width: 2, height: 1, kind: 'category', toUint8Array: () => new Uint8Array([0, 1]) };
    expectRefusal(() => drawMasks(ctx, [leftHalf], { color: 5 as unknown as string }), 'INVALID_OPTION', 'color is 5; it must be a CSS colour string');
    expectRefusal(() => drawMasks(ctx, [leftHalf], { smoothing: 'off' as never }), 'INVALID_OPTION', 'smoothing is "off"; it must be true or false');
    expectRefusal(() => drawMasks(ctx, [{ mask: leftHalf, color: 5 as unknown as string }]), 'INVALID_OPTION', 'masks[0].color is 5');
    expectRefusal(() => drawMasks(ctx, [leftHalf], { color: () => 7 as unknown as string }), 'INVALID_OPTION', 'the colour of masks[0] is 7');
    expectRefusal(() => drawMasks(ctx, [category], { categoryColor: (c) => (c === 1 ? (5 as unknown as string) : undefined) }), 'INVALID_OPTION', 'categoryColor(1) is 5');
    expectRefusal(() => drawMasks(ctx, [category], { categoryColor: 'red' as unknown as () => string }), 'INVALID_OPTION', 'categoryColor is "red"; it must be a function');
    expectRefusal(() => drawMasks(ctx, [leftHalf], { createCanvas: {} as unknown as () => never }), 'INVALID_OPTION', 'createCanvas is an object');
    expect(ctx.getImageData(0, 0, 10, 10).data.every((v, i) => v === (i % 4 === 3 ? 255 : 128))).toBe(true);
  });
});
