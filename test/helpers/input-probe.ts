import type { NodeSpec, Initializer } from './onnx-builder';
import type { GraphConst, GraphNode } from './tfjs-graph-builder';

/** One pixel of the model input that a stand-in model checks: position and expected RGB (0–255, before normalisation). */
export interface InputProbe {
  row: number;
  col: number;
  rgb: [number, number, number];
}

/** How far (sum over the probed values, in 0–1 units) the input may be from the expectation: a quarter grey level. */
const TOLERANCE = 0.25 / 255;
/** What a wrong input adds to every output value: moves every box far off its reference. */
const PENALTY = 1000;

/**
 * A mask (1 at each probed element) and a target (the expected normalised value there) over a
 * square model input of `size`, in the model's layout. A stand-in model computes
 * `Σ |input·mask − target|` and adds `PENALTY·relu(that − TOLERANCE)` to its raw output, so its
 * output equals the raw fixture tensor only when the pipeline fed it the right pixels: letterbox
 * pad value, normalisation and layout (channel order and position) all matter.
 *
 * @example
 * const { mask, target } = probeTensors(320, 'nchw', [{ row: 10, col: 5, rgb: [114, 114, 114] }]);
 */
export function probeTensors(size: number, layout: 'nchw' | 'nhwc', probes: InputProbe[]): { dims: number[]; mask: Float32Array; target: Float32Array } {
  const mask = new Float32Array(3 * size * size);
  const target = new Float32Array(3 * size * size);
  for (const p of probes) {
    p.rgb.forEach((v, c) => {
      const i = layout === 'nchw' ? c * size * size + p.row * size + p.col : (p.row * size + p.col) * 3 + c;
      mask[i] = 1;
      target[i] = v / 255;
    });
  }
  return { dims: layout === 'nchw' ? [1, 3, size, size] : [1, size, size, 3], mask, target };
}

/**
 * ONNX nodes and weights that read `input` and write `output = raw + penalty(input)` (see
 * {@link probeTensors}).
 *
 * @example
 * const { nodes, initializers } = onnxProbe('images', 'raw', 'output0', 320, probes);
 */
export function onnxProbe(input: string, raw: string, output: string, size: number, probes: InputProbe[]): { nodes: NodeSpec[]; initializers: Initializer[] } {
  const { dims, mask, target } = probeTensors(size, 'nchw', probes);
  return {
    initializers: [
      { name: 'probe_mask', dims, values: mask },
      { name: 'probe_target', dims, values: target },
      { name: 'probe_tolerance', dims: [], values: [TOLERANCE] },
      { name: 'probe_penalty', dims: [], values: [PENALTY] },
    ],
    nodes: [
      { op: 'Mul', inputs: [input, 'probe_mask'], outputs: ['probe_masked'] },
      { op: 'Sub', inputs: ['probe_masked', 'probe_target'], outputs: ['probe_diff'] },
      { op: 'Abs', inputs: ['probe_diff'], outputs: ['probe_abs'] },
      { op: 'ReduceSum', inputs: ['probe_abs'], outputs: ['probe_sum'], attributes: { keepdims: 0 } },
      { op: 'Sub', inputs: ['probe_sum', 'probe_tolerance'], outputs: ['probe_excess'] },
      { op: 'Relu', inputs: ['probe_excess'], outputs: ['probe_relu'] },
      { op: 'Mul', inputs: ['probe_relu', 'probe_penalty'], outputs: ['probe_shift'] },
      { op: 'Add', inputs: [raw, 'probe_shift'], outputs: [output] },
    ],
  };
}

/**
 * tfjs graph constants and nodes that read `input` (NHWC) and write `output = raw + penalty(input)`
 * (see {@link probeTensors}).
 *
 * @example
 * const { consts, nodes } = tfjsProbe('images', 'raw', 'Identity', 320, probes);
 */
export function tfjsProbe(input: string, raw: string, output: string, size: number, probes: InputProbe[]): { consts: GraphConst[]; nodes: GraphNode[] } {
  const { dims, mask, target } = probeTensors(size, 'nhwc', probes);
  const T = { T: { type: 'DT_FLOAT' } };
  return {
    consts: [
      { name: 'probe_mask', shape: dims, dtype: 'float32', values: mask },
      { name: 'probe_target', shape: dims, dtype: 'float32', values: target },
      { name: 'probe_axes', shape: [4], dtype: 'int32', values: [0, 1, 2, 3] },
      { name: 'probe_tolerance', shape: [], dtype: 'float32', values: [TOLERANCE] },
      { name: 'probe_penalty', shape: [], dtype: 'float32', values: [PENALTY] },
    ],
    nodes: [
      { name: 'probe_masked', op: 'Mul', input: [input, 'probe_mask'], attr: T },
      { name: 'probe_diff', op: 'Sub', input: ['probe_masked', 'probe_target'], attr: T },
      { name: 'probe_abs', op: 'Abs', input: ['probe_diff'], attr: T },
      { name: 'probe_sum', op: 'Sum', input: ['probe_abs', 'probe_axes'], attr: { keep_dims: { b: false }, ...T, Tidx: { type: 'DT_INT32' } } },
      { name: 'probe_excess', op: 'Sub', input: ['probe_sum', 'probe_tolerance'], attr: T },
      { name: 'probe_relu', op: 'Relu', input: ['probe_excess'], attr: T },
      { name: 'probe_shift', op: 'Mul', input: ['probe_relu', 'probe_penalty'], attr: T },
      { name: output, op: 'AddV2', input: [raw, 'probe_shift'], attr: T },
    ],
  };
}

/**
 * A frame of two colour halves and the probes a letterbox into a square
 * `size` input must show: pad (114 grey) in both bars, each half's colour inside the picture.
 * `landscape` is 640×480 (halves top and bottom, bars top and bottom), `portrait` 480×640
 * (halves left and right, bars left and right).
 *
 * @example
 * const { frame, probes } = twoToneFrame('landscape', 320);
 */
export function twoToneFrame(orientation: 'landscape' | 'portrait', size: number): {
  frame: { data: Uint8Array; width: number; height: number; channels: 3 };
  probes: InputProbe[];
} {
  const [width, height] = orientation === 'landscape' ? [640, 480] : [480, 640];
  const first: [number, number, number] = [200, 50, 10];
  const second: [number, number, number] = [30, 120, 250];
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inFirst = orientation === 'landscape' ? y < height / 2 : x < width / 2;
      data.set(inFirst ? first : second, (y * width + x) * 3);
    }
  }
  // Both are 4:3, so the picture fills 3/4 of the input: bars of size/8 on either side.
  const bar = size / 8;
  const mid = size / 2;
  const along = (a: number, b: number): { row: number; col: number } => (orientation === 'landscape' ? { row: a, col: b } : { row: b, col: a });
  const pad: [number, number, number] = [114, 114, 114];
  const probes: InputProbe[] = [
    { ...along(bar / 4, mid), rgb: pad },
    { ...along(size - bar / 4, mid + 7), rgb: pad },
    { ...along((bar + mid) / 2, mid / 2), rgb: first },
    { ...along((mid + size - bar) / 2, size - bar - 5), rgb: second },
  ];
  return { frame: { data, width, height, channels: 3 }, probes };
}
