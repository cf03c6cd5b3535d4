/**
 * The WGSL compute shader of {@link GpuRowFilter} (gpu-row-filter.ts): one invocation per row
 * of a score matrix keeps the rows whose best score passes the threshold, appending each kept
 * row whole (and its index) to a compact buffer through an atomic counter.
 */

/** Invocations per workgroup (one row each). @example `dispatchWorkgroups(Math.ceil(rows / ROW_FILTER_WORKGROUP))` */
export const ROW_FILTER_WORKGROUP = 64;

/** Bytes of the uniform block: 8 u32 fields and 2 f32 fields, padded to 48. @example `device.createBuffer({ size: ROW_FILTER_PARAMS_BYTES, … })` */
export const ROW_FILTER_PARAMS_BYTES = 48;

/** `gate` value meaning "no gate column" (YOLOv8-style rows have no objectness). @example `u32[6] = NO_GATE` */
export const NO_GATE = 0xffffffff;

/**
 * WGSL of the row filter. Row `i`, column `j` of the source is `src[i * rowStride + j *
 * colStride]` (both layouts of a YOLO output). A row is kept when the maximum of its
 * `numScores` score columns (from `firstScore`) is `> threshold`; with a gate column
 * (YOLOv5 objectness) the gate must also be `> threshold` and `gate × max score` must be
 * `> gatedThreshold` (a hair below the threshold: the CPU decoder repeats the exact float32
 * test on the few rows kept, so the GPU only has to keep a superset). Kept rows land in slot
 * order of the atomic counter (any order); the reader sorts them by index.
 *
 * @example
 * ```ts
 * const module = device.createShaderModule({ code: rowFilterShaderSource() });
 * ```
 */
export function rowFilterShaderSource(): string {
  return /* wgsl */ `
struct Params {
  rows: u32,
  width: u32,
  rowStride: u32,
  colStride: u32,
  firstScore: u32,
  numScores: u32,
  gate: u32,
  capacity: u32,
  threshold: f32,
  gatedThreshold: f32,
};

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> counter: array<atomic<u32>>;
@group(0) @binding(2) var<storage, read_write> kept: array<f32>;
@group(0) @binding(3) var<storage, read_write> keptRows: array<u32>;
@group(0) @binding(4) var<uniform> p: Params;

@compute @workgroup_size(${ROW_FILTER_WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = id.x + id.y * groups.x * ${ROW_FILTER_WORKGROUP}u;
  if (i >= p.rows) {
    return;
  }
  let o = i * p.rowStride;
  var best = src[o + p.firstScore * p.colStride];
  for (var c = 1u; c < p.numScores; c = c + 1u) {
    best = max(best, src[o + (p.firstScore + c) * p.colStride]);
  }
  if (p.gate != ${NO_GATE}u) {
    let gate = src[o + p.gate * p.colStride];
    if (!(gate > p.threshold) || !(best * gate > p.gatedThreshold)) {
      return;
    }
  } else if (!(best > p.threshold)) {
    return;
  }
  let slot = atomicAdd(&counter[0], 1u);
  if (slot >= p.capacity) {
    return;
  }
  keptRows[slot] = i;
  let out = slot * p.width;
  for (var j = 0u; j < p.width; j = j + 1u) {
    kept[out + j] = src[o + j * p.colStride];
  }
}
`;
}
