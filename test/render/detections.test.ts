import { describe, expect, it } from 'vitest';
import { VisionError } from '../../src/core/errors';
import {
  type DrawableDetection,
  PALETTE,
  detectionLabel,
  drawDetections,
  labelRect,
  resolveStyle,
} from '../../src/render/index';
import { blank, diff, expectRefusal, inked, rgba } from './helpers';

const TRANSPARENT = [0, 0, 0, 0];
const car: DrawableDetection = { box: { x1: 40, y1: 50, x2: 140, y2: 120 }, label: 'car', classId: 2, score: 0.9 };
const style = { lineWidth: 2, fontSize: 12 };

describe('drawDetections', () => {
  it('strokes the box outline in the class colour, centred on the box edges, leaving the inside untouched', () => {
    const { ctx, px } = blank(200, 150);
    expect(drawDetections(ctx, [car], { ...style, showLabels: false })).toBe(1);
    const color = rgba(PALETTE[2]);
    // a 2-px line centred on x = 40 covers pixel columns 39 and 40 (likewise for every edge)
    for (const [x, y] of [[39, 85], [40, 85], [139, 85], [140, 85], [90, 49], [90, 50], [90, 119], [90, 120]]) {
      expect(px(x, y), `(${x}, ${y})`).toEqual(color);
    }
    for (const [x, y] of [[41, 85], [90, 85], [138, 85], [90, 51], [90, 118], [37, 85], [142, 85], [90, 47], [90, 122]]) {
      expect(px(x, y), `(${x}, ${y})`).toEqual(TRANSPARENT);
    }
  });

  it('puts the label on a class-coloured background on top of the box, with legible text inside', () => {
    const { ctx, px } = blank(200, 150);
    drawDetections(ctx, [car], style);
    const color = rgba(PALETTE[2]);
    const s = resolveStyle(style, { width: 200, height: 150 });
    const rect = labelRect(ctx, 'car 0.90', 39, 49, s, 'above');
    expect(rect.height).toBe(12 + 2 * s.padding);
    expect(rect.y + rect.height).toBe(49); // sits on the box's outer top edge
    expect(rect.x).toBe(39);
    expect(rect.width).toBeGreaterThan(30);
    // corners of the background (padding, no text)
    expect(px(rect.x + 1, rect.y + 1)).toEqual(color);
    expect(px(rect.x + rect.width - 1, rect.y + rect.height - 1)).toEqual(color);
    expect(px(rect.x + rect.width - 1, rect.y + 1)).toEqual(color);
    // nothing just above or right of it
    expect(px(rect.x + 1, rect.y - 2)).toEqual(TRANSPARENT);
    expect(px(rect.x + rect.width + 2, rect.y + 5)).toEqual(TRANSPARENT);
    // white text (on this orange) inside the background
    let light = 0;
    for (let y = rect.y; y < rect.y + rect.height; y++) {
      for (let x = rect.x; x < rect.x + rect.width; x++) if (Math.min(...px(x, y).slice(0, 3)) > 200) light++;
    }
    expect(light).toBeGreaterThan(15);
  });

  it('draws nothing for a box with no part on the canvas (its label was pinned to the edge, reading as an object there); a box partly on it is drawn', () => {
    const { ctx } = blank(320, 240);
    const offCanvas = [{ x1: 500, y1: 400, x2: 600, y2: 470 }, { x1: -90, y1: 10, x2: -5, y2: 60 }, { x1: 10, y1: -80, x2: 60, y2: -2 }];
    expect(drawDetections(ctx, offCanvas.map((box) => ({ ...car, box })), style)).toBe(0);
    expect(inked(ctx, 320, 240)).toBe(0);
    expect(drawDetections(ctx, [{ ...car, box: { x1: 300, y1: 200, x2: 400, y2: 300 } }], style)).toBe(1);
    expect(inked(ctx, 320, 240)).toBeGreaterThan(0);
  });

  it('moves the label inside the box when there is no room above it', () => {
    const { ctx, px } = blank(200, 150);
    drawDetections(ctx, [{ ...car, box: { x1: 40, y1: 5, x2: 140, y2: 120 } }], style);
    const color = rgba(PALETTE[2]);
    expect(px(41, 5)).toEqual(color); // top-left of the label background at the box's outer edge (y = 4)
    expect(px(41, 4 + 12 + 2 * 3 - 1)).toEqual(color);
    expect(px(41, 2)).toEqual(TRANSPARENT);
  });

  it('colours a tracked detection by its track and writes the track ID into the label', () => {
    const untracked = blank(200, 150);
    const tracked = blank(200, 150);
    drawDetections(untracked.ctx, [car], style);
    drawDetections(tracked.ctx, [{ ...car, trackId: 5 }], style);
    expect(untracked.px(40, 85)).toEqual(rgba(PALETTE[2]));
    expect(tracked.px(40, 85)).toEqual(rgba(PALETTE[5]));
    expect(detectionLabel({ ...car, trackId: 5 })).toBe('#5 car 0.90');
    expect(detectionLabel(car)).toBe('car 0.90');
    expect(detectionLabel({ ...car, trackId: 5 }, { showScores: false, showTrackIds: false })).toBe('car');
    // the longer label makes a wider background, in the track colour
    const s = resolveStyle(style, { width: 200, height: 150 });
    const short = labelRect(tracked.ctx, 'car 0.90', 39, 49, s, 'above');
    const long = labelRect(tracked.ctx, '#5 car 0.90', 39, 49, s, 'above');
    expect(long.width).toBeGreaterThan(short.width);
    expect(tracked.px(long.x + long.width - 1, long.y + 1)).toEqual(rgba(PALETTE[5]));
    expect(untracked.px(long.x + long.width - 1, long.y + 1)).toEqual(TRANSPARENT);
    // colorBy 'class' keeps the class colour for tracked detections
    const byClass = blank(200, 150);
    drawDetections(byClass.ctx, [{ ...car, trackId: 5 }], { ...style, colorBy: 'class' });
    expect(byClass.px(40, 85)).toEqual(rgba(PALETTE[2]));
  });

  it('maps a box from a 1280×853 source onto a 640×427 canvas at half the coordinates', () => {
    const box = { x1: 200, y1: 100, x2: 800, y2: 600 };
    const color = rgba(PALETTE[0]);
    for (const placement of [{ imageSize: { width: 1280, height: 853 } }, { scale: 0.5 }]) {
      const { ctx, px } = blank(640, 427);
      drawDetections(ctx, [{ box, classId: 0, label: 'person', score: 0.8 }], { ...placement, lineWidth: 2, showLabels: false });
      // box on the canvas: x 100..400, y ≈ 50..300
      for (const [x, y] of [[99, 175], [100, 175], [399, 175], [400, 175], [250, 50], [250, 300]]) {
        expect(px(x, y), `${JSON.stringify(placement)} (${x}, ${y})`).toEqual(color);
      }
      for (const [x, y] of [[200, 175], [203, 175], [196, 175], [403, 175], [250, 47], [250, 303]]) {
        expect(px(x, y), `${JSON.stringify(placement)} (${x}, ${y})`).toEqual(TRANSPARENT);
      }
    }
  });

  it('letterboxes with fit "contain": a 1280×853 frame in a 640×640 canvas is offset vertically', () => {
    const { ctx, px } = blank(640, 640);
    drawDetections(ctx, [{ box: { x1: 200, y1: 100, x2: 800, y2: 600 }, classId: 0 }], {
      imageSize: { width: 1280, height: 853 },
      fit: 'contain',
      lineWidth: 2,
      showLabels: false,
    });
    const offsetY = (640 - 853 * 0.5) / 2; // 106.75
    expect(px(100, 300)).toEqual(rgba(PALETTE[0]));
    expect(px(250, Math.floor(50 + offsetY))).toEqual(rgba(PALETTE[0]));
    expect(px(250, 50)).toEqual(TRANSPARENT);
  });

  it('scales the line width with the drawn image size', () => {
    const small = resolveStyle({}, { width: 640, height: 427 });
    const large = resolveStyle({}, { width: 1920, height: 1280 });
    expect(small.lineWidth).toBe(2);
    expect(large.lineWidth).toBe(5);
    expect(large.fontSize).toBeGreaterThan(small.fontSize * 2);
    const { ctx, px } = blank(1920, 1280);
    drawDetections(ctx, [{ box: { x1: 400, y1: 300, x2: 1000, y2: 900 }, classId: 1 }], { showLabels: false });
    // a 5-px line centred on x = 400 fully covers columns 398..401
    for (const x of [398, 399, 400, 401]) expect(px(x, 600), `x ${x}`).toEqual(rgba(PALETTE[1]));
    expect(px(404, 600)).toEqual(TRANSPARENT);
    expect(px(395, 600)).toEqual(TRANSPARENT);
  });

  it('fills the box at fillOpacity when asked', () => {
    const { ctx, px } = blank(200, 150);
    drawDetections(ctx, [car], { ...style, fillOpacity: 0.25, showLabels: false });
    const [r, g, b, a] = px(90, 85);
    expect(Math.abs(a - 64)).toBeLessThanOrEqual(1);
    expect(diff([r, g, b], rgba(PALETTE[2]).slice(0, 3))).toBeLessThanOrEqual(4);
  });

  it('draws landmarks that come with a detection (BlazeFace) and skips NaN ones', () => {
    const { ctx, px } = blank(200, 150);
    const face: DrawableDetection = {
      ...car,
      keypoints: [{ x: 70, y: 80 }, { x: Number.NaN, y: 80 }, { x: 110, y: 80, name: 'right eye' }],
    };
    drawDetections(ctx, [face], { ...style, showLabels: false, keypointRadius: 3 });
    expect(px(70, 80)).toEqual(rgba(PALETTE[2]));
    expect(px(110, 80)).toEqual(rgba(PALETTE[2]));
    expect(px(90, 80)).toEqual(TRANSPARENT);
  });

  it('is NaN-safe: detections with non-finite boxes are skipped without throwing; nothing is drawn', () => {
    const { ctx } = blank(200, 150);
    const bad: DrawableDetection[] = [
      { box: { x1: Number.NaN, y1: 10, x2: 50, y2: 50 }, label: 'x', score: 0.9 },
      { box: { x1: 10, y1: 10, x2: Number.POSITIVE_INFINITY, y2: 50 }, classId: 1 },
      { box: { x1: 10, y1: 10, x2: 50, y2: 50 }, score: Number.NaN },
    ];
    expect(drawDetections(ctx, bad)).toBe(0);
    expect(inked(ctx, 200, 150)).toBe(0);
    expect(drawDetections(ctx, [])).toBe(0);
  });

  it('skips detections below minScore', () => {
    const { ctx } = blank(200, 150);
    expect(drawDetections(ctx, [car, { ...car, score: 0.2 }], { minScore: 0.5 })).toBe(1);
  });

  it('rejects bad input and options with VisionError', () => {
    const { ctx } = blank(20, 20);
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(VisionError);
        return (e as VisionError).code;
      }
      return 'no error';
    };
    expect(code(() => drawDetections(ctx, null as unknown as DrawableDetection[]))).toBe('INVALID_INPUT');
    expect(code(() => drawDetections(ctx, [car], { fillOpacity: 2 }))).toBe('INVALID_OPTION');
    expect(code(() => drawDetections(ctx, [car], { lineWidth: -1 }))).toBe('INVALID_OPTION');
    expect(code(() => drawDetections(ctx, [car], { scale: 0 }))).toBe('INVALID_OPTION');
    expect(code(() => drawDetections(ctx, [car], { imageSize: { width: 0, height: 10 } }))).toBe('INVALID_OPTION');
  });

  it('refuses null detections, non-array keypoints, non-string colours and out-of-range options, naming them; nothing is drawn', () => {
    const { ctx } = blank(200, 150);
    expectRefusal(() => drawDetections(ctx, [car, null as unknown as DrawableDetection]), 'INVALID_INPUT', 'detections[1] is null; it must be { box');
    expectRefusal(() => drawDetections(ctx, [{ ...car, keypoints: 5 as unknown as [] }]), 'INVALID_INPUT', 'detections[0].keypoints is 5');
    expectRefusal(() => drawDetections(ctx, [car], { color: 5 as unknown as string }), 'INVALID_OPTION', 'color is 5; it must be a CSS colour string');
    expectRefusal(() => drawDetections(ctx, [car], { color: () => null as unknown as string }), 'INVALID_OPTION', 'options.color(detections[0]) is null');
    expectRefusal(() => drawDetections(ctx, [car], { keypointRadius: -1 }), 'INVALID_OPTION', 'keypointRadius is -1; it must be a finite number > 0');
    expectRefusal(() => drawDetections(ctx, [car], { minScore: Number.NaN }), 'INVALID_OPTION', 'minScore is NaN; it must be between 0 and 1');
    expectRefusal(() => drawDetections(ctx, [car], { colorBy: 'size' as 'class' }), 'INVALID_OPTION', `colorBy is "size"; allowed: 'auto', 'class', 'track'`);
    // a string formatLabel threw a TypeError after the boxes were drawn; 'no' and 0 drew labels and points
    expectRefusal(() => drawDetections(ctx, [car], { formatLabel: 'abc' as never }), 'INVALID_OPTION', 'formatLabel is "abc"; it must be a function');
    expectRefusal(() => drawDetections(ctx, [car], { showLabels: 'no' as never }), 'INVALID_OPTION', 'showLabels is "no"; it must be true or false');
    expectRefusal(() => drawDetections(ctx, [car], { showKeypoints: 0 as never }), 'INVALID_OPTION', 'showKeypoints is 0; it must be true or false');
    expectRefusal(() => drawDetections(ctx, [car], { fontFamily: 5 as unknown as string }), 'INVALID_OPTION', 'fontFamily is 5');
    expectRefusal(() => drawDetections(ctx, [car], { imageSize: { width: 0, height: 10 } }), 'INVALID_OPTION', 'imageSize.width is 0; it must be a finite number > 0');
    // a colour that is no colour stroked the boxes, then failed at the label ("cannot parse colour"); without labels it drew black
    expectRefusal(() => drawDetections(ctx, [car], { color: 'notacolour' }), 'INVALID_OPTION', 'cannot parse color "notacolour"');
    expectRefusal(() => drawDetections(ctx, [car], { color: 'notacolour', showLabels: false }), 'INVALID_OPTION', 'cannot parse color "notacolour"');
    expectRefusal(() => drawDetections(ctx, [car], { color: () => 'zz' }), 'INVALID_OPTION', 'cannot parse options.color(detections[0]) "zz"');
    expect(inked(ctx, 200, 150)).toBe(0);
  });
});
