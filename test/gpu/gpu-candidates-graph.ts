// The graph model of the GPU candidate and mask tests (gpu-candidates.browser.test.ts) and of
// `npm run bench:gpu -- --only=masks`: YOLOv5s's real output on sample1 (computed here in Node,
// wasm) returned from GPU kernels, as YOLOv5s lays it out (`Identity`), as a YOLOv8 export
// would (`v8`), and as YOLO-seg outputs built from it and the photo (`seg0`, `seg1`: see
// gpu-candidates-seg.ts).
import { join } from 'node:path';
import { loadModel } from '../../src/node/index';
import { YOLOV5S_COCO } from '../../src/models/zoo-cards';
import { preprocessAndInfer } from '../../src/pipelines/shared/run-stages';
import { facePhoto } from '../helpers/photos';
import { buildTfjsGraphModel } from '../helpers/tfjs-graph-builder';
import { fetchForTest } from '../models/zoo-cache';
import { yoloSegOutputs } from './gpu-candidates-seg';

const ROWS = 25200;

/**
 * YOLOv5s's output as a YOLOv8-style export lays it out: `[1, 84, N]` channels-first, boxes in
 * input pixels, class scores `objectness × class` (float32), no objectness column.
 */
function asYoloV8(raw: Float32Array): Float32Array {
  const out = new Float32Array(84 * ROWS);
  for (let i = 0; i < ROWS; i++) {
    const o = i * 85;
    for (let j = 0; j < 4; j++) out[j * ROWS + i] = raw[o + j] * 640;
    for (let c = 0; c < 80; c++) out[(4 + c) * ROWS + i] = Math.fround(raw[o + 5 + c] * raw[o + 4]);
  }
  return out;
}

/** A graph model with YOLOv5s's input and output whose output is `raw` (added to 0 on the backend: a GPU tensor). */
export async function yoloOutputGraph(): Promise<{ json: string; weights: Buffer }> {
  const folder = await fetchForTest(YOLOV5S_COCO);
  const runner = await loadModel(join(folder, 'model.json'));
  try {
    const { outputs } = await preprocessAndInfer(runner, YOLOV5S_COCO, facePhoto(1));
    const raw = outputs.Identity;
    const v8 = asYoloV8(raw.data as Float32Array);
    const { seg0, seg1 } = await yoloSegOutputs(raw.data as Float32Array, facePhoto(1));
    const add = (name: string, input: string) => ({ name, op: 'AddV2', input: [input, 'zero'], attr: { T: { type: 'DT_FLOAT' } } });
    const files = buildTfjsGraphModel({
      input: { name: 'input_1', shape: [1, 640, 640, 3] },
      consts: [
        { name: 'raw', shape: [...raw.dims], dtype: 'float32', values: raw.data as Float32Array },
        { name: 'rawV8', shape: [1, 84, ROWS], dtype: 'float32', values: v8 },
        { name: 'seg0Values', shape: seg0.shape, dtype: 'float32', values: seg0.values },
        { name: 'seg1Values', shape: seg1.shape, dtype: 'float32', values: seg1.values },
        { name: 'zero', shape: [], dtype: 'float32', values: [0] },
      ],
      nodes: [add('Identity', 'raw'), add('v8', 'rawV8'), add('seg0', 'seg0Values'), add('seg1', 'seg1Values')],
      output: [
        { name: 'Identity', shape: [...raw.dims] },
        { name: 'v8', shape: [1, 84, ROWS] },
        { name: 'seg0', shape: seg0.shape },
        { name: 'seg1', shape: seg1.shape },
      ],
    });
    const parts = (Array.isArray(files.weights) ? files.weights : [files.weights]) as (Uint8Array | ArrayBuffer)[];
    return { json: JSON.stringify(files.json), weights: Buffer.concat(parts.map((p) => new Uint8Array(p))) };
  } finally {
    runner.dispose();
  }
}
