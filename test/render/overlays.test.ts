import { describe, expect, it } from 'vitest';
import { VisionError } from '../../src/core/errors';
import {
  PALETTE,
  colorFor,
  drawCaption,
  drawStats,
  fitTransform,
  mapBox,
  parseColor,
  putRawImage,
  resolveTransform,
  statsLines,
  textColorOn,
  unmapPoint,
  wrapText,
} from '../../src/render/index';
import * as render from '../../src/render/index';
import { blank, expectRefusal, inked } from './helpers';

const isDark = (p: number[]) => p[3] > 100 && Math.max(p[0], p[1], p[2]) < 60;

describe('drawStats', () => {
  const stats = { fps: 27.84, inputFps: 30, latencyP50: 41.2, latencyP95: 58.9, droppedFrames: 3, backend: 'webgpu' };

  it('formats fps, latency p50/p95, dropped frames and the backend', () => {
    expect(statsLines(stats)).toEqual(['27.8 fps (in 30.0)', 'p50 41 ms  p95 59 ms', 'dropped 3', 'backend webgpu']);
    expect(statsLines({ fps: Number.NaN, extra: { model: 'centernet', queue: 2 } })).toEqual(['– fps', 'model centernet', 'queue 2.0']);
    expect(statsLines({})).toEqual([]);
  });

  it.each(['top-left', 'bottom-right'] as const)('draws a small dark box with light text in the %s corner', (corner) => {
    const { ctx, px } = blank(640, 480);
    const rect = drawStats(ctx, stats, { corner });
    expect(rect).toBeDefined();
    if (!rect) return;
    if (corner === 'top-left') expect([rect.x, rect.y]).toEqual([4, 4]);
    else {
      expect(rect.x + rect.width).toBe(636);
      expect(rect.y + rect.height).toBe(476);
    }
    expect(rect.width).toBeLessThan(320);
    expect(rect.height).toBeLessThan(160);
    expect(isDark(px(rect.x + 1, rect.y + 1))).toBe(true);
    let light = 0;
    for (let y = rect.y; y < rect.y + rect.height; y++) {
      for (let x = rect.x; x < rect.x + rect.width; x++) if (Math.min(...px(x, y).slice(0, 3)) > 180) light++;
    }
    expect(light).toBeGreaterThan(50);
    // the rest of the canvas is untouched
    const total = inked(ctx, 640, 480);
    expect(total).toBe(rect.width * rect.height);
  });

  it('every drawing helper refuses an option name it does not take (a misspelt name was drawn with the default)', () => {
    const { ctx } = blank(40, 30);
    const matte = { width: 40, height: 30, data: new Float32Array(40 * 30) };
    const cases: [string, () => unknown][] = [
      ['drawDetections options has unknown option(s) showLabel', () => render.drawDetections(ctx, [], { showLabel: false } as never)],
      ['drawKeypoints options has unknown option(s) pointColour', () => render.drawKeypoints(ctx, [], { pointColour: 'red' } as never)],
      ['drawHands options has unknown option(s) label', () => render.drawHands(ctx, [], { label: false } as never)],
      ['drawFaceMesh options has unknown option(s) tessellationColor', () => render.drawFaceMesh(ctx, [], {}, { tessellationColor: 'red' } as never)],
      ['drawMasks options has unknown option(s) alpha', () => render.drawMasks(ctx, [], { alpha: 0.5 } as never)],
      ['drawCaption options has unknown option(s) colour', () => drawCaption(ctx, 'x', { colour: 'red' } as never)],
      ['drawStats options has unknown option(s) position', () => drawStats(ctx, { fps: 30 } as never, { position: 'top' } as never)],
      ['drawHeatMap options has unknown option(s) alpha', () => render.drawHeatMap(ctx, { width: 1, height: 1, values: new Float32Array(1) } as never, { alpha: 1 } as never)],
      ['drawScatter options has unknown option(s) pointRadius', () => render.drawScatter(ctx, [], { pointRadius: 2 } as never)],
      ['drawBackgroundBlur options has unknown option(s) radus; allowed: radius', () => render.drawBackgroundBlur(ctx, matte as never, { radus: 4 } as never)],
      ['drawGreenScreen options has unknown option(s) colour; allowed: color', () => render.drawGreenScreen(ctx, matte as never, { colour: 'blue' } as never)],
    ];
    for (const [message, draw] of cases) expectRefusal(draw, 'INVALID_OPTION', message);
    // the names each takes, and names set to undefined, pass
    expect(() => render.drawDetections(ctx, [], { showLabels: false, fontSize: undefined })).not.toThrow();
  });

  it('draws nothing for empty stats and rejects bad options', () => {
    const { ctx } = blank(100, 100);
    expect(drawStats(ctx, {})).toBeUndefined();
    expect(inked(ctx, 100, 100)).toBe(0);
    expect(() => drawStats(ctx, stats, { corner: 'middle' as 'top-left' })).toThrow(VisionError);
    // a number as a colour drew in whatever fillStyle the canvas had left (an invisible band)
    expect(() => drawStats(ctx, stats, { color: 0xffffff as never })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('color is 16777215') }));
    expect(() => drawCaption(ctx, 'a cat', { background: 0x202020 as never })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('background is 2105376') }));
  });
});

describe('drawCaption', () => {
  it('draws a band across the bottom with the text, wrapping long captions', () => {
    const { ctx, px } = blank(320, 240);
    const rect = drawCaption(ctx, 'a cup of coffee on a saucer next to a spoon on a wooden table in the morning light', { fontSize: 16 });
    expect(rect).toBeDefined();
    if (!rect) return;
    expect(rect.width).toBe(320);
    expect(rect.y + rect.height).toBe(240);
    expect(rect.height).toBeGreaterThan(2 * 16); // wrapped onto several lines
    expect(isDark(px(1, rect.y + 1))).toBe(true);
    expect(px(160, rect.y - 2)).toEqual([0, 0, 0, 0]);
    const top = drawCaption(blank(320, 240).ctx, 'hello', { position: 'top' });
    expect(top?.y).toBe(0);
  });

  it('cuts text beyond maxLines with an ellipsis', () => {
    const { ctx } = blank(100, 100);
    ctx.font = '12px sans-serif';
    const lines = wrapText(ctx, 'one two three four five six seven eight nine ten eleven twelve', 60, 2);
    expect(lines).toHaveLength(2);
    expect(lines[1].endsWith('…')).toBe(true);
    for (const line of lines) expect(ctx.measureText(line).width).toBeLessThanOrEqual(60);
    expect(wrapText(ctx, 'short', 60, 2)).toEqual(['short']);
  });

  it('draws nothing for empty text; rejects non-strings', () => {
    const { ctx } = blank(50, 50);
    expect(drawCaption(ctx, '   ')).toBeUndefined();
    expect(inked(ctx, 50, 50)).toBe(0);
    expect(() => drawCaption(ctx, 42 as unknown as string)).toThrow(VisionError);
  });
});

describe('placement and colours', () => {
  it('fits a source into a canvas like CSS object-fit', () => {
    const spec = { sourceWidth: 1280, sourceHeight: 720, canvasWidth: 640, canvasHeight: 640 };
    expect(fitTransform({ ...spec, fit: 'contain' })).toEqual({ scaleX: 0.5, scaleY: 0.5, offsetX: 0, offsetY: 140 });
    const cover = fitTransform({ ...spec, fit: 'cover' });
    expect(cover.scaleX).toBeCloseTo(640 / 720);
    expect(cover.offsetX).toBeCloseTo((640 - 1280 * (640 / 720)) / 2);
    expect(cover.offsetY).toBe(0);
    expect(fitTransform({ ...spec, fit: 'fill' })).toEqual({ scaleX: 0.5, scaleY: 640 / 720, offsetX: 0, offsetY: 0 });
    expect(() => fitTransform({ ...spec, fit: 'stretch' as 'fill' })).toThrow(VisionError);
    expect(() => fitTransform({ ...spec, sourceWidth: Number.NaN })).toThrow(VisionError);
  });

  it('maps boxes and points both ways, mirrored views included', () => {
    const t = resolveTransform({ imageSize: { width: 1280, height: 853 } }, { width: 640, height: 427 });
    const box = mapBox(t, { x1: 200, y1: 100, x2: 800, y2: 600 });
    expect(box.x1).toBe(100);
    expect(box.x2).toBe(400);
    expect(box.y1).toBeCloseTo(50, 0);
    const mirror = { scaleX: -1, scaleY: 1, offsetX: 640, offsetY: 0 };
    expect(mapBox(mirror, { x1: 10, y1: 0, x2: 110, y2: 10 })).toEqual({ x1: 530, y1: 0, x2: 630, y2: 10 });
    expect(unmapPoint(t, 100, 50)).toEqual({ x: 200, y: 50 / (427 / 853) });
    expect(resolveTransform({}, { width: 5, height: 5 })).toEqual({ scaleX: 1, scaleY: 1, offsetX: 0, offsetY: 0 });
  });

  it('gives stable colours per key and parses CSS colours', () => {
    expect(colorFor(0)).toBe(PALETTE[0]);
    expect(colorFor(21)).toBe(PALETTE[1]);
    expect(colorFor('person')).toBe(colorFor('person'));
    expect(PALETTE).toContain(colorFor(-3.5));
    expect(parseColor('#f00')).toEqual({ r: 255, g: 0, b: 0, a: 1 });
    expect(parseColor('rgba(0, 128, 255, 0.5)')).toEqual({ r: 0, g: 128, b: 255, a: 0.5 });
    expect(parseColor('rgb(10 20 30 / 50%)')).toEqual({ r: 10, g: 20, b: 30, a: 0.5 });
    expect(parseColor('white')).toEqual({ r: 255, g: 255, b: 255, a: 1 });
    expect(textColorOn('#ffff00')).toBe('#000000');
    expect(textColorOn('#0018ec')).toBe('#ffffff');
    expect(parseColor('hsl(0, 0%, 0%)')).toEqual({ r: 0, g: 0, b: 0, a: 1 });
  });

  it('parses every CSS colour form the canvas takes to the bytes Skia paints', () => {
    const forms = [
      'tomato', 'RebeccaPurple', '  Red  ', 'RGB(1,2,3)', '#0f08', 'rgb(10%, 20%, 30%)', 'rgb(127.6 0 0)', 'rgb(300, 0, 0)', 'rgb(none 0 0)',
      'hsl(200, 50%, 50%)', 'hsla(0, 100%, 50%, 0.25)', 'hsl(120deg 100% 25% / 50%)', 'hwb(120 10% 20%)',
      'lab(50% 40 59.5)', 'lch(60 50 120)', 'oklab(0.6 0.1 -0.1)', 'oklch(0.7 0.1 200)', 'color(srgb 0.2 0.4 0.6)', 'color(display-p3 1 0 0)',
    ];
    const { ctx, px } = blank(1, 1);
    for (const form of forms) {
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = form;
      ctx.fillRect(0, 0, 1, 1);
      const [r, g, b, a] = px(0, 0);
      const parsed = parseColor(form);
      expect(Math.abs(parsed.a * 255 - a), form).toBeLessThanOrEqual(0.5);
      // the canvas keeps premultiplied bytes: a see-through colour reads back within a level or two
      const tolerance = a === 255 ? 0 : 255 / a;
      [parsed.r, parsed.g, parsed.b].forEach((v, c) => expect(Math.abs(v - [r, g, b][c]), `${form} channel ${c}`).toBeLessThanOrEqual(tolerance));
    }
    // CSS Color 5 forms are refused as the README says (the canvas may take them; culori does not)
    for (const refused of ['currentcolor', 'inherit', 'ButtonText', '#ggg', 'rgb(1, 2)', 'hsl(nan 0% 0%)', '', 'color-mix(in srgb, red, blue)', 'rgb(from red r g b)', 'rgb(calc(100 + 20) 0 0)']) {
      expectRefusal(() => parseColor(refused, 'color'), 'INVALID_OPTION', `cannot parse color "${refused}"; allowed: #rgb`);
    }
  });

  it('refuses a colour that is not a string with INVALID_OPTION naming it (not a TypeError)', () => {
    expectRefusal(() => parseColor(5 as unknown as string), 'INVALID_OPTION', "colour is 5; it must be a CSS colour string such as '#ff3838'");
    expectRefusal(() => parseColor(null as unknown as string, 'color'), 'INVALID_OPTION', 'color is null');
    expectRefusal(() => textColorOn({} as unknown as string), 'INVALID_OPTION', 'colour is an object');
    expectRefusal(() => parseColor('nope', 'background'), 'INVALID_OPTION', 'cannot parse background "nope"; allowed: #rgb');
    // names an object inherits are no colour names (they were a TypeError)
    for (const inherited of ['constructor', 'toString', '__proto__']) expectRefusal(() => parseColor(inherited), 'INVALID_OPTION', `cannot parse colour "${inherited}"`);
  });
});

describe('putRawImage', () => {
  it('puts grey, RGB and RGBA pixels onto the canvas', () => {
    const { ctx, px } = blank(3, 2);
    putRawImage(ctx, { data: new Uint8Array([10, 20, 30, 40, 50, 60]), width: 3, height: 2, channels: 1 });
    expect(px(2, 1)).toEqual([60, 60, 60, 255]);
    putRawImage(ctx, { data: new Float32Array([255, 0, 0, 0, 255, 0]), width: 2, height: 1, channels: 3 });
    expect(px(0, 0)).toEqual([255, 0, 0, 255]);
    expect(px(1, 0)).toEqual([0, 255, 0, 255]);
    expect(px(2, 0)).toEqual([30, 30, 30, 255]);
    putRawImage(ctx, { data: new Uint8ClampedArray([1, 2, 3, 255]), width: 1, height: 1, channels: 4 }, 2, 1);
    expect(px(2, 1)).toEqual([1, 2, 3, 255]);
    expect(() => putRawImage(ctx, { data: new Uint8Array(5), width: 3, height: 2, channels: 1 })).toThrow(VisionError);
    expect(() => putRawImage(ctx, { data: new Uint8Array(12), width: 3, height: 2, channels: 2 as 1 })).toThrow(VisionError);
    // a NaN position was the canvas's own TypeError
    for (const [x, y] of [[Number.NaN, 0], [0, Number.POSITIVE_INFINITY], ['1', 0]] as [number, number][]) {
      expect(() => putRawImage(ctx, { data: new Uint8Array(6), width: 3, height: 2, channels: 1 }, x, y)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('x and y must be finite numbers') }));
    }
  });

  it('every drawing helper refuses options that are not an object (null included) with INVALID_OPTION naming it', () => {
    const { ctx } = blank(16, 16);
    const matte = { width: 16, height: 16, data: new Float32Array(256) } as never; // never read: the options are refused first
    const calls: [string, (options: never) => unknown][] = [
      ['drawCaption', (o) => render.drawCaption(ctx, 'a cat', o)],
      ['drawDetections', (o) => render.drawDetections(ctx, [], o)],
      ['drawFaceMesh', (o) => render.drawFaceMesh(ctx, [], {}, o)],
      ['drawHands', (o) => render.drawHands(ctx, [], o)],
      ['drawHeatMap', (o) => render.drawHeatMap(ctx, matte, o)],
      ['drawKeypoints', (o) => render.drawKeypoints(ctx, [], o)],
      ['drawMasks', (o) => render.drawMasks(ctx, [], o)],
      ['drawBackgroundBlur', (o) => render.drawBackgroundBlur(ctx, matte, o)],
      ['drawGreenScreen', (o) => render.drawGreenScreen(ctx, matte, o)],
      ['drawScatter', (o) => render.drawScatter(ctx, [], o)],
      ['drawStats', (o) => render.drawStats(ctx, { fps: 30 } as never, o)],
    ];
    for (const [name, call] of calls) {
      expectRefusal(() => call(null as never), 'INVALID_OPTION', `${name} options are null; they must be an object`);
      expectRefusal(() => call(3 as never), 'INVALID_OPTION', `${name} options are 3`);
    }
  });

  it('every drawing helper refuses a context that is none (null: getContext on a WebGL canvas) with INVALID_INPUT naming it', () => {
    const matte = { width: 16, height: 16, data: new Float32Array(256) } as never;
    const calls: [string, (ctx: never) => unknown][] = [
      ['drawCaption', (c) => render.drawCaption(c, 'a cat')],
      ['drawDetections', (c) => render.drawDetections(c, [])],
      ['drawFaceMesh', (c) => render.drawFaceMesh(c, [], {})],
      ['drawHands', (c) => render.drawHands(c, [])],
      ['drawHeatMap', (c) => render.drawHeatMap(c, matte)],
      ['drawKeypoints', (c) => render.drawKeypoints(c, [])],
      ['drawMasks', (c) => render.drawMasks(c, [])],
      ['compositeMatte', (c) => render.compositeMatte(c, matte, { color: '#000' })],
      ['drawBackgroundBlur', (c) => render.drawBackgroundBlur(c, matte)],
      ['drawBackgroundReplace', (c) => render.drawBackgroundReplace(c, matte, '#000')],
      ['drawGreenScreen', (c) => render.drawGreenScreen(c, matte)],
      ['drawScatter', (c) => render.drawScatter(c, [])],
      ['drawStats', (c) => render.drawStats(c, { fps: 30 } as never)],
    ];
    for (const [name, call] of calls) {
      expectRefusal(() => call(null as never), 'INVALID_INPUT', `${name} needs a canvas's 2D context (canvas.getContext('2d')); got null — getContext('2d') gives null`);
      expectRefusal(() => call({} as never), 'INVALID_INPUT', `${name} needs a canvas's 2D context`);
    }
  });
});
