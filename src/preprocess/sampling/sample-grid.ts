/**
 * Where the output samples of a plan read a frame in memory, per row and column, as plain
 * numbers and typed arrays: what the blend loops (JavaScript and the WebAssembly kernel) need.
 * Grids are cached per plan, so a video of one size builds its grid once.
 */
import type { OpenFrame } from './open-frame';
import type { OutputLayout } from './sample-output';
import type { SamplePlan } from './sample-plan';

/**
 * Where the output samples read, per row and column: everything the blend loop needs, as
 * plain numbers and typed arrays. Each sample blends the source value at `top[i] + left[j]`
 * with its neighbours `right` to the right and `down` below; a sample on the last column (row)
 * reads one column (row) earlier with weight 1, so no neighbour lies beyond the image.
 *
 * @example
 * ```ts
 * const { top, left, first, end } = sampleGrid(frame, plan, outputLayout(target));
 * ```
 */
export interface SampleGrid {
  layout: OutputLayout;
  /** Source offset of the upper row, the vertical weight and whether the row is inside. */
  top: Int32Array;
  ty: Float64Array;
  rowInside: Uint8Array;
  /** Source offset of the left column and the horizontal weight. */
  left: Int32Array;
  tx: Float64Array;
  /** The run of columns inside the image (inside samples are contiguous). */
  first: number;
  end: number;
  /** Offsets of the right and lower neighbours (0 on a one-pixel axis). */
  right: number;
  down: number;
  /** Offsets of G and B within a pixel (grey images read channel 0 three times). */
  k1: number;
  k2: number;
}

/**
 * Lower neighbour offsets and weights of positions clamped to [0, size − 1] (NaN: outside);
 * the upper neighbour is `stride` further.
 */
function taps(positions: Float64Array, size: number, stride: number): { lo: Int32Array; t: Float64Array; inside: Uint8Array } {
  const n = positions.length;
  const lo = new Int32Array(n);
  const t = new Float64Array(n);
  const inside = new Uint8Array(n);
  const last = Math.max(size - 2, 0);
  for (let i = 0; i < n; i++) {
    const p = positions[i];
    if (Number.isNaN(p)) continue;
    const a = Math.min(Math.floor(p), last);
    inside[i] = 1;
    lo[i] = a * stride;
    t[i] = size > 1 ? p - a : 0;
  }
  return { lo, t, inside };
}

function buildGrid(frame: OpenFrame, plan: SamplePlan, layout: OutputLayout): SampleGrid {
  const { width: w, height: h, channels: c } = frame;
  const xs = taps(plan.x.positions, w, c);
  const ys = taps(plan.y.positions, h, w * c);
  const first = xs.inside.indexOf(1);
  const end = xs.inside.lastIndexOf(1) + 1;
  const k = c >= 3 ? 1 : 0;
  return {
    layout,
    top: ys.lo,
    ty: ys.t,
    rowInside: ys.inside,
    left: xs.lo,
    tx: xs.t,
    first: Math.max(first, 0),
    end,
    right: w > 1 ? c : 0,
    down: h > 1 ? w * c : 0,
    k1: k,
    k2: 2 * k,
  };
}

/**
 * The grids of recent plans: `prepareInput` keeps one fit plan per frame size and spec, so
 * a video of one size builds its grid once. Keyed by the plan, checked against the frame's
 * size and the target's layout.
 */
const grids = new WeakMap<SamplePlan, { width: number; height: number; channels: number; layout: OutputLayout; grid: SampleGrid }>();

function sameLayout(a: OutputLayout, b: OutputLayout): boolean {
  return a.width === b.width && a.height === b.height && a.pixelStride === b.pixelStride && [0, 1, 2].every((c) => a.slots[c] === b.slots[c] && a.gains[c] === b.gains[c] && a.offsets[c] === b.offsets[c]);
}

/**
 * The {@link SampleGrid} of a plan on a frame of this size for this output layout (cached).
 *
 * @example
 * ```ts
 * const grid = sampleGrid(frame, plan, outputLayout(target));
 * ```
 */
export function sampleGrid(frame: OpenFrame, plan: SamplePlan, layout: OutputLayout): SampleGrid {
  const cached = grids.get(plan);
  if (cached && cached.width === frame.width && cached.height === frame.height && cached.channels === frame.channels && sameLayout(cached.layout, layout)) return cached.grid;
  const grid = buildGrid(frame, plan, layout);
  grids.set(plan, { width: frame.width, height: frame.height, channels: frame.channels, layout, grid });
  return grid;
}

