/** The job of assembling instance masks elsewhere (on the GPU): shared by post-processing, which plans it, and the runtime, which runs it. */
import type { MaskBounds } from './mask';

/**
 * What to assemble: the prototype grid (`nm` planes of `mh`×`mw`) made into values
 * (`coefficients · prototypes + bias`, through a sigmoid when `sigmoid`), resized bilinearly to
 * an intermediate plane, whose content rectangle is resized to the output frame; per instance
 * the crop on the grid (values outside are 0) and the window of the output to compute. Geometry in
 * integer pixels; crops and windows as `{ x, y, width, height }`.
 *
 * @example
 * ```ts
 * const job: MaskAssemblyJob = yoloSegMaskPlan(protos.shape, 32, boxes, transform); // from postprocess/masks/yolo-seg-plan.ts
 * ```
 */
export interface MaskAssemblyJob {
  nm: number;
  mh: number;
  mw: number;
  /** `nchw`: `[1, nm, mh, mw]`; `nhwc`: `[1, mh, mw, nm]`. */
  protoLayout: 'nchw' | 'nhwc';
  intermediateWidth: number;
  intermediateHeight: number;
  /** The rectangle of the intermediate plane that maps onto the whole output. */
  content: MaskBounds;
  outputWidth: number;
  outputHeight: number;
  /** Whether a grid value is `sigmoid(acc + bias)` (else `acc + bias`), `acc` = coefficients · prototypes. */
  sigmoid: boolean;
  bias: number;
  /** A pixel is set when its resampled value is `> threshold`. */
  threshold: number;
  /**
   * The bilinear taps of the two resizes, worked out on the CPU so that the assembler weighs
   * with exactly the CPU path's values (a tap weight that is 1e-8 there and 0 in float32 on
   * the GPU decides a pixel where a mask value meets the cut). Four entries of four u32 per
   * position — first source, second source, and the two weights' float32 bits — for the output
   * columns (`outputWidth` positions, from the content width), then the output rows
   * (`outputHeight`, from the content height), the intermediate columns (`intermediateWidth`,
   * from `mw`) and the intermediate rows (`intermediateHeight`, from `mh`).
   */
  taps: Uint32Array<ArrayBuffer>;
  /**
   * Per instance: `crop`, the grid cells computed (0 outside); `midCrop`, the part of the
   * intermediate plane kept (0 outside: the box at the input's resolution in the logits form's
   * upsample mode, else the whole plane); `window`, the output pixels to compute.
   */
  instances: readonly { crop: MaskBounds; window: MaskBounds; midCrop: MaskBounds }[];
}
