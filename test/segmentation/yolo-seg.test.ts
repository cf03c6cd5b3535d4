import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Mask, type MaskRle } from '../../src/core/mask';
import { yoloSegMasks } from '../../src/postprocess/masks/yolo-seg';
import { contentRegion } from '../../src/postprocess/masks/to-source';
import { fitGeometry } from '../../src/preprocess/geometry';
import { maskExtent } from '../helpers/mask-extent';
import { letterboxTransform } from '../helpers/letterbox-transform';

interface SegCase {
  name: string;
  mode: 'upsample' | 'native';
  form: 'logits' | 'sigmoid';
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
  it.each(fixture.cases)('$name ($mode, $form form): binary masks equal exactly', (c) => {
    const t = letterboxTransform(c.sourceWidth, c.sourceHeight, c.inputSize);
    const masks = yoloSegMasks(protos, Float32Array.from(c.coefficients), c.boxes.flat(), t, { mode: c.mode, form: c.form, sourceBoxes: c.sourceBoxes?.flat() });
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
    const masks = yoloSegMasks({ dims: [1, mh, mw, nm], data: last }, Float32Array.from(c.coefficients), c.boxes.flat(), t, { protoLayout: 'nhwc', form: c.form });
    masks.forEach((m, i) => expect(m.toRle()).toEqual(c.binary[i]));
    masks.forEach((m) => m.close());
  });

  it("the logits form (the default) is today's Ultralytics: upsampled, then cropped with the box at the input's resolution — no mask outside its box (Ultralytics PR 24463's case)", () => {
    // uniformly positive 32×40×40 prototypes, box [40, 40, 120, 120], a 160² input and image
    const t = letterboxTransform(160, 160, 160);
    const ones = { dims: [1, 32, 40, 40], data: new Float32Array(32 * 40 * 40).fill(1) };
    const coef = new Float32Array(32).fill(0.1);
    // the order before (the logits cropped on the grid, then upsampled) set 656 pixels past the box
    for (const threshold of [0.5, 0.7, 0.2]) {
      const [mask] = yoloSegMasks(ones, coef, [40, 40, 120, 120], t, { threshold });
      expect(mask.area()).toBe(6400);
      expect(mask.bounds).toEqual({ x: 40, y: 40, width: 80, height: 80 });
      mask.close();
    }
  });

  it('on a letterboxed fixture the logits form stays within an input pixel of its box (the cut made at the image size), the sigmoid form within a prototype cell', () => {
    const t = letterboxTransform(120, 90, 128);
    const c = fixture.cases.find((k) => k.name === 'landscape-120x90-logits')!;
    const coef = Float32Array.from(c.coefficients);
    const [logits, sigmoid, byDefault] = [{ form: 'logits' as const }, { form: 'sigmoid' as const }, {}].map((o) => yoloSegMasks(protos, coef, c.boxes.flat(), t, o));
    const reach = [1 / t.scaleX, 4 / t.scaleX]; // an input pixel, a prototype cell, in image pixels
    logits.forEach((m, i) => {
      expect(byDefault[i].toRle()).toEqual(m.toRle());
      const [x1, y1, x2, y2] = c.boxes[i].map((v, k) => Math.max(0, (v - (k % 2 === 0 ? t.padX : t.padY)) / t.scaleX));
      [m, sigmoid[i]].forEach((mask, form) => {
        const values = mask.toUint8Array();
        let farthest = 0;
        for (let y = 0; y < mask.height; y++) {
          for (let x = 0; x < mask.width; x++) {
            if (values[y * mask.width + x] >= 128) farthest = Math.max(farthest, x1 - (x + 1), x - x2, y1 - (y + 1), y - y2);
          }
        }
        expect(farthest).toBeLessThanOrEqual(reach[form]);
      });
    });
    [...logits, ...sigmoid, ...byDefault].forEach((m) => m.close());
  });

  it("the logits form's pads are those of the SDK's letterbox (Ultralytics LetterBox) at every size; the sigmoid form's are int() of them", () => {
    let parted = 0;
    for (let w = 40; w <= 200; w += 3) {
      for (const h of [37, 61, 97, 150, 211]) {
        const { transform: t, x, y } = fitGeometry(w, h, 128, 128, 'letterbox');
        const rounded = contentRegion(128, 128, t, 'rounded');
        expect(rounded).toEqual({ left: x.offset, top: y.offset, right: x.offset + x.resized, bottom: y.offset + y.resized });
        const truncated = contentRegion(128, 128, t, 'truncated');
        if (JSON.stringify(truncated) !== JSON.stringify(rounded)) parted++;
      }
    }
    expect(parted).toBeGreaterThan(10);
  });

  it("threshold: the logits form cuts at its logit, strictly inside (0, 1); the sigmoid form takes [0, 1]; an unknown form is INVALID_OPTION", () => {
    const t = letterboxTransform(120, 90, 128);
    const c = fixture.cases.find((k) => k.name === 'landscape-120x90-native-logits')!;
    const run = (o: object) => yoloSegMasks(protos, Float32Array.from(c.coefficients), c.boxes.flat(), t, { mode: 'native', sourceBoxes: c.sourceBoxes!.flat(), ...o });
    // a higher threshold keeps a subset; 0.5 is the default (cut at 0)
    const [low, half, high, byDefault] = [run({ threshold: 0.2 }), run({ threshold: 0.5 }), run({ threshold: 0.8 }), run({})];
    half.forEach((m, i) => {
      expect(m.toRle()).toEqual(byDefault[i].toRle());
      expect(low[i].area()).toBeGreaterThanOrEqual(m.area());
      expect(high[i].area()).toBeLessThanOrEqual(m.area());
    });
    expect(low.reduce((s, m) => s + m.area(), 0)).toBeGreaterThan(half.reduce((s, m) => s + m.area(), 0));
    [...low, ...half, ...high, ...byDefault].forEach((m) => m.close());
    for (const bad of [{ threshold: 0 }, { threshold: 1 }, { threshold: Number.NaN }, { form: 'probabilities' }, { form: 'sigmoid', threshold: 1.5 }, { threshold: '0.5' }, { threshold: null }, { form: null }]) {
      expect(() => run(bad), JSON.stringify(bad)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    }
    run({ form: 'sigmoid', threshold: 0 }).forEach((m) => m.close());
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
      // (the sigmoid form's upsample crops on the 160² prototype grid: a cell is 8 frame px; the
      // logits form crops at 640², as native does)
      const slack = 2;
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
