/**
 * `gpuMasks` off WebGPU (Node, wasm): the option is checked and falls back to the CPU masks; the
 * assembly plan (postprocess/masks/yolo-seg-plan.ts) gives each mask a window that holds every
 * pixel the CPU path sets. The GPU path itself runs in test/gpu/gpu-candidates.browser.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type RawImage, loadModel, pipeline, yoloSegModel } from '../../src/node/index';
import { yoloSegMaskPlan } from '../../src/postprocess/masks/yolo-seg-plan';
import { yoloSegMasks } from '../../src/postprocess/masks/yolo-seg';
import { bilinearTaps } from '../../src/postprocess/masks/bilinear';
import { buildTfjsGraphModel } from '../helpers/tfjs-graph-builder';
import { letterboxTransform } from '../helpers/letterbox-transform';

interface SegCase { name: string; mode: 'upsample' | 'native'; form: 'logits' | 'sigmoid'; inputSize: number; sourceWidth: number; sourceHeight: number; coefficients: number[]; boxes: number[][]; sourceBoxes?: number[][] }
const seg = JSON.parse(readFileSync(new URL('../fixtures/masks/yolo-seg.json', import.meta.url), 'utf8')) as { protoDims: number[]; protos: number[]; cases: SegCase[] };
const LABELS = ['cat', 'dog', 'bird'];

describe('gpuMasks', () => {
  it.each(seg.cases)('$name ($mode): every pixel of the CPU masks lies in its planned window', (c) => {
    const t = letterboxTransform(c.sourceWidth, c.sourceHeight, c.inputSize);
    const options = { mode: c.mode, form: c.form, sourceBoxes: c.sourceBoxes?.flat() };
    const plan = yoloSegMaskPlan(seg.protoDims, 32, c.boxes.flat(), t, options);
    expect(plan).toMatchObject({ nm: 32, mh: 32, mw: 32, protoLayout: 'nchw', outputWidth: c.sourceWidth, outputHeight: c.sourceHeight });
    expect([plan.intermediateWidth, plan.intermediateHeight]).toEqual(c.mode === 'native' ? [32, 32] : [c.inputSize, c.inputSize]);
    // the taps table: the CPU path's own weights, output columns first, intermediate rows last
    expect(plan.taps.length).toBe(4 * (c.sourceWidth + c.sourceHeight + plan.intermediateWidth + plan.intermediateHeight));
    const weights = new Float32Array(plan.taps.buffer);
    const columns = bilinearTaps(plan.content.width, c.sourceWidth);
    for (let x = 0; x < c.sourceWidth; x++) expect([plan.taps[4 * x], plan.taps[4 * x + 1], weights[4 * x + 2], weights[4 * x + 3]]).toEqual([columns.i0[x], columns.i1[x], columns.l0[x], columns.l1[x]]);
    const midRows = bilinearTaps(32, plan.intermediateHeight);
    const at = 4 * (c.sourceWidth + c.sourceHeight + plan.intermediateWidth);
    expect(Array.from(plan.taps.subarray(at, at + 4 * plan.intermediateHeight).filter((_, i) => i % 4 === 0))).toEqual(Array.from(midRows.i0));
    const masks = yoloSegMasks({ dims: seg.protoDims, data: Float32Array.from(seg.protos) }, Float32Array.from(c.coefficients), c.boxes.flat(), t, options);
    expect(plan.instances).toHaveLength(masks.length);
    masks.forEach((m, i) => {
      const { window } = plan.instances[i];
      if (m.area() > 0) {
        expect(m.bounds.x).toBeGreaterThanOrEqual(window.x);
        expect(m.bounds.y).toBeGreaterThanOrEqual(window.y);
        expect(m.bounds.x + m.bounds.width).toBeLessThanOrEqual(window.x + window.width);
        expect(m.bounds.y + m.bounds.height).toBeLessThanOrEqual(window.y + window.height);
      }
      m.close();
    });
    expect(() => yoloSegMaskPlan(seg.protoDims, 16, c.boxes.flat(), t)).toThrow(expect.objectContaining({ code: 'MODEL_FORMAT' }));
  });

  it('falls back to the CPU masks off WebGPU: same masks, no gpuMasks field; a non-boolean is INVALID_OPTION', async () => {
    const c = seg.cases[0];
    const n = c.boxes.length;
    const rows = 4 + LABELS.length + 32;
    const out = new Float32Array(rows * n);
    c.boxes.forEach(([x1, y1, x2, y2], i) => {
      [(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1].forEach((v, ch) => (out[ch * n + i] = v));
      out[(4 + (i % 3)) * n + i] = 0.9 - 0.1 * i;
      for (let k = 0; k < 32; k++) out[(7 + k) * n + i] = c.coefficients[i * 32 + k];
    });
    const add = (name: string, input: string) => ({ name, op: 'AddV2', input: [input, 'zero'], attr: { T: { type: 'DT_FLOAT' } } });
    const runner = await loadModel(
      buildTfjsGraphModel({
        input: { name: 'images', shape: [1, 128, 128, 3] },
        output: [{ name: 'seg0', shape: [1, rows, n] }, { name: 'seg1', shape: seg.protoDims }],
        consts: [
          { name: 'det', shape: [1, rows, n], dtype: 'float32', values: out },
          { name: 'protos', shape: seg.protoDims, dtype: 'float32', values: seg.protos },
          { name: 'zero', shape: [], dtype: 'float32', values: [0] },
        ],
        nodes: [add('seg0', 'det'), add('seg1', 'protos')],
      }),
    );
    const card = yoloSegModel({ url: 'model.json', inputSize: 128, labels: LABELS, outputs: { detections: 'seg0', protos: 'seg1' } });
    const spec = { ...card, input: { ...card.input, layout: 'nhwc' as const }, outputs: ['seg0', 'seg1'] };
    await expect(pipeline('instance-segmentation', { model: runner, spec, gpuMasks: 1 as unknown as boolean })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    const segmenter = await pipeline('instance-segmentation', { model: runner, spec, gpuMasks: true, iouThreshold: 1, threshold: 0.2 });
    const frame: RawImage = { data: new Uint8Array(c.sourceWidth * c.sourceHeight * 3).fill(90), width: c.sourceWidth, height: c.sourceHeight, channels: 3 };
    const onGpu = await segmenter.run(frame);
    const off = await segmenter.run(frame, { gpuMasks: false });
    expect(onGpu.gpuMasks).toBeUndefined();
    expect(onGpu.instances.length).toBe(n);
    expect(onGpu.instances.map((i) => i.mask.toRle())).toEqual(off.instances.map((i) => i.mask.toRle()));
    for (const r of [onGpu, off]) r.instances.forEach((i) => i.mask.close());
    await expect(segmenter.run(frame, { gpuMasks: 'yes' as unknown as boolean })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    segmenter.dispose();
    runner.dispose();
  });
});
