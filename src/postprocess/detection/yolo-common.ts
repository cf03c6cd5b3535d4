/**
 * Types, option checks and tensor reading shared by the YOLO decoders (yolo-v8.ts,
 * yolo-v5.ts, yolo-end2end.ts) and by `postprocessYolo` (yolo.ts).
 */
import { VisionError } from '../../core/errors';
import { float16Values } from '../../core/float16';
import type { DetectionCandidates } from './candidates';
import { optionNames } from '../../core/known-options';
import { checkCount, checkOptionNames, checkPositiveInteger, checkUnitInterval } from '../validate';

/**
 * A raw YOLO output tensor. A runner's `RawTensor` fits as is; so does `{ dims, data }`
 * with a `Float32Array` or plain array. `dtype` `'float16'` with `Uint16Array` data (what
 * half-precision ONNX exports return) is converted; integer dtypes are refused.
 *
 * @example
 * ```ts
 * const output: YoloOutputTensor = { dims: [1, 84, 8400], data: new Float32Array(84 * 8400) };
 * ```
 */
export interface YoloOutputTensor {
  dims: readonly number[];
  data: ArrayLike<number> | BigInt64Array;
  dtype?: string;
}

/**
 * Where the per-candidate vector lies in a `[1, A, B]` output:
 * - `'channels-first'`: `[1, 4+C(+M), N]`, the Ultralytics export layout of v8/v11;
 * - `'channels-last'`: `[1, N, 4+C(+M)]`, the YOLOv5 export layout (and transposed v8 exports).
 *
 * @example
 * ```ts
 * decodeYoloV8(output, { numClasses: 80, layout: 'channels-last' });
 * ```
 */
export type YoloLayout = 'channels-first' | 'channels-last';

/**
 * What the YOLO decoders return: {@link DetectionCandidates} (boxes xyxy in model-input
 * pixels, scores, classes) plus, per candidate, the row of the raw output it came from and
 * the pass-through extras of that row.
 *
 * @example
 * ```ts
 * const c = decodeYoloV8(output, { numClasses: 80 });
 * const coef = c.extras?.subarray(k * c.numExtras, (k + 1) * c.numExtras); // mask coefficients of candidate k
 * ```
 */
export interface YoloCandidates extends DetectionCandidates {
  /** Index of each candidate's row (anchor) in the raw output, as Ultralytics' `return_idxs`. */
  rowIndices: Int32Array;
  /** Values per candidate in `extras`: 32 mask coefficients for -seg models, 0 for plain detection. */
  numExtras: number;
  /** Flat N×numExtras extras of each candidate (mask coefficients, keypoints); absent when `numExtras` is 0. */
  extras?: Float32Array;
  /**
   * True when these candidates must not go through NMS again: the output of an end-to-end
   * (NMS-free) model, or the final result of `postprocessYolo`.
   */
  nmsFree: boolean;
}

/**
 * Options of `decodeYoloV8` and `decodeYoloV5`.
 *
 * @example
 * ```ts
 * const options: YoloDecodeOptions = { numClasses: labels.length, threshold: 0.25, multiLabel: false };
 * ```
 */
export interface YoloDecodeOptions {
  /** Confidence threshold: a candidate needs `score > threshold` (strictly, as Ultralytics `conf`). In [0, 1]; default 0.25. */
  threshold?: number;
  /**
   * Number of classes (the label count). Strongly recommended: with it the layout is found
   * from the shape; without it the class count is the vector length minus the box part
   * minus `numExtras` (as Ultralytics' `nc = nc or ...`).
   */
  numClasses?: number;
  /**
   * Extra values after the class scores in each vector (32 mask coefficients for -seg, 51
   * keypoint values for -pose). Default: found from the shape when `numClasses` is given,
   * accepting 0 or 32; otherwise 0.
   */
  numExtras?: number;
  /**
   * The output layout. Default: found from the shape with `numClasses`; a square output (both
   * axes fit, e.g. `[1, 84, 84]`) and an output without `numClasses` take the version's export
   * layout (`decodeYoloV8`: channels-first; `decodeYoloV5`: channels-last).
   */
  layout?: YoloLayout;
  /** Every class above the threshold becomes its own candidate (Ultralytics `multi_label`). Default false: best class only. */
  multiLabel?: boolean;
  /** Keep only these class ids (Ultralytics `classes`; applied after the best class is chosen). Default: all. */
  classes?: readonly number[];
  /** Keep at most this many candidates, the highest-scoring (Ultralytics `max_nms`). Default 30000. */
  maxCandidates?: number;
}

/** Options after checking, with defaults applied (internal). @example `const { threshold } = checkDecodeOptions({}, 'decodeYoloV8'); // 0.25` */
export interface CheckedDecodeOptions {
  threshold: number;
  numClasses?: number;
  numExtras?: number;
  layout?: YoloLayout;
  multiLabel: boolean;
  classes?: readonly number[];
  maxCandidates: number;
}

/**
 * A decoder's view of the output as an N-row matrix, whatever the layout (internal).
 *
 * @example
 * ```ts
 * const cx = m.data[i * m.rowStride]; // channel 0 of row i
 * ```
 */
export interface YoloMatrix {
  data: ArrayLike<number>;
  /** Candidate rows. */
  rows: number;
  /** Element (row i, channel j) is `data[i * rowStride + j * colStride]`. */
  rowStride: number;
  colStride: number;
  /** Channels before the class scores: 4 (v8) or 5 (v5, objectness). */
  head: number;
  numClasses: number;
  numExtras: number;
}

/** Extras counts accepted when `numExtras` is not given: detection, -seg. */
const AUTO_EXTRAS: readonly number[] = [0, 32];

/** The names {@link YoloDecodeOptions} has (internal). @example `checkOptionNames(options, fn, YOLO_DECODE_OPTION_NAMES)` */
export const YOLO_DECODE_OPTION_NAMES = /* @__PURE__ */ optionNames<YoloDecodeOptions>()(['threshold', 'numClasses', 'numExtras', 'layout', 'multiLabel', 'classes', 'maxCandidates']);

/**
 * Checks the options shared by the anchor decoders and applies their defaults.
 *
 * @example
 * ```ts
 * const opts = checkDecodeOptions(options, 'decodeYoloV8');
 * ```
 */
export function checkDecodeOptions(options: YoloDecodeOptions, fn: string): CheckedDecodeOptions {
  checkOptionNames(options, fn, YOLO_DECODE_OPTION_NAMES);
  const threshold = options.threshold ?? 0.25;
  checkUnitInterval(threshold, `${fn}: threshold`);
  if (options.numClasses !== undefined) checkPositiveInteger(options.numClasses, `${fn}: numClasses`);
  if (options.numExtras !== undefined) checkCount(options.numExtras, `${fn}: numExtras`);
  if (options.numExtras === Infinity) throw new VisionError('INVALID_OPTION', `${fn}: numExtras must be finite`);
  if (options.layout !== undefined && options.layout !== 'channels-first' && options.layout !== 'channels-last') {
    throw new VisionError('INVALID_OPTION', `${fn}: layout must be 'channels-first' or 'channels-last'; got ${String(options.layout)}`);
  }
  checkClasses(options.classes, fn);
  const maxCandidates = options.maxCandidates ?? 30000;
  checkCount(maxCandidates, `${fn}: maxCandidates`);
  return { ...options, threshold, multiLabel: options.multiLabel === true, maxCandidates };
}

/**
 * Throws `INVALID_OPTION` unless `classes` is undefined or an array of non-negative integers.
 *
 * @example
 * ```ts
 * checkClasses([0, 2], 'decodeYoloV8');
 * ```
 */
export function checkClasses(classes: readonly number[] | undefined, fn: string): void {
  if (classes === undefined) return;
  if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'number' && Number.isInteger(c) && c >= 0)) {
    throw new VisionError('INVALID_OPTION', `${fn}: classes must be an array of non-negative integer class ids`);
  }
}

/**
 * A lookup table of the allowed classes (1 = keep) of length `numClasses`, or undefined for all.
 *
 * @example
 * ```ts
 * const allowed = allowedClasses([0, 2], 80); // allowed[2] === 1
 * ```
 */
export function allowedClasses(classes: readonly number[] | undefined, numClasses: number): Uint8Array | undefined {
  if (classes === undefined) return undefined;
  const allowed = new Uint8Array(numClasses);
  for (const c of classes) if (c < numClasses) allowed[c] = 1;
  return allowed;
}

/**
 * Checks a raw output tensor (dims, data length, a float dtype) and returns its data as
 * numbers (float16 converted) with the shape without its batch axis.
 *
 * @throws VisionError `INVALID_INPUT` for a malformed tensor, a batch other than 1, or a
 * non-float dtype; `MODEL_FORMAT` for a rank other than 2 or 3 (batch, rows, columns).
 *
 * @example
 * ```ts
 * const { data: values, a, b } = readYoloTensor({ dims: [1, 84, 8400], data }, 'decodeYoloV8'); // a = 84, b = 8400
 * ```
 */
export function readYoloTensor(tensor: YoloOutputTensor, fn: string): { data: ArrayLike<number>; a: number; b: number } {
  if (tensor == null || typeof tensor !== 'object' || !Array.isArray(tensor.dims) || tensor.data == null) {
    throw new VisionError('INVALID_INPUT', `${fn}: output must be a tensor { dims, data }`);
  }
  const { dims, dtype } = tensor;
  if (!dims.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new VisionError('INVALID_INPUT', `${fn}: output dims must be non-negative integers; got [${dims.join(', ')}]`);
  }
  if (dims.length !== 2 && dims.length !== 3) {
    throw new VisionError('MODEL_FORMAT', `${fn}: expected an output of rank 3 [1, A, B] (or 2); got [${dims.join(', ')}]`);
  }
  if (dims.length === 3 && dims[0] !== 1) {
    throw new VisionError('INVALID_INPUT', `${fn}: output has a batch of ${dims[0]}; decode one image at a time (batch 1)`);
  }
  if (tensor.data instanceof BigInt64Array || (dtype !== undefined && !['float32', 'float16', 'float64'].includes(dtype))) {
    throw new VisionError('INVALID_INPUT', `${fn}: output must be float32 or float16; got ${dtype ?? 'int64'} (dequantize first)`);
  }
  let data: ArrayLike<number> = tensor.data;
  if (dtype === 'float16') {
    const values = float16Values(data);
    if (!values) throw new VisionError('INVALID_INPUT', `${fn}: a float16 output must hold its bits in a Uint16Array (or be a Float16Array)`);
    data = values;
  }
  const a = dims[dims.length - 2];
  const b = dims[dims.length - 1];
  if (data.length !== a * b) {
    throw new VisionError('INVALID_INPUT', `${fn}: output data has ${data.length} values; dims [${dims.join(', ')}] need ${a * b}`);
  }
  return { data, a, b };
}

/**
 * What to say when a `[1, a, b]` output fits the other YOLO version's vectors for these classes
 * in the layout that version's exporter writes (a YOLOv5 export's `[1, N, 5 + C]` decoded as
 * v8's 4 + C, or a v8 export's `[1, 4 + C, N]` as v5): the version, not the labels or extras, is
 * what is wrong — `numExtras: 1` made v8 read v5's objectness as class 0.
 */
function otherVersionHint(a: number, b: number, head: number, numClasses: number): string | undefined {
  if (head === 4 && b === 5 + numClasses) {
    return `; vectors of ${b} for ${numClasses} classes are YOLOv5's layout (x, y, w, h, objectness, then the classes): decode it as version 'v5' — yoloModel({ version: 'v5' })`;
  }
  if (head === 5 && (a === 4 + numClasses || a === 36 + numClasses)) {
    return `; vectors of ${a} for ${numClasses} classes are YOLOv8/v11's layout (x, y, w, h, then the classes; no objectness): decode it as version 'v8' — yoloModel({ version: 'v8' })`;
  }
  return undefined;
}

/**
 * Finds the layout of a `[1, A, B]` anchor output whose vectors are `head + C + M` long
 * (head 4 for v8, 5 for v5) and returns it as a row matrix.
 *
 * - `layout` given: that axis holds the vectors; C and M follow from the options.
 * - `numClasses` given: the axis of length `head + C + M` (M = `numExtras`, or 0 or 32 when
 *   not given); when both axes fit (a square output), `defaultLayout`, the layout the
 *   version's exporter writes (channels-first for v8/v11, channels-last for v5).
 * - neither: `defaultLayout`, unless it would give more channels than rows (then ambiguous).
 *
 * @throws VisionError `MODEL_FORMAT` when the shape fits no layout, or (without `numClasses`) has more channels than rows.
 *
 * @example
 * ```ts
 * const m = resolveYoloMatrix(data, 84, 8400, 4, { numClasses: 80 }, 'channels-first', 'decodeYoloV8');
 * ```
 */
export function resolveYoloMatrix(
  data: ArrayLike<number>,
  a: number,
  b: number,
  head: number,
  options: Pick<CheckedDecodeOptions, 'numClasses' | 'numExtras' | 'layout'>,
  defaultLayout: YoloLayout,
  fn: string,
): YoloMatrix {
  const { numClasses, numExtras } = options;
  const expected = `${head}+${numClasses ?? 'C'}${numExtras !== undefined ? `+${numExtras}` : '(+M)'}`;
  const shape = `[1, ${a}, ${b}]`;
  let layout = options.layout;
  if (layout === undefined && numClasses !== undefined) {
    const fits = (len: number): boolean =>
      numExtras !== undefined ? len === head + numClasses + numExtras : AUTO_EXTRAS.includes(len - head - numClasses);
    const first = fits(a);
    const last = fits(b);
    if (!first && !last) {
      const version = otherVersionHint(a, b, head, numClasses);
      throw new VisionError(
        'MODEL_FORMAT',
        `${fn}: output ${shape} has no axis of length ${expected} for ${numClasses} classes` +
          (version ?? (numExtras === undefined ? ' (extras: 0 or 32; pass numExtras for others)' : '')),
      );
    }
    // a square output (N = 4+C, e.g. a v8 export at imgsz 64: [1, 84, 84]) fits both: the export's own layout
    layout = first && last ? defaultLayout : first ? 'channels-first' : 'channels-last';
  } else if (layout === undefined) {
    layout = defaultLayout;
    const [width, rows] = layout === 'channels-first' ? [a, b] : [b, a];
    if (width > rows && rows > 0) {
      throw new VisionError('MODEL_FORMAT', `${fn}: cannot tell the layout of ${shape} (more channels than candidates); pass numClasses or layout`);
    }
  }
  const channelsFirst = layout === 'channels-first';
  const width = channelsFirst ? a : b;
  const rows = channelsFirst ? b : a;
  const nc = numClasses ?? width - head - (numExtras ?? 0);
  const extras = numExtras ?? width - head - nc;
  if (nc < 1 || extras < 0 || width !== head + nc + extras) {
    throw new VisionError('MODEL_FORMAT', `${fn}: output ${shape} (${layout}) has vectors of ${width}; expected ${expected} with at least one class`);
  }
  return {
    data,
    rows,
    rowStride: channelsFirst ? 1 : width,
    colStride: channelsFirst ? rows : 1,
    head,
    numClasses: nc,
    numExtras: extras,
  };
}
