/**
 * The geometry of YOLO-seg mask assembly, for assembling the masks elsewhere (on the GPU,
 * `gpuMasks`): for each detection, the crop on the prototype grid and the window of the image
 * that its mask can cover, with the two resizes of {@link yoloSegMasks} (grid → intermediate
 * plane → its content rectangle → image) stated as sizes. The same steps, the same crops, the
 * same windows as the CPU path.
 */
import { VisionError } from '../../core/errors';
import type { MaskBounds } from '../../core/mask';
import type { MaskAssemblyJob } from '../../core/mask-assembly-job';
import type { InputTransform } from '../../core/types';
import { scaleBoxesToSource } from '../box-format';
import { bilinearTaps, resizeWindow, sourceWindow } from './bilinear';
import { contentRegion } from './to-source';
import { YOLO_SEG_MASK_OPTION_NAMES, type YoloSegMaskOptions, cropBounds, maskValues, readProtos, upsampleCrops } from './yolo-seg';
import { checkOptionNames } from '../validate';

const f32 = Math.fround;
const EMPTY: MaskBounds = { x: 0, y: 0, width: 0, height: 0 };

/**
 * The assembly plan of {@link yoloSegMasks}'s masks for prototypes of shape `protoDims`,
 * `nm` coefficients per box and xyxy `boxes` in model-input pixels. `upsample` mode:
 * the grid cropped to the box, resized to the model input, its letterbox content resized to
 * the image; `native` mode: the grid's letterbox content resized to the image, cropped to the
 * box in image pixels (an identity first resize; the grid crop is the cells that window reads).
 *
 * @throws VisionError as {@link yoloSegMasks} for the same arguments.
 * @example
 * ```ts
 * const plan = yoloSegMaskPlan(protos.shape, det.numExtras, det.boxes, transform, { mode: 'native' });
 * const { masks } = await gpuMaskAssemblerFor()!.assemble(protos, det.extras!, plan);
 * ```
 */
export function yoloSegMaskPlan(protoDims: readonly number[], nm: number, boxes: ArrayLike<number>, transform: InputTransform, options: YoloSegMaskOptions = {}): MaskAssemblyJob {
  const fn = 'yoloSegMaskPlan';
  checkOptionNames(options, fn, YOLO_SEG_MASK_OPTION_NAMES);
  const n = boxes.length / 4;
  if (!Number.isInteger(n)) throw new VisionError('INVALID_INPUT', `${fn}: boxes must be flat xyxy quadruples; got ${boxes.length} values`);
  if (!Number.isInteger(nm) || nm <= 0) throw new VisionError('INVALID_INPUT', `${fn}: ${nm} coefficients per box; it must be a positive integer`);
  const p = readProtos({ dims: protoDims, data: [] }, nm, options.protoLayout);
  const values = maskValues(fn, options);
  const mode = options.mode ?? 'upsample';
  if (mode !== 'upsample' && mode !== 'native') throw new VisionError('INVALID_OPTION', `${fn}: mode is '${String(mode)}'; allowed: upsample, native`);
  if (transform.cropX !== 0 || transform.cropY !== 0) throw new VisionError('INVALID_OPTION', `${fn}: masks need a letterboxed or stretched input, not a centre crop`);
  const { mh, mw } = p;
  const { sourceWidth: w0, sourceHeight: h0 } = transform;
  const [midW, midH] = mode === 'native' ? [mw, mh] : [transform.inputWidth, transform.inputHeight];
  const region = contentRegion(midW, midH, transform, values.pads);
  const content: MaskBounds = { x: region.left, y: region.top, width: region.right - region.left, height: region.bottom - region.top };
  const taps = tapTable([
    [content.width, w0],
    [content.height, h0],
    [mw, midW],
    [mh, midH],
  ]);
  const plan = { nm: p.nm, mh, mw, protoLayout: p.pixelStride === 1 ? ('nchw' as const) : ('nhwc' as const), intermediateWidth: midW, intermediateHeight: midH, content, outputWidth: w0, outputHeight: h0, sigmoid: values.sigmoid, bias: values.bias, threshold: values.cut, taps };
  const hasContent = content.width > 0 && content.height > 0;
  const whole: MaskBounds = { x: 0, y: 0, width: midW, height: midH };
  if (mode === 'native') {
    const source = options.sourceBoxes ?? scaleBoxesToSource(boxes, transform);
    if (source.length !== boxes.length) throw new VisionError('INVALID_INPUT', `${fn}: ${source.length / 4} source boxes for ${n} boxes`);
    const instances = Array.from({ length: n }, (_, i) => {
      const window = cropBounds(f32(source[i * 4]), f32(source[i * 4 + 1]), f32(source[i * 4 + 2]), f32(source[i * 4 + 3]), w0, h0);
      if (!hasContent || window.width === 0 || window.height === 0) return { crop: EMPTY, window: EMPTY, midCrop: whole };
      // the grid cells the window reads (the CPU path computes exactly these)
      const need = sourceWindow(content.width, content.height, w0, h0, window);
      return { crop: { ...need, x: need.x + content.x, y: need.y + content.y }, window, midCrop: whole };
    });
    return { ...plan, instances };
  }
  const instances = Array.from({ length: n }, (_, i) => {
    const { grid, input } = upsampleCrops(mw, mh, [boxes[i * 4], boxes[i * 4 + 1], boxes[i * 4 + 2], boxes[i * 4 + 3]], transform, values);
    // the intermediate plane's reach: the input crop (logits form), or where the grid crop's taps land
    const mid = input ?? resizeWindow({ width: mw, height: mh, bounds: grid, data: new Float32Array(0) }, midW, midH);
    return { crop: grid, window: hasContent ? outputWindow(mid, content, w0, h0) : EMPTY, midCrop: input ?? whole };
  });
  return { ...plan, instances };
}

/** The last tap table made, by its axes: a video's frames share one geometry, so one table. */
let lastTaps: { key: string; table: Uint32Array<ArrayBuffer> } | undefined;

/**
 * {@link MaskAssemblyJob.taps}: the taps of each `[in, out]` axis resize, one after another
 * (the same table object again for the same axes, so the assembler uploads it once).
 */
function tapTable(axes: [number, number][]): Uint32Array<ArrayBuffer> {
  const key = axes.join(';');
  if (lastTaps?.key === key) return lastTaps.table;
  const table = new Uint32Array(axes.reduce((sum, [, out]) => sum + out, 0) * 4);
  const weights = new Float32Array(table.buffer);
  let at = 0;
  for (const [inSize, outSize] of axes) {
    if (inSize <= 0) {
      at += outSize * 4;
      continue;
    }
    const t = bilinearTaps(inSize, outSize);
    for (let k = 0; k < outSize; k++, at += 4) {
      table[at] = t.i0[k];
      table[at + 1] = t.i1[k];
      weights[at + 2] = t.l0[k];
      weights[at + 3] = t.l1[k];
    }
  }
  lastTaps = { key, table };
  return table;
}

/** The image window of an `upsample`-mode mask: the reach of its part `mid` of the intermediate plane after the second resize (as resizeSparse's windows). */
function outputWindow(mid: MaskBounds, content: MaskBounds, w0: number, h0: number): MaskBounds {
  if (mid.width === 0 || mid.height === 0) return EMPTY;
  const x0 = Math.max(mid.x, content.x);
  const y0 = Math.max(mid.y, content.y);
  const x1 = Math.min(mid.x + mid.width, content.x + content.width);
  const y1 = Math.min(mid.y + mid.height, content.y + content.height);
  if (x1 <= x0 || y1 <= y0) return EMPTY;
  const inContent: MaskBounds = { x: x0 - content.x, y: y0 - content.y, width: x1 - x0, height: y1 - y0 };
  return resizeWindow({ width: content.width, height: content.height, bounds: inContent, data: new Float32Array(0) }, w0, h0);
}
