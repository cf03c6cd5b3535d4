import type { RawImage } from '../core/image-input';
import type { Canvas2D, ScratchCanvas } from '../render/canvas2d';
import { putRawImage } from '../render/raw-image';
import type { AnnotationDraw } from './annotate';

/**
 * Draws results over video frames of one size on a reused `@napi-rs/canvas` and hands back
 * the annotated pixels (RGBA), ready for a video encoder.
 *
 * @example
 * ```ts
 * const annotator = await createFrameAnnotator(640, 480);
 * const rgba = annotator.annotate(frame, (ctx, size) => drawDetections(ctx, detections, { imageSize: size }));
 * ```
 */
export interface FrameAnnotator {
  annotate(frame: RawImage, draw?: AnnotationDraw): Uint8ClampedArray;
}

/**
 * Makes a {@link FrameAnnotator} for `width × height` frames (needs the optional
 * `@napi-rs/canvas` package).
 *
 * @example
 * ```ts
 * const annotator = await createFrameAnnotator(info.width, info.height);
 * ```
 */
export async function createFrameAnnotator(width: number, height: number): Promise<FrameAnnotator> {
  const { createCanvas } = await import('@napi-rs/canvas');
  const canvas = createCanvas(width, height);
  const native = canvas.getContext('2d');
  const ctx = native as unknown as Canvas2D;
  const scratch = (w: number, h: number): ScratchCanvas => createCanvas(w, h) as unknown as ScratchCanvas;
  return {
    annotate(frame, draw) {
      putRawImage(ctx, frame);
      draw?.(ctx, { width, height }, scratch);
      return native.getImageData(0, 0, width, height).data;
    },
  };
}
