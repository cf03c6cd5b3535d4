/**
 * YOLO-seg (v8/v11 `-seg`) instance masks from prototypes and per-detection coefficients, with
 * Ultralytics' semantics (`ops.process_mask` / `process_mask_native`, `crop_mask`,
 * `scale_masks`), computed over each box's neighbourhood only.
 */
import { VisionError } from '../../core/errors';
import { Mask, type MaskBounds } from '../../core/mask';
import type { InputTransform } from '../../core/types';
import { optionNames } from '../../core/known-options';
import { scaleBoxesToSource } from '../box-format';
import { checkOptionNames } from '../validate';
import { shownValue } from '../../core/shown-value';
import { type SparsePlane, resizeSparse, sourceWindow, thresholdSparse } from './bilinear';
import { contentRegion, cropPlane } from './to-source';

const f32 = Math.fround;

/**
 * The prototype output of a YOLO-seg model: `[1, nm, H/4, W/4]` (ONNX, channels first) or
 * `[1, H/4, W/4, nm]` (TF.js exports, channels last).
 *
 * @example
 * ```ts
 * const protos: YoloProtoTensor = { dims: out.output1.dims, data: out.output1.data as Float32Array };
 * ```
 */
export interface YoloProtoTensor {
  dims: readonly number[];
  data: ArrayLike<number>;
}

/**
 * Options of {@link yoloSegMasks}.
 *
 * @example
 * ```ts
 * yoloSegMasks(protos, coef, boxes, transform, { mode: 'native' }); // Ultralytics retina_masks=True
 * yoloSegMasks(protos, coef, boxes, transform, { form: 'sigmoid' }); // YOLOv5-seg, Ultralytics before mid-2024
 * ```
 */
export interface YoloSegMaskOptions {
  /**
   * `upsample` (default, Ultralytics `process_mask(upsample=True)` then `scale_masks`): crop
   * at prototype resolution, upsample to the model input, remove the letterbox, resize to
   * the image. `native` (`retina_masks=True`, `process_mask_native`): remove the letterbox at
   * prototype resolution, resize to the image, crop with the box in image pixels — sharper.
   */
  mode?: 'upsample' | 'native';
  /**
   * Which Ultralytics `process_mask` to follow. `logits` (default; today's Ultralytics, since
   * May 2026): `coefficients · prototypes` itself is resized and cut at `> 0` (the logit of
   * `threshold`); in `upsample` mode it is upsampled to the model input first and cropped with
   * the box there (pixels outside hold the cut value), and the letterbox bars come off with the
   * pads its `LetterBox` added. `sigmoid` (YOLOv5-seg, Ultralytics before mid-2024): the
   * sigmoid first, cropped on the prototype grid, then upsampled, cut at `threshold`, the pads
   * truncated (`int()`, as `scale_masks` before 8.3.152). (Ultralytics between the two cropped
   * the logits on the grid before upsampling; masks then spilled up to a cell past the box.)
   */
  form?: 'logits' | 'sigmoid';
  /**
   * Probability above which a pixel is inside. Default 0.5. In `form: 'logits'` strictly
   * between 0 and 1 (the cut is its logit).
   */
  threshold?: number;
  /** `native` mode: the boxes in image pixels (default: `scaleBoxesToSource(boxes, transform)`). */
  sourceBoxes?: ArrayLike<number>;
  /** Prototype layout when the shape cannot tell (e.g. `[1, 32, 32, 32]`). Default: from the shape, `nchw` when both fit. */
  protoLayout?: 'nchw' | 'nhwc';
}

/** The names {@link YoloSegMaskOptions} has (internal). @example `checkOptionNames(options, fn, YOLO_SEG_MASK_OPTION_NAMES)` */
export const YOLO_SEG_MASK_OPTION_NAMES = /* @__PURE__ */ optionNames<YoloSegMaskOptions>()(['mode', 'form', 'threshold', 'sourceBoxes', 'protoLayout']);

/**
 * How a pixel's value is made from `acc = coefficients · prototypes` and where it is cut: the
 * sigmoid of `acc`, or `acc + bias` with `bias` minus the threshold's logit (so the cut is 0,
 * the value outside every crop); a pixel is inside when its value is `> cut`.
 *
 * @example
 * ```ts
 * maskValues('yoloSegMasks', { form: 'logits', threshold: 0.5 }); // { sigmoid: false, bias: 0, cut: 0, pads: 'rounded' }
 * ```
 */
export interface MaskValues {
  sigmoid: boolean;
  bias: number;
  cut: number;
  /** How the letterbox bars come off (see {@link contentRegion}). */
  pads: 'rounded' | 'truncated';
}

/**
 * The {@link MaskValues} of options' `form` and `threshold`, checked.
 *
 * @throws VisionError `INVALID_OPTION` for an unknown form or a threshold out of range.
 * @example
 * ```ts
 * const values = maskValues('yoloSegMasks', { threshold: 0.6 }); // bias −0.405…, cut 0
 * ```
 */
export function maskValues(fn: string, options: YoloSegMaskOptions): MaskValues {
  const form = options.form === undefined ? 'logits' : options.form;
  const threshold = options.threshold === undefined ? 0.5 : options.threshold;
  if (typeof threshold !== 'number') throw new VisionError('INVALID_OPTION', `${fn}: threshold is ${shownValue(threshold)}; it must be a number`);
  if (form === 'sigmoid') {
    if (!(threshold >= 0 && threshold <= 1)) throw new VisionError('INVALID_OPTION', `${fn}: threshold is ${shownValue(threshold)}; it must be in [0, 1]`);
    return { sigmoid: true, bias: 0, cut: f32(threshold), pads: 'truncated' };
  }
  if (form !== 'logits') throw new VisionError('INVALID_OPTION', `${fn}: form is ${shownValue(form)}; allowed: logits, sigmoid`);
  if (!(threshold > 0 && threshold < 1)) throw new VisionError('INVALID_OPTION', `${fn}: threshold is ${shownValue(threshold)}; with form 'logits' it must be strictly between 0 and 1 (the cut is its logit); form 'sigmoid' takes 0 and 1`);
  return { sigmoid: false, bias: f32(-Math.log(threshold / (1 - threshold))) + 0, cut: 0, pads: 'rounded' };
}

/**
 * A prototype tensor's geometry read from its shape (see {@link readProtos}).
 *
 * @example
 * ```ts
 * const { nm, mh, mw, channelStride } = readProtos(protos, 32, undefined);
 * ```
 */
export interface Protos {
  nm: number;
  mh: number;
  mw: number;
  data: ArrayLike<number>;
  /** Offset between consecutive prototypes / pixels. */
  channelStride: number;
  pixelStride: number;
}

/**
 * The geometry of `nm`-channel prototypes from their shape, NCHW or NHWC.
 *
 * @throws VisionError `MODEL_FORMAT` for a shape that holds no `nm` prototypes.
 * @example
 * ```ts
 * const p = readProtos({ dims: [1, 32, 160, 160], data }, 32, undefined); // channelStride 25600
 * ```
 */
export function readProtos(protos: YoloProtoTensor, nm: number, layout: 'nchw' | 'nhwc' | undefined): Protos {
  const d = protos?.dims ?? [];
  if (d.length === 4 && d[0] === 1 && d[1] === nm && layout !== 'nhwc') return { nm, mh: d[2], mw: d[3], data: protos.data, channelStride: d[2] * d[3], pixelStride: 1 };
  if (d.length === 4 && d[0] === 1 && d[3] === nm && layout !== 'nchw') return { nm, mh: d[1], mw: d[2], data: protos.data, channelStride: 1, pixelStride: nm };
  throw new VisionError('MODEL_FORMAT', `yoloSegMasks: prototypes have shape [${d.join(',')}]; expected [1, ${nm}, H, W] or [1, H, W, ${nm}] for ${nm} mask coefficients`);
}

/** The values of `coefficients · prototypes` over `region` of the prototype grid (float32 results, see {@link MaskValues}). */
function protoMask(p: Protos, coef: Float32Array, region: MaskBounds, values: MaskValues): SparsePlane {
  const { x, y, width, height } = region;
  const acc = new Float64Array(width * height);
  for (let k = 0; k < p.nm; k++) {
    const ck = coef[k];
    if (ck === 0) continue;
    const base = k * p.channelStride;
    for (let r = 0; r < height; r++) {
      const row = base + ((y + r) * p.mw + x) * p.pixelStride;
      const o = r * width;
      for (let c = 0; c < width; c++) acc[o + c] += ck * p.data[row + c * p.pixelStride];
    }
  }
  const data = new Float32Array(acc.length);
  if (values.sigmoid) for (let i = 0; i < acc.length; i++) data[i] = 1 / (1 + Math.exp(-f32(acc[i])));
  else for (let i = 0; i < acc.length; i++) data[i] = f32(acc[i]) + values.bias;
  return { width: p.mw, height: p.mh, bounds: { ...region }, data };
}

/** Columns/rows `c` with `lo ≤ c < hi` (Ultralytics `crop_mask`), clipped to `[0, size)`. */
function cropRange(lo: number, hi: number, size: number): [number, number] {
  const start = Math.min(Math.max(Math.ceil(lo), 0), size);
  const end = Math.min(Math.max(Math.ceil(hi), 0), size);
  return [start, Math.max(start, end)];
}

/**
 * Ultralytics `crop_mask`'s pixels of box `x1,y1,x2,y2` on a `width`×`height` grid, clipped.
 *
 * @example
 * ```ts
 * cropBounds(10.2, 5, 40, 30.5, 160, 160); // { x: 11, y: 5, width: 29, height: 26 }
 * ```
 */
export function cropBounds(x1: number, y1: number, x2: number, y2: number, width: number, height: number): MaskBounds {
  const [cx0, cx1] = cropRange(x1, x2, width);
  const [cy0, cy1] = cropRange(y1, y2, height);
  return { x: cx0, y: cy0, width: cx1 - cx0, height: cy1 - cy0 };
}

/**
 * The crops of an `upsample`-mode mask: on the prototype grid (the cells computed) and, in the
 * logits form, on the model input (Ultralytics since May 2026 upsamples first and crops with the
 * box at the input's resolution; before, and in the sigmoid form, the grid crop was the crop).
 *
 * @example
 * ```ts
 * const { grid, input } = upsampleCrops(32, 32, [10, 20, 60, 90], transform, values); // input: the box's pixels of the 128² input
 * ```
 */
export function upsampleCrops(mw: number, mh: number, box: ArrayLike<number>, t: InputTransform, values: MaskValues): { grid: MaskBounds; input?: MaskBounds } {
  const { inputWidth: iw, inputHeight: ih } = t;
  if (values.sigmoid) {
    const rx = f32(mw / iw);
    const ry = f32(mh / ih);
    return { grid: cropBounds(f32(box[0] * rx), f32(box[1] * ry), f32(box[2] * rx), f32(box[3] * ry), mw, mh) };
  }
  const input = cropBounds(f32(box[0]), f32(box[1]), f32(box[2]), f32(box[3]), iw, ih);
  return { grid: sourceWindow(mw, mh, iw, ih, input), input };
}

function upsampleMode(p: Protos, coef: Float32Array, box: ArrayLike<number>, t: InputTransform, values: MaskValues): SparsePlane {
  const { inputWidth: iw, inputHeight: ih, sourceWidth: w0, sourceHeight: h0 } = t;
  const { grid, input } = upsampleCrops(p.mw, p.mh, box, t, values);
  const inInput = input && input.width * input.height === 0 ? { width: iw, height: ih, bounds: input, data: new Float32Array(0) } : resizeSparse(protoMask(p, coef, grid, values), iw, ih, input);
  return resizeSparse(cropPlane(inInput, contentRegion(iw, ih, t, values.pads)), w0, h0);
}

function nativeMode(p: Protos, coef: Float32Array, sourceBox: ArrayLike<number>, t: InputTransform, values: MaskValues): SparsePlane {
  const { sourceWidth: w0, sourceHeight: h0 } = t;
  const window = cropBounds(f32(sourceBox[0]), f32(sourceBox[1]), f32(sourceBox[2]), f32(sourceBox[3]), w0, h0);
  const content = contentRegion(p.mw, p.mh, t, values.pads);
  const cw = content.right - content.left;
  const ch = content.bottom - content.top;
  if (window.width === 0 || window.height === 0 || cw <= 0 || ch <= 0) return { width: w0, height: h0, bounds: window, data: new Float32Array(window.width * window.height) };
  const need = sourceWindow(cw, ch, w0, h0, window);
  const region = protoMask(p, coef, { ...need, x: need.x + content.left, y: need.y + content.top }, values);
  const cropped: SparsePlane = { width: cw, height: ch, bounds: need, data: region.data };
  return resizeSparse(cropped, w0, h0, window);
}

/**
 * YOLO-seg instance masks as Ultralytics computes them, one owned binary {@link Mask} per
 * detection at the original image's size: `coefficients · prototypes` bilinearly upsampled
 * to the model input (`align_corners=False`), cropped to the box (Ultralytics `crop_mask`:
 * pixels `x1 ≤ x < x2`, `y1 ≤ y < y2`), letterbox removed and resized to the image
 * (`scale_masks`), then `> 0` — the cut made at the image's size; the older form
 * ({@link YoloSegMaskOptions.form}) takes the sigmoid, crops on the prototype grid before
 * upsampling and cuts at `threshold` — or the `native` order (`process_mask_native`, see
 * {@link YoloSegMaskOptions.mode}). Only the neighbourhood of each box is computed, so cost
 * grows with box area, not frame size. Golden-tested against a transcription of Ultralytics'
 * ops running on torch (scripts/make_mask_fixtures.py).
 *
 * `coefficients` and `boxes` are what `postprocessYolo` returns for a -seg model (`extras`,
 * N×nm, and xyxy boxes in model-input pixels); `transform` is the input's letterbox.
 *
 * @throws VisionError `MODEL_FORMAT` for prototypes that do not match the coefficients,
 * `INVALID_INPUT` for arrays of the wrong length, `INVALID_OPTION` for a bad threshold, mode or form.
 * @example
 * ```ts
 * const det = postprocessYolo(outputs.output0, { format: 'v8', numClasses: 80 });
 * const masks = yoloSegMasks(outputs.output1, det.extras!, det.boxes, transform);
 * ```
 */
export function yoloSegMasks(
  protos: YoloProtoTensor,
  coefficients: Float32Array,
  boxes: ArrayLike<number>,
  transform: InputTransform,
  options: YoloSegMaskOptions = {},
): Mask[] {
  const fn = 'yoloSegMasks';
  checkOptionNames(options, fn, YOLO_SEG_MASK_OPTION_NAMES);
  const n = boxes.length / 4;
  if (!Number.isInteger(n)) throw new VisionError('INVALID_INPUT', `${fn}: boxes must be flat xyxy quadruples; got ${boxes.length} values`);
  if (n === 0) return [];
  const nm = coefficients.length / n;
  if (!Number.isInteger(nm) || nm === 0) throw new VisionError('INVALID_INPUT', `${fn}: ${coefficients.length} coefficients for ${n} boxes`);
  const p = readProtos(protos, nm, options.protoLayout);
  if (p.data.length !== nm * p.mh * p.mw || p.mh === 0 || p.mw === 0) throw new VisionError('MODEL_FORMAT', `${fn}: ${p.data.length} prototype values for [1, ${nm}, ${p.mh}, ${p.mw}]`);
  const values = maskValues(fn, options);
  const mode = options.mode ?? 'upsample';
  if (mode !== 'upsample' && mode !== 'native') throw new VisionError('INVALID_OPTION', `${fn}: mode is '${String(mode)}'; allowed: upsample, native`);
  if (transform.cropX !== 0 || transform.cropY !== 0) throw new VisionError('INVALID_OPTION', `${fn}: masks need a letterboxed or stretched input, not a centre crop`);
  const sourceBoxes = mode === 'native' ? (options.sourceBoxes ?? scaleBoxesToSource(boxes, transform)) : undefined;
  if (sourceBoxes && sourceBoxes.length !== boxes.length) throw new VisionError('INVALID_INPUT', `${fn}: ${sourceBoxes.length / 4} source boxes for ${n} boxes`);
  const out: Mask[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const coef = coefficients.subarray(i * nm, (i + 1) * nm);
      const box = Array.from({ length: 4 }, (_, k) => boxes[i * 4 + k]);
      const plane = sourceBoxes
        ? nativeMode(p, coef, Array.from({ length: 4 }, (_, k) => sourceBoxes[i * 4 + k]), transform, values)
        : upsampleMode(p, coef, box, transform, values);
      const binary = thresholdSparse(plane, values.cut);
      out.push(Mask.create('binary', transform.sourceWidth, transform.sourceHeight, binary.data, binary.bounds));
    }
  } catch (error) {
    for (const m of out) m.close();
    throw error;
  }
  return out;
}
