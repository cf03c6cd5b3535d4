// A tiny real detector for the WebGPU soak: a tfjs graph model (built here with
// test/helpers/tfjs-graph-builder.ts) in BlazeFace's MediaPipe-SSD output layout, so the worker
// pipeline runs it through the same card-driven path as BlazeFace: letterbox preprocessing,
// the tfjs runner, the MediaPipe SSD decoder with sigmoid scores and weighted NMS, results back.
//
// The model sees a 32×32 input as a 4×4 grid of 8×8 cells, one anchor per cell. Per cell:
// score logit = GAIN · mean(pixel in [-1, 1]) (a stride-8 convolution, then bias), box = the
// cell itself (a second stride-8 convolution whose zero weights leave only its bias, the box
// size). A frame that is black except for uniformly grey, cell-aligned squares therefore has an
// exact expected answer: one detection per square brighter than mid-grey, the square's box,
// score sigmoid(GAIN · (2·grey/255 − 1)). Two convolutions, two bias adds, two reshapes: on
// SwiftShader a frame costs a few dispatches and two readbacks instead of BlazeFace's ~100 ops.
import type { ModelSpec } from '../../src/models/model-spec';
import type { TfjsModelFiles } from '../../src/runtime/tfjs-artifacts';
import { buildTfjsGraphModel } from '../helpers/tfjs-graph-builder';

/** Model input side (px) and cell side (px): a 4×4 grid. */
const INPUT = 32;
const CELL = 8;
/** Cells per side of the model's (and so the frame's) grid. */
export const CELL_GRID = INPUT / CELL;
const GRID = CELL_GRID;
/** Logit per unit of mean normalised brightness: white gives sigmoid(8) ≈ 0.99966. */
const GAIN = 8;

/** A grey square on the black frame, in grid cells (column, row) of the frame. */
export interface GreyCell {
  column: number;
  row: number;
  /** 0–255, the same in R, G and B. */
  grey: number;
}

/** A detection as the soak harness fingerprints it (frame pixels, score). */
export interface ExpectedDetection {
  label: string;
  box: [number, number, number, number];
  score: number;
}

const T = { T: { type: 'DT_FLOAT' } };
const conv = (name: string, input: string, filter: string) => ({
  name,
  op: 'Conv2D',
  input: [input, filter],
  attr: {
    ...T,
    strides: { list: { i: ['1', String(CELL), String(CELL), '1'] } },
    padding: { s: Buffer.from('VALID').toString('base64') },
    data_format: { s: Buffer.from('NHWC').toString('base64') },
    dilations: { list: { i: ['1', '1', '1', '1'] } },
  },
});

/**
 * The model files: input `image` [1, 32, 32, 3] (normalised to [-1, 1]), outputs `boxes`
 * [1, 16, 4] (cx, cy, w, h offsets in input pixels) and `scores` [1, 16, 1] (logits).
 */
export function cellDetectorFiles(): TfjsModelFiles {
  const taps = CELL * CELL * 3;
  return buildTfjsGraphModel({
    input: { name: 'image', shape: [1, INPUT, INPUT, 3] },
    output: [
      { name: 'boxes', shape: [1, GRID * GRID, 4] },
      { name: 'scores', shape: [1, GRID * GRID, 1] },
    ],
    consts: [
      { name: 'score_filter', shape: [CELL, CELL, 3, 1], dtype: 'float32', values: new Float32Array(taps).fill(GAIN / taps) },
      { name: 'score_bias', shape: [1], dtype: 'float32', values: [0] },
      { name: 'box_filter', shape: [CELL, CELL, 3, 4], dtype: 'float32', values: new Float32Array(taps * 4) },
      { name: 'box_bias', shape: [4], dtype: 'float32', values: [0, 0, CELL, CELL] },
      { name: 'boxes_shape', shape: [3], dtype: 'int32', values: [1, GRID * GRID, 4] },
      { name: 'scores_shape', shape: [3], dtype: 'int32', values: [1, GRID * GRID, 1] },
    ],
    nodes: [
      conv('score_conv', 'image', 'score_filter'),
      { name: 'score_logits', op: 'BiasAdd', input: ['score_conv', 'score_bias'], attr: T },
      { name: 'scores', op: 'Reshape', input: ['score_logits', 'scores_shape'], attr: { ...T, Tshape: { type: 'DT_INT32' } } },
      conv('box_conv', 'image', 'box_filter'),
      { name: 'box_offsets', op: 'BiasAdd', input: ['box_conv', 'box_bias'], attr: T },
      { name: 'boxes', op: 'Reshape', input: ['box_offsets', 'boxes_shape'], attr: { ...T, Tshape: { type: 'DT_INT32' } } },
    ],
  });
}

/** The model card for the files served at `url`: BlazeFace's family, decoder options and NMS. */
export function cellDetectorCard(url: string): ModelSpec {
  return {
    id: 'soak-cell-detector',
    task: 'object-detection',
    family: 'mediapipe-ssd',
    format: 'tfjs',
    location: { url },
    input: { width: INPUT, height: INPUT, fit: 'letterbox', padValue: 0, normalization: 'symmetric' },
    labels: ['cell'],
    head: {
      ssd: {
        anchors: { numLayers: 1, minScale: 1, maxScale: 1, inputSizeWidth: INPUT, inputSizeHeight: INPUT, strides: [CELL], aspectRatios: [1], interpolatedScaleAspectRatio: 0, fixedAnchorSize: true },
        boxOutputs: ['boxes'],
        scoreOutputs: ['scores'],
        decode: { xScale: INPUT, yScale: INPUT, wScale: INPUT, hScale: INPUT, reverseOutputOrder: true, sigmoidScore: true },
        weightedNms: true,
      },
    },
    defaults: { threshold: 0.5, iouThreshold: 0.3, maxDetections: 100 },
    license: 'NOASSERTION',
    source: 'built by test/soak/cell-detector.ts',
  };
}

/**
 * What the pipeline must find in a square black frame of side `frameSide` with these grey
 * cells: each cell brighter than mid-grey, as its box in frame pixels, best score first.
 */
export function expectedCells(cells: readonly GreyCell[], frameSide: number): ExpectedDetection[] {
  const side = frameSide / GRID;
  return cells
    .map((c) => ({ c, logit: GAIN * ((2 * c.grey) / 255 - 1) }))
    .filter(({ logit }) => logit > 0)
    .sort((a, b) => b.logit - a.logit)
    .map(({ c, logit }) => ({
      label: 'cell',
      box: [c.column * side, c.row * side, (c.column + 1) * side, (c.row + 1) * side],
      score: 1 / (1 + Math.exp(-logit)),
    }));
}
