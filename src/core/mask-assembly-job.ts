/** The job of assembling instance masks elsewhere (on the GPU): shared by post-processing, which plans it, and the runtime, which runs it. */
import type { MaskBounds } from './mask';

/**
 * What to assemble: the prototype grid (`nm` planes of `mh`×`mw`), resized bilinearly to an
 * intermediate plane, whose content rectangle is resized to the output frame; per instance the
 * crop on the grid (pixels outside are 0) and the window of the output to compute. Geometry in
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
  /** A pixel is set when its probability is `> threshold`. */
  threshold: number;
  instances: readonly { crop: MaskBounds; window: MaskBounds }[];
}
