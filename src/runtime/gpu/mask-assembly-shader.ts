/**
 * The WGSL compute shaders of {@link GpuMaskAssembler} (gpu-mask-assembler.ts): instance masks
 * from prototypes and per-instance coefficients (YOLO-seg), in two passes. `probability`:
 * `sigmoid(coefficients · prototypes)` on the prototype grid, inside each instance's crop (0
 * outside). `assemble`: each output pixel of each instance's window resampled from that grid
 * through two bilinear resizes (PyTorch `align_corners=False` taps: grid → intermediate plane,
 * a content rectangle of it → output frame), thresholded, 32 pixels packed per `u32` word.
 */

/** Invocations per workgroup of both passes. @example `dispatchWorkgroups(Math.ceil(n / MASK_WORKGROUP))` */
export const MASK_WORKGROUP = 64;

/** Bytes of the probability pass's uniform block (8 u32). @example `device.createBuffer({ size: PROBABILITY_PARAMS_BYTES, … })` */
export const PROBABILITY_PARAMS_BYTES = 32;

/** Bytes of the assembly pass's uniform block (12 u32 + 1 f32, padded to 64). @example `device.createBuffer({ size: ASSEMBLE_PARAMS_BYTES, … })` */
export const ASSEMBLE_PARAMS_BYTES = 64;

/** u32 values per instance in the instance table: crop x0, y0, x1, y1; window x, y, width, height; first word. @example `table[k * INSTANCE_FIELDS + 8]` */
export const INSTANCE_FIELDS = 9;

/**
 * WGSL of the probability pass: invocation `i` computes pixel `i mod (mh·mw)` of instance
 * `i / (mh·mw)`; prototype `c` at pixel `p` is `protos[c·channelStride + p·pixelStride]`
 * (NCHW or NHWC).
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
  pad: u32,
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
  probability[i] = 1.0 / (1.0 + exp(-acc));
}
`;
}

/**
 * WGSL of the assembly pass: invocation `w` fills packed word `w`; the instance that owns it is
 * found by binary search over the instances' first words; bit `b` is window pixel
 * `32·(w − first) + b` (row-major), set when its resampled probability is `> threshold`.
 *
 * @example
 * ```ts
 * const module = device.createShaderModule({ code: assembleShaderSource() });
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
@group(0) @binding(2) var<storage, read_write> bits: array<u32>;
@group(0) @binding(3) var<uniform> p: Params;

// PyTorch's bilinear source index and weights (align_corners=False), output position o.
fn taps(inSize: u32, outSize: u32, o: u32) -> Taps {
  if (inSize == outSize) {
    return Taps(o, o, 1.0, 0.0);
  }
  let scale = f32(inSize) / f32(outSize);
  let src = max(scale * (f32(o) + 0.5) - 0.5, 0.0);
  let i0 = min(u32(src), inSize - 1u);
  let i1 = select(i0, i0 + 1u, i0 < inSize - 1u);
  let frac = clamp(src - f32(i0), 0.0, 1.0);
  return Taps(i0, i1, 1.0 - frac, frac);
}

// The intermediate plane at the point whose stage-1 taps are tx, ty: the prototype-grid probability resized bilinearly.
fn intermediate(base: u32, tx: Taps, ty: Taps) -> f32 {
  let r0 = base + ty.i0 * p.mw;
  let r1 = base + ty.i1 * p.mw;
  return ty.l0 * (tx.l0 * probability[r0 + tx.i0] + tx.l1 * probability[r0 + tx.i1])
       + ty.l1 * (tx.l0 * probability[r1 + tx.i0] + tx.l1 * probability[r1 + tx.i1]);
}

@compute @workgroup_size(${MASK_WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let w = id.x + id.y * p.rowGroups * ${MASK_WORKGROUP}u;
  if (w >= p.words) {
    return;
  }
  var lo = 0u;
  var hi = p.instances - 1u;
  while (lo < hi) {
    let mid = (lo + hi + 1u) / 2u;
    if (table[mid * ${INSTANCE_FIELDS}u + 8u] <= w) {
      lo = mid;
    } else {
      hi = mid - 1u;
    }
  }
  let t = lo * ${INSTANCE_FIELDS}u;
  let winX = table[t + 4u];
  let winY = table[t + 5u];
  let winW = table[t + 6u];
  let pixels = winW * table[t + 7u];
  let first = (w - table[t + 8u]) * 32u;
  let base = lo * p.mh * p.mw;
  var word = 0u;
  for (var b = 0u; b < 32u; b = b + 1u) {
    let q = first + b;
    if (q >= pixels) {
      break;
    }
    let row = q / winW;
    let tx = taps(p.contentWidth, p.outWidth, winX + q - row * winW);
    let ty = taps(p.contentHeight, p.outHeight, winY + row);
    // each of the two content columns and rows, through the first resize (four taps computed once)
    let ax0 = taps(p.mw, p.midWidth, p.contentLeft + tx.i0);
    let ax1 = taps(p.mw, p.midWidth, p.contentLeft + tx.i1);
    let ay0 = taps(p.mh, p.midHeight, p.contentTop + ty.i0);
    let ay1 = taps(p.mh, p.midHeight, p.contentTop + ty.i1);
    let v = ty.l0 * (tx.l0 * intermediate(base, ax0, ay0) + tx.l1 * intermediate(base, ax1, ay0))
          + ty.l1 * (tx.l0 * intermediate(base, ax0, ay1) + tx.l1 * intermediate(base, ax1, ay1));
    if (v > p.threshold) {
      word = word | (1u << b);
    }
  }
  bits[w] = word;
}
`;
}
