import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Mask, type MaskRle } from '../../src/core/mask';
import { yoloSegMasks } from '../../src/postprocess/masks/yolo-seg';
import { maskExtent } from '../helpers/mask-extent';
import { letterboxTransform } from '../helpers/letterbox-transform';

interface SegCase {
  name: string;
  mode: 'upsample' | 'native';
  inputSize: number;
  sourceWidth: number;
  sourceHeight: number;
  coefficients: number[];
  boxes: number[][];
  sourceBoxes?: number[][];
  binary: MaskRle[];
  gain: number;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/masks/yolo-seg.json', import.meta.url), 'utf8')) as { protoDims: number[]; protos: number[]; cases: SegCase[] };
const protos = { dims: fixture.protoDims, data: Float32Array.from(fixture.protos) };

describe('yoloSegMasks = Ultralytics process_mask / scale_masks / process_mask_native (golden)', () => {
  it.each(fixture.cases)('$name ($mode): binary masks equal exactly', (c) => {
    const t = letterboxTransform(c.sourceWidth, c.sourceHeight, c.inputSize);
    const masks = yoloSegMasks(protos, Float32Array.from(c.coefficients), c.boxes.flat(), t, { mode: c.mode, sourceBoxes: c.sourceBoxes?.flat() });
    expect(masks).toHaveLength(c.boxes.length);
    masks.forEach((m, i) => {
      expect([m.width, m.height]).toEqual([c.sourceWidth, c.sourceHeight]);
      expect(m.toRle()).toEqual(c.binary[i]);
      m.close();
    });
  });

  it('reads channels-last prototypes ([1, H, W, nm], TF.js exports) the same way', () => {
    const [, nm, mh, mw] = fixture.protoDims;
    const last = new Float32Array(protos.data.length);
    for (let k = 0; k < nm; k++) for (let p = 0; p < mh * mw; p++) last[p * nm + k] = protos.data[k * mh * mw + p];
    const c = fixture.cases[0];
    const t = letterboxTransform(c.sourceWidth, c.sourceHeight, c.inputSize);
    const masks = yoloSegMasks({ dims: [1, mh, mw, nm], data: last }, Float32Array.from(c.coefficients), c.boxes.flat(), t, { protoLayout: 'nhwc' });
    masks.forEach((m, i) => expect(m.toRle()).toEqual(c.binary[i]));
    masks.forEach((m) => m.close());
  });

  it('rejects prototypes that do not match the coefficients; no boxes → no masks', () => {
    const t = letterboxTransform(100, 100, 128);
    expect(() => yoloSegMasks({ dims: [1, 16, 40, 40], data: new Float32Array(16 * 1600) }, new Float32Array(32), [0, 0, 10, 10], t)).toThrow(expect.objectContaining({ code: 'MODEL_FORMAT' }));
    expect(() => yoloSegMasks(protos, new Float32Array(31), [0, 0, 10, 10], t)).toThrow(expect.objectContaining({ code: 'MODEL_FORMAT' }));
    expect(() => yoloSegMasks(protos, new Float32Array(32), [0, 0, 10], t)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(yoloSegMasks(protos, new Float32Array(0), [], t)).toEqual([]);
  });

  it('assembles 100 masks for a 1280×720 frame (640 input, 160² prototypes), each inside its box mapped to the frame (timing printed)', () => {
    const nm = 32;
    const data = new Float32Array(nm * 160 * 160);
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.013) * Math.cos(i * 0.0007);
    const coef = new Float32Array(100 * nm).map((_, i) => Math.sin(i * 1.7));
    const boxes: number[] = [];
    for (let i = 0; i < 100; i++) {
      const x = (i * 61) % 560;
      const y = 140 + ((i * 37) % 300);
      boxes.push(x, y, x + 40 + (i % 6) * 15, y + 50 + (i % 4) * 20);
    }
    const t = letterboxTransform(1280, 720, 640);
    const open = Mask.openCount;
    for (const mode of ['upsample', 'native'] as const) {
      yoloSegMasks({ dims: [1, nm, 160, 160], data }, coef, boxes, t, { mode }).forEach((m) => m.close());
      const t0 = performance.now();
      const masks = yoloSegMasks({ dims: [1, nm, 160, 160], data }, coef, boxes, t, { mode });
      const ms = performance.now() - t0;
      console.log(`YOLO-seg masks, 100 instances at 1280×720 (${mode}): ${ms.toFixed(1)} ms`);
      expect(masks).toHaveLength(100);
      expect(masks.some((m) => m.area() > 0)).toBe(true);
      // letterbox 1280×720 → 640: gain 0.5, 140 px bars top and bottom; every mask stays in its box
      // (upsample crops on the 160² prototype grid: a cell is 8 frame px; native crops at 640²)
      const slack = mode === 'upsample' ? 8 : 2;
      masks.forEach((m, i) => {
        const [x1, y1, x2, y2] = boxes.slice(i * 4, i * 4 + 4);
        const extent = maskExtent(m);
        if (!extent) return;
        expect(extent[0]).toBeGreaterThanOrEqual(Math.floor(x1 * 2) - slack);
        expect(extent[1]).toBeGreaterThanOrEqual(Math.floor((y1 - 140) * 2) - slack);
        expect(extent[2]).toBeLessThanOrEqual(Math.ceil(x2 * 2) + slack);
        expect(extent[3]).toBeLessThanOrEqual(Math.min(720, Math.ceil((y2 - 140) * 2) + slack));
      });
      masks.forEach((m) => m.close());
    }
    expect(Mask.openCount).toBe(open);
  });
});
