/**
 * Matte compositing on a real 2D canvas (@napi-rs/canvas): background colour / picture
 * replacement, green screen and background blur, pixel by pixel.
 */
import { describe, expect, it } from 'vitest';
import { Mask } from '../../src/core/mask';
import { blurRgba, compositeMatte, drawBackgroundBlur, drawBackgroundReplace, drawGreenScreen } from '../../src/render/index';
import { blank, diff, expectRefusal } from './helpers';

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

  it("a see-through background cuts the person out: 'transparent' leaves the matte as the canvas's alpha; a translucent colour composites as Skia's source-over does", () => {
    const { t, matte } = scene();
    compositeMatte(t.ctx, matte, { color: 'transparent' });
    expect(t.px(5, 5)).toEqual([255, 0, 0, 255]);
    expect(t.px(30, 5)[3]).toBe(0);
    expect(diff(t.px(20, 5), [0, 0, 255, 128])).toBeLessThanOrEqual(1); // the half-matte column: blue, half see-through
    matte.close();
    // a gradient matte over a frame of varied colours, the background rgba(16, 32, 48, 0.4)
    const w = 64;
    const h = 16;
    const frame = new Uint8ClampedArray(w * h * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 37) % 251));
    const values = new Float32Array(w * h).map((_, p) => (p % w) / (w - 1));
    const ours = blank(w, h);
    ours.ctx.putImageData(ours.ctx.createImageData(w, h), 0, 0);
    const framed = ours.ctx.getImageData(0, 0, w, h);
    framed.data.set(frame);
    ours.ctx.putImageData(framed, 0, 0);
    const gradient = Mask.create('probability', w, h, values);
    compositeMatte(ours.ctx, gradient, { color: 'rgba(16, 32, 48, 0.4)' });
    // the reference: Skia draws the frame with the matte as its alpha over a canvas filled with the colour
    const reference = blank(w, h, 'rgba(16, 32, 48, 0.4)');
    const person = blank(w, h);
    const cut = person.ctx.createImageData(w, h);
    const bytes = gradient.toUint8Array();
    cut.data.set(frame.map((v, i) => (i % 4 === 3 ? bytes[i >> 2] : v)));
    person.ctx.putImageData(cut, 0, 0);
    reference.ctx.drawImage(person.canvas, 0, 0);
    // the W3C compositing formula ("source-over", premultiplied): co = cs·as + cb·ab·(1 − as), ao = as + ab·(1 − as)
    const [br, bg, bb, ba] = [16, 32, 48, 0.4];
    let fromSpec = 0;
    let fromSkia = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const p = y * w + x;
        const as = bytes[p] / 255;
        const ao = as + ba * (1 - as);
        const expected = [br, bg, bb].map((cb, c) => (frame[p * 4 + c] * as + cb * ba * (1 - as)) / ao);
        fromSpec = Math.max(fromSpec, diff(ours.px(x, y), [...expected, ao * 255]));
        // Skia keeps premultiplied bytes: compared where the person's alpha keeps its colours within a level or two
        if (as >= 0.5) fromSkia = Math.max(fromSkia, diff(ours.px(x, y), reference.px(x, y)));
      }
    }
    expect(fromSpec).toBeLessThanOrEqual(1.5); // our canvas keeps premultiplied bytes too (alpha ≥ 0.4 here)
    expect(fromSkia).toBeLessThanOrEqual(3); // two premultiplied canvases in the reference: a level or two each
    gradient.close();
  });

  it('a see-through frame (a PNG with alpha on the canvas) goes over the background as source-over: the person\'s alpha is matte × frame alpha', () => {
    const w = 48;
    const h = 8;
    const ours = blank(w, h);
    const frame = ours.ctx.createImageData(w, h);
    // frame alpha from 16 to 255 down the columns, colours varied; the matte 0 → 1 across the rows
    frame.data.set(new Uint8ClampedArray(w * h * 4).map((_, i) => (i % 4 === 3 ? 16 + Math.round(((i >> 2) % w) * (239 / (w - 1))) : (i * 53) % 256)));
    ours.ctx.putImageData(frame, 0, 0);
    const before = ours.ctx.getImageData(0, 0, w, h).data; // as the canvas keeps it (premultiplied rounding)
    const values = new Float32Array(w * h).map((_, p) => Math.floor(p / w) / (h - 1));
    const matte = Mask.create('probability', w, h, values);
    const bytes = matte.toUint8Array();
    for (const [background, [br, bg, bb, ba], tolerance] of [['rgb(0, 0, 255)', [0, 0, 255, 1], 1], ['rgba(16, 32, 48, 0.4)', [16, 32, 48, 0.4], 2.5]] as const) {
      const t = blank(w, h);
      t.ctx.putImageData(frame, 0, 0);
      drawBackgroundReplace(t.ctx, matte, background);
      let worst = 0;
      for (let p = 0; p < w * h; p++) {
        // W3C source-over on straight colours: as = matte · frame alpha; ao = as + ab·(1 − as)
        const as = (bytes[p] / 255) * (before[p * 4 + 3] / 255);
        const ao = as + ba * (1 - as);
        const expected = [br, bg, bb].map((cb, c) => (before[p * 4 + c] * as + cb * ba * (1 - as)) / ao);
        if (ao >= 0.4) worst = Math.max(worst, diff(t.px(p % w, Math.floor(p / w)), [...expected, ao * 255]));
      }
      // over an opaque background every pixel comes out opaque (a matte of 1 used to leave the frame's 16–254 alpha)
      expect(worst, background).toBeLessThanOrEqual(tolerance);
    }
    matte.close();
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
    expect(() => drawBackgroundBlur(sideways.t.ctx, matte, { radius: -1 })).toThrow('radius is -1; it must be a finite blur radius ≥ 0 (pixels)');
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

  it('caps the blur radius at the picture: a huge radius returns at once with the pixels of radius max(width, height)', () => {
    const noisy = (): ReturnType<typeof blank> => {
      const t = blank(64, 48, '#000000');
      for (let i = 0; i < 200; i++) {
        t.ctx.fillStyle = `rgb(${(i * 97) % 256}, ${(i * 57) % 256}, ${(i * 31) % 256})`;
        t.ctx.fillRect((i * 37) % 64, (i * 23) % 48, 3, 2);
      }
      return t;
    };
    const matte = Mask.create('probability', 64, 48, new Float32Array(64 * 48).fill(0.25));
    const capped = noisy();
    drawBackgroundBlur(capped.ctx, matte, { radius: 64 });
    const huge = noisy();
    const start = performance.now();
    drawBackgroundBlur(huge.ctx, matte, { radius: 1e6 });
    expect(performance.now() - start).toBeLessThan(1000);
    expect(Array.from(huge.ctx.getImageData(0, 0, 64, 48).data)).toEqual(Array.from(capped.ctx.getImageData(0, 0, 64, 48).data));
    // blurRgba caps each axis at its own length: rows at the width (64), columns at the height (48)
    const pixels = noisy().ctx.getImageData(0, 0, 64, 48).data;
    expect(Array.from(blurRgba(pixels, 64, 48, Number.MAX_SAFE_INTEGER))).toEqual(Array.from(blurRgba(pixels, 64, 48, 64)));
    expect(Array.from(blurRgba(pixels, 64, 48, 48))).not.toEqual(Array.from(blurRgba(pixels, 64, 48, 64)));
    matte.close();
  });

  it('refuses a blur radius that is not a finite number ≥ 0 (NaN, Infinity, a string) with INVALID_OPTION naming it', () => {
    const { t, matte } = scene();
    expectRefusal(() => drawBackgroundBlur(t.ctx, matte, { radius: Number.NaN }), 'INVALID_OPTION', 'radius is NaN; it must be a finite blur radius ≥ 0 (pixels)');
    expectRefusal(() => drawBackgroundBlur(t.ctx, matte, { radius: '5' as unknown as number }), 'INVALID_OPTION', 'radius is "5"');
    expectRefusal(() => blurRgba(new Uint8ClampedArray(16), 2, 2, -1), 'INVALID_OPTION', 'radius is -1');
    // sizes and pixels were not checked: missing pixels came out 0, a negative width was a RangeError, null a TypeError
    expectRefusal(() => blurRgba(new Uint8ClampedArray(40), 8, 6, 2), 'INVALID_INPUT', 'pixels are 40 values; 8×6 RGBA needs 192');
    expectRefusal(() => blurRgba(new Uint8ClampedArray(60), 2.5, 6, 2), 'INVALID_INPUT', 'the pixels are 2.5×6; width and height must be whole numbers > 0');
    expectRefusal(() => blurRgba(new Uint8ClampedArray(16), -1, 2, 2), 'INVALID_INPUT', 'the pixels are -1×2');
    expectRefusal(() => blurRgba(null as never, 2, 2, 2), 'INVALID_INPUT', 'pixels are null; 2×2 RGBA needs 16');
    expectRefusal(() => compositeMatte(t.ctx, matte, { blur: Number.POSITIVE_INFINITY }), 'INVALID_OPTION', 'blur is Infinity; it must be a finite blur radius');
    expectRefusal(() => drawBackgroundBlur(t.ctx, matte, { radius: Number.POSITIVE_INFINITY }), 'INVALID_OPTION', 'radius is Infinity; it must be a finite blur radius ≥ 0');
    matte.close();
  });

  it('refuses a missing matte or background (INVALID_INPUT) and a non-string colour (INVALID_OPTION), naming them; the canvas is untouched', () => {
    const { t, matte } = scene();
    const before = Array.from(t.ctx.getImageData(0, 0, 40, 20).data);
    expectRefusal(() => drawBackgroundBlur(t.ctx, null as unknown as Mask), 'INVALID_INPUT', 'matte is null; it must be a mask { width, height, toUint8Array() }');
    expectRefusal(() => drawGreenScreen(t.ctx, { width: 40, height: 20, toUint8Array: () => new Uint8Array(3) }), 'INVALID_INPUT', "the matte's toUint8Array() gave 3 values; a 40×20 matte has 800");
    // a right-length array of the wrong type was "gave 800 values; a 40×20 matte has 800"
    expectRefusal(() => drawGreenScreen(t.ctx, { width: 40, height: 20, toUint8Array: () => new Uint8ClampedArray(800) as never }), 'INVALID_INPUT', "the matte's toUint8Array() returned a Uint8ClampedArray; it must return a Uint8Array");
    expectRefusal(() => drawGreenScreen(t.ctx, { width: 40, height: 20, toUint8Array: () => new Array(800).fill(0) as never }), 'INVALID_INPUT', "returned an array; it must return a Uint8Array");
    expectRefusal(() => drawGreenScreen(t.ctx, { width: 1.5, height: 2, toUint8Array: () => new Uint8Array(3) }), 'INVALID_INPUT', 'the matte is 1.5×2; it must have pixels');
    expectRefusal(() => drawBackgroundReplace(t.ctx, matte, null as unknown as string), 'INVALID_INPUT', 'background is null; it must be a CSS colour string or a picture { data, width, height }');
    expectRefusal(() => drawBackgroundReplace(t.ctx, matte, { data: new Uint8ClampedArray(400), width: 1.5, height: 10 }), 'INVALID_INPUT', 'background is 1.5×10 with 400 values');
    expectRefusal(() => drawBackgroundReplace(t.ctx, matte, 'nope'), 'INVALID_OPTION', 'cannot parse background "nope"');
    expectRefusal(() => drawGreenScreen(t.ctx, matte, { color: 5 as unknown as string }), 'INVALID_OPTION', 'color is 5; it must be a CSS colour string');
    expectRefusal(() => compositeMatte(t.ctx, matte, null as unknown as { blur: number }), 'INVALID_INPUT', 'background is null; it must be { blur: radius }');
    expectRefusal(() => compositeMatte(t.ctx, matte, {} as { blur: number }), 'INVALID_INPUT', 'background is an object');
    // { blur, color } drew the blur and dropped the colour; a misspelt name was 'an object'
    expectRefusal(() => compositeMatte(t.ctx, matte, { blur: 3, color: 'blue' } as never), 'INVALID_OPTION', 'background has blur, color; it must be exactly one of');
    expectRefusal(() => compositeMatte(t.ctx, matte, { blur: 3, radius: 5 } as never), 'INVALID_OPTION', 'background has blur, radius');
    expectRefusal(() => compositeMatte(t.ctx, matte, { colour: 'blue' } as never), 'INVALID_OPTION', 'background has colour');
    // a category mask holds class ids: class 3 was read as 3/255 of the person
    const category = Mask.create('category', matte.width, matte.height, new Uint8Array(matte.width * matte.height).fill(3));
    expectRefusal(() => drawGreenScreen(t.ctx, category), 'INVALID_INPUT', 'the matte is a category mask');
    category.close();
    expectRefusal(() => compositeMatte(t.ctx, matte, { image: { width: 2, height: 2 } as unknown as ImageData }), 'INVALID_INPUT', 'image is 2×2 with undefined values');
    expect(Array.from(t.ctx.getImageData(0, 0, 40, 20).data)).toEqual(before);
    matte.close();
  });
});
