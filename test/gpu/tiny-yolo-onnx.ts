/**
 * A tiny YOLOv8-shaped ONNX detector built here (no weights to download), small enough that
 * onnxruntime-web's webgpu EP compiles and runs it in seconds on SwiftShader — torchvision's
 * ssdlite320 heads took 127 s for the first run and 20 s per run there. Its 80 class scores
 * and its boxes come from the picture: the input is averaged over 16 × 16 cells (8 × 8 cells
 * at 128²), and one fixed 1 × 1 convolution turns each cell's mean colour into its box (centre
 * shifted by red and green, size by green and blue) and its 80 class scores (linear in the
 * colour). Four operators only: each kernel costs seconds of shader compilation on SwiftShader.
 * Output `output0` is `[84, 64]` (4 box values then 80 scores per cell, cells last), as
 * Ultralytics v8 exports without the batch axis. A wrong channel order, pad, normalisation
 * or layout of the input moves every box.
 */
import { buildOnnxModel } from '../helpers/onnx-builder';

/** The model's input size (square). */
export const TINY_YOLO_SIZE = 128;
const CELL = 16;
const GRID = TINY_YOLO_SIZE / CELL;
const CLASSES = 80;
/** A 1 × 1 convolution's attributes, all spelled out (the webgpu EP wants 2-D dilations). */
const POINTWISE = { kernel_shape: [1, 1], strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], group: 1 };

/** A small deterministic generator (mulberry32) for the class weights. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The model file: `images` [1, 3, 128, 128] (RGB 0–1) → `output0` [84, 64]. */
export function tinyYoloOnnx(): Uint8Array {
  const next = random(16);
  // box rows: cx = cell centre + 16 (R − 0.5), cy = cell centre + 16 (G − 0.5), w = 24 + 24 G, h = 24 + 24 B
  const boxWeights = [16, 0, 0, 0, 16, 0, 0, 24, 0, 0, 0, 24];
  const boxBias = [-8, -8, 24, 24];
  const grid = new Float32Array(4 * GRID * GRID);
  for (let y = 0; y < GRID; y++) {
    for (let x = 0; x < GRID; x++) {
      grid[y * GRID + x] = (x + 0.5) * CELL;
      grid[GRID * GRID + y * GRID + x] = (y + 0.5) * CELL;
    }
  }
  const weights = [...boxWeights];
  const bias = [...boxBias];
  for (let k = 0; k < CLASSES; k++) {
    const a = [next() * 2 - 1, next() * 2 - 1, next() * 2 - 1];
    weights.push(...a);
    bias.push(0.1 - 0.5 * (a[0] + a[1] + a[2]) * 0.5 + 0.2 * next());
  }
  // the grid adds the cell centres to the box rows only
  const offsets = new Float32Array((4 + CLASSES) * GRID * GRID);
  offsets.set(grid);
  return buildOnnxModel({
    inputs: [{ name: 'images', dims: [1, 3, TINY_YOLO_SIZE, TINY_YOLO_SIZE] }],
    outputs: [{ name: 'output0', dims: [4 + CLASSES, GRID * GRID] }],
    initializers: [
      { name: 'w', dims: [4 + CLASSES, 3, 1, 1], values: weights },
      { name: 'b', dims: [4 + CLASSES], values: bias },
      { name: 'offsets', dims: [1, 4 + CLASSES, GRID, GRID], values: offsets },
    ],
    nodes: [
      { op: 'AveragePool', inputs: ['images'], outputs: ['cells'], attributes: { kernel_shape: [CELL, CELL], strides: [CELL, CELL], pads: [0, 0, 0, 0] } },
      { op: 'Conv', inputs: ['cells', 'w', 'b'], outputs: ['local'], attributes: POINTWISE },
      { op: 'Add', inputs: ['local', 'offsets'], outputs: ['joined'] },
      { op: 'Flatten', inputs: ['joined'], outputs: ['output0'], attributes: { axis: 2 } },
    ],
    metadata: { task: 'detect', stride: String(CELL) },
  });
}
