/**
 * Model inputs read from browser images (VideoFrame, ImageBitmap, `<video>`, canvas, `<img>`)
 * through a 2D canvas. {@link captureInto} scales the frame to the model size while drawing
 * (a crop region or a letterbox / stretch fit), so only the model-size pixels are read back
 * (e.g. 192 × 192 instead of a whole camera frame): the resize happens before any readback,
 * as a real-time camera loop needs. {@link readDrawablePixels} reads a whole frame for the
 * exact path.
 */
import { VisionError, describeError } from '../../core/errors';
import type { OutputLayout } from './sample-output';
import type { SamplePlan } from './sample-plan';

type Context2D = OffscreenCanvasRenderingContext2D;

let scratch: { canvas: OffscreenCanvas; context: Context2D } | null = null;

/** True where pixels can be read through an `OffscreenCanvas` (browsers and their workers). @example `if (canReadDrawables()) …` */
export function canReadDrawables(): boolean {
  return typeof OffscreenCanvas === 'function';
}

/** One reusable canvas per thread (draw and read are synchronous, so calls never overlap). */
function canvasOf(width: number, height: number): Context2D {
  if (!scratch) {
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true, alpha: false });
    if (!context) throw new VisionError('INVALID_INPUT', 'could not create a 2D canvas to read the frame pixels');
    scratch = { canvas, context };
  }
  if (scratch.canvas.width !== width || scratch.canvas.height !== height) {
    scratch.canvas.width = width;
    scratch.canvas.height = height;
  }
  return scratch.context;
}

function read(draw: (context: Context2D) => void, width: number, height: number): ImageData {
  const context = canvasOf(width, height);
  try {
    context.fillStyle = '#000';
    context.fillRect(0, 0, width, height);
    draw(context);
    return context.getImageData(0, 0, width, height);
  } catch (error) {
    throw new VisionError('INVALID_INPUT', `could not read pixels from the image: ${describeError(error)}`, { cause: error });
  }
}

/**
 * The whole picture as RGBA `ImageData` (what `tf.browser.fromPixels` reads on CPU backends).
 *
 * @example
 * ```ts
 * const { data } = readDrawablePixels(videoFrame, 640, 480);
 * ```
 */
export function readDrawablePixels(source: CanvasImageSource, width: number, height: number): ImageData {
  return read((context) => context.drawImage(source, 0, 0, width, height), width, height);
}

/**
 * Draws the frame (`width` × `height`) scaled so that output pixel j samples the plan's
 * position `start + j · step` on both axes, with the canvas's bilinear filtering, and writes
 * the RGB values of the samples inside the plan into `out`, normalised and placed by `layout`
 * (samples outside keep the pad already written). Coordinates map back exactly; only the
 * filtering differs from the in-memory sampler (values within a few grey levels).
 *
 * @example
 * ```ts
 * captureInto(videoFrame, 640, 480, regionPlan(region, 640, 480, 192, 192), sink.values, outputLayout(target));
 * ```
 */
export function captureInto(source: CanvasImageSource, width: number, height: number, plan: SamplePlan, out: Int32Array | Float32Array, layout: OutputLayout): void {
  const { width: outWidth, height: outHeight } = layout;
  // A canvas samples output pixel j at (j + ½ − dx) · width / dw − ½ of the source drawn at
  // dx with width dw: equal to start + j · step for dw = width / step, dx = ½ − (start + ½) / step.
  const place = (start: number, step: number, size: number): [number, number] => [0.5 - (start + 0.5) / step, size / step];
  const [dx, dw] = place(plan.x.start, plan.x.step, width);
  const [dy, dh] = place(plan.y.start, plan.y.step, height);
  const image = read(
    (context) => {
      context.imageSmoothingEnabled = true;
      context.imageSmoothingQuality = 'low';
      // The whole picture, placed so that the samples fall where the plan wants them (the
      // canvas clips the rest): Chrome mis-scales source rectangles of VideoFrames (9-argument form).
      context.drawImage(source, dx, dy, dw, dh);
    },
    outWidth,
    outHeight,
  );
  const rgba = image.data;
  const xs = plan.x.positions;
  const ys = plan.y.positions;
  const { pixelStride, rowStride } = layout;
  const [s0, s1, s2] = layout.slots;
  const [g0, g1, g2] = layout.gains;
  const [o0, o1, o2] = layout.offsets;
  for (let i = 0; i < outHeight; i++) {
    if (Number.isNaN(ys[i])) continue;
    for (let j = 0, p = i * outWidth * 4, o = i * rowStride; j < outWidth; j++, p += 4, o += pixelStride) {
      if (Number.isNaN(xs[j])) continue;
      out[o + s0] = rgba[p] * g0 + o0;
      out[o + s1] = rgba[p + 1] * g1 + o1;
      out[o + s2] = rgba[p + 2] * g2 + o2;
    }
  }
}
