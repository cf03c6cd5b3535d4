/**
 * The WGSL compute shaders of {@link GpuMaskAssembler} (gpu-mask-assembler.ts): instance masks
 * from prototypes and per-instance coefficients (YOLO-seg), in three passes. `probability`:
 * `coefficients · prototypes + bias` (through a sigmoid in the older form) on the prototype
 * grid, inside each instance's crop (0 outside). `rows` then `assemble`: each output pixel of
 * each instance's window resampled from that grid through two bilinear resizes (grid →
 * intermediate plane, cropped there when the instance says so, a content rectangle of it →
 * output frame; the taps read from the job's table, the CPU path's own), separably — along x
 * for the crop's grid rows, then down each column — thresholded, 32 pixels packed per `u32` word.
 */

/** Invocations per workgroup of every pass. @example `dispatchWorkgroups(Math.ceil(n / MASK_WORKGROUP))` */
export const MASK_WORKGROUP = 64;

/** Bytes of the probability pass's uniform block (8 u32, 1 f32, 3 u32 of padding). @example `device.createBuffer({ size: PROBABILITY_PARAMS_BYTES, … })` */
export const PROBABILITY_PARAMS_BYTES = 48;

/** Bytes of the resampling passes' uniform block (12 u32, 1 f32, 3 u32). @example `device.createBuffer({ size: ASSEMBLE_PARAMS_BYTES, … })` */
export const ASSEMBLE_PARAMS_BYTES = 64;

/** u32 values per instance in the instance table: crop x0, y0, x1, y1; window x, y, width, height; first packed word; first resampled row value; intermediate crop x0, y0, x1, y1. @example `table[k * INSTANCE_FIELDS + 8]` */
export const INSTANCE_FIELDS = 14;

/**
 * WGSL of the probability pass: invocation `i` computes pixel `i mod (mh·mw)` of instance
 * `i / (mh·mw)`; prototype `c` at pixel `p` is `protos[c·channelStride + p·pixelStride]`
 * (NCHW or NHWC); the value is `acc + bias`, its sigmoid when `sigmoid` is 1.
 *
 * @example
 * ```ts
 * const module = device.createShaderModule({ code: probabilityShaderSource() });
 * ```
 */
export function probabilityShaderSource(): string {
  return /* wgsl */ `
struct Params {
  instances: u32,
  nm: u32,
  mh: u32,
  mw: u32,
  channelStride: u32,
  pixelStride: u32,
  rowGroups: u32,
  sigmoid: u32,
  bias: f32,
  pad0: u32,
  pad1: u32,
  pad2: u32,
};

@group(0) @binding(0) var<storage, read> protos: array<f32>;
@group(0) @binding(1) var<storage, read> coefficients: array<f32>;
@group(0) @binding(2) var<storage, read> table: array<u32>;
@group(0) @binding(3) var<storage, read_write> probability: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

@compute @workgroup_size(${MASK_WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let plane = p.mh * p.mw;
  let i = id.x + id.y * p.rowGroups * ${MASK_WORKGROUP}u;
  if (i >= p.instances * plane) {
    return;
  }
  let k = i / plane;
  let pixel = i - k * plane;
  let y = pixel / p.mw;
  let x = pixel - y * p.mw;
  let t = k * ${INSTANCE_FIELDS}u;
  if (x < table[t] || y < table[t + 1u] || x >= table[t + 2u] || y >= table[t + 3u]) {
    probability[i] = 0.0;
    return;
  }
  var acc = 0.0;
  for (var c = 0u; c < p.nm; c = c + 1u) {
    acc = acc + coefficients[k * p.nm + c] * protos[c * p.channelStride + pixel * p.pixelStride];
  }
  let value = acc + p.bias;
  if (p.sigmoid == 1u) {
    probability[i] = 1.0 / (1.0 + exp(-value));
  } else {
    probability[i] = value;
  }
}
`;
}

/**
 * WGSL of the two resampling passes, separable (entry points `rows`, then `assemble`). `rows`:
 * each instance's grid rows inside its crop resampled along x to its window's columns through
 * both resizes (`resampled[rowsOffset + (r − cropY0)·winW + x]`). `assemble`: invocation `w`
 * fills packed word `w` (the instance found by binary search over first words); bit `b` is
 * window pixel `32·(w − first) + b` (row-major), resampled down its column from those rows
 * and set when `> threshold`.
 *
 * @example
 * ```ts
 * const module = device.createShaderModule({ code: assembleShaderSource() });
 * device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'rows' } });
 * ```
 */
export function assembleShaderSource(): string {
  return /* wgsl */ `
struct Params {
  instances: u32,
  words: u32,
  mw: u32,
  mh: u32,
  midWidth: u32,
  midHeight: u32,
  contentLeft: u32,
  contentTop: u32,
  contentWidth: u32,
  contentHeight: u32,
  outWidth: u32,
  outHeight: u32,
  threshold: f32,
  wordGroups: u32,
  rowValues: u32,
  rowGroups: u32,
};

struct Taps {
  i0: u32,
  i1: u32,
  l0: f32,
  l1: f32,
};

@group(0) @binding(0) var<storage, read> probability: array<f32>;
@group(0) @binding(1) var<storage, read> table: array<u32>;
@group(0) @binding(2) var<storage, read_write> resampled: array<f32>;
@group(0) @binding(3) var<storage, read_write> bits: array<u32>;
@group(0) @binding(4) var<uniform> p: Params;
// output columns, output rows, intermediate columns, intermediate rows (MaskAssemblyJob.taps)
@group(0) @binding(5) var<storage, read> tapTable: array<Taps>;

// The last instance whose table entry 'field' is <= value (entries ascend over instances).
fn owner(field: u32, value: u32) -> u32 {
  var lo = 0u;
  var hi = p.instances - 1u;
  while (lo < hi) {
    let mid = (lo + hi + 1u) / 2u;
    if (table[mid * ${INSTANCE_FIELDS}u + field] <= value) {
      lo = mid;
    } else {
      hi = mid - 1u;
    }
  }
  return lo;
}

@compute @workgroup_size(${MASK_WORKGROUP})
fn rows(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.x + id.y * p.rowGroups * ${MASK_WORKGROUP}u;
  if (i >= p.rowValues) {
    return;
  }
  let k = owner(9u, i);
  let t = k * ${INSTANCE_FIELDS}u;
  let winW = table[t + 6u];
  let local = i - table[t + 9u];
  let r = local / winW;
  let x = local - r * winW;
  let midColumns = p.outWidth + p.outHeight;
  let tx = tapTable[table[t + 4u] + x];
  let m0 = p.contentLeft + tx.i0;
  let m1 = p.contentLeft + tx.i1;
  let a0 = tapTable[midColumns + m0];
  let a1 = tapTable[midColumns + m1];
  let row = (k * p.mh + table[t + 1u] + r) * p.mw;
  // intermediate columns outside the instance's intermediate crop are 0
  let v0 = select(0.0, a0.l0 * probability[row + a0.i0] + a0.l1 * probability[row + a0.i1], m0 >= table[t + 10u] && m0 < table[t + 12u]);
  let v1 = select(0.0, a1.l0 * probability[row + a1.i0] + a1.l1 * probability[row + a1.i1], m1 >= table[t + 10u] && m1 < table[t + 12u]);
  resampled[i] = tx.l0 * v0 + tx.l1 * v1;
}

// Grid row r of instance slot t, resampled at window column x (0 outside the crop's rows).
fn resampledAt(t: u32, r: u32, x: u32, winW: u32) -> f32 {
  if (r < table[t + 1u] || r >= table[t + 3u]) {
    return 0.0;
  }
  return resampled[table[t + 9u] + (r - table[t + 1u]) * winW + x];
}

@compute @workgroup_size(${MASK_WORKGROUP})
fn assemble(@builtin(global_invocation_id) id: vec3<u32>) {
  let w = id.x + id.y * p.wordGroups * ${MASK_WORKGROUP}u;
  if (w >= p.words) {
    return;
  }
  let t = owner(8u, w) * ${INSTANCE_FIELDS}u;
  let winY = table[t + 5u];
  let winW = table[t + 6u];
  let pixels = winW * table[t + 7u];
  let first = (w - table[t + 8u]) * 32u;
  let midRows = p.outWidth + p.outHeight + p.midWidth;
  var word = 0u;
  for (var b = 0u; b < 32u; b = b + 1u) {
    let q = first + b;
    if (q >= pixels) {
      break;
    }
    let row = q / winW;
    let x = q - row * winW;
    let ty = tapTable[p.outWidth + winY + row];
    let m0 = p.contentTop + ty.i0;
    let m1 = p.contentTop + ty.i1;
    let a0 = tapTable[midRows + m0];
    let a1 = tapTable[midRows + m1];
    // intermediate rows outside the instance's intermediate crop are 0
    let v0 = select(0.0, a0.l0 * resampledAt(t, a0.i0, x, winW) + a0.l1 * resampledAt(t, a0.i1, x, winW), m0 >= table[t + 11u] && m0 < table[t + 13u]);
    let v1 = select(0.0, a1.l0 * resampledAt(t, a1.i0, x, winW) + a1.l1 * resampledAt(t, a1.i1, x, winW), m1 >= table[t + 11u] && m1 < table[t + 13u]);
    let v = ty.l0 * v0 + ty.l1 * v1;
    if (v > p.threshold) {
      word = word | (1u << b);
    }
  }
  bits[w] = word;
}
`;
}
