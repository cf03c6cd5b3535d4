/**
 * Model inputs read from browser images (VideoFrame, ImageBitmap, `<video>`, canvas, `<img>`)
 * through a 2D canvas. {@link captureRegion} scales the crop region to the model size while
 * drawing, so only the model-size pixels are read back (192 × 192 instead of a whole camera
 * frame): the resize happens before any readback, as a real-time camera loop needs.
 * {@link readDrawablePixels} reads a whole frame for the exact path.
 */
import * as tf from '@tensorflow/tfjs';
import { VisionError, describeError } from '../../core/errors';
import type { CropRegion } from '../../postprocess/pose/crop-region';

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

/** (v · scale − mean) / std per channel, as a gain and an offset. @example `const unit: ChannelAffine = { gains: [1 / 255, 1 / 255, 1 / 255], offsets: [0, 0, 0] };` */
export interface ChannelAffine {
  gains: readonly [number, number, number];
  offsets: readonly [number, number, number];
}

/**
 * Draws `region` (0–1 of the `width` × `height` picture; may extend beyond it, which stays
 * black) scaled to `outWidth` × `outHeight` with bilinear filtering, and returns the RGB
 * values normalised into a `[1, outHeight, outWidth, 3]` tensor the caller owns. The source
 * rectangle is chosen so that output pixel j samples the same source position as
 * `tf.image.cropAndResize` (corners aligned): keypoints map back through the region exactly;
 * only the filtering of the canvas differs (values within a few grey levels).
 *
 * @example
 * ```ts
 * const input = captureRegion(frame, 640, 480, region, 192, 192, { gains: [1, 1, 1], offsets: [0, 0, 0] }, 'int32');
 * ```
 */
export function captureRegion(
  source: CanvasImageSource,
  width: number,
  height: number,
  region: CropRegion,
  outWidth: number,
  outHeight: number,
  affine: ChannelAffine,
  dtype: 'int32' | 'float32',
): tf.Tensor4D {
  // cropAndResize samples x_j = a + j·s (source pixel indices); a canvas samples pixel j at
  // sx + (j + ½)·sw/out − ½. Equal for sw = s·out and sx = a + ½ − ½·s.
  const place = (min: number, max: number, size: number, out: number): [number, number] => {
    const a = min * (size - 1);
    const s = out > 1 ? ((max - min) * (size - 1)) / (out - 1) : (max - min) * size;
    return [a + 0.5 - 0.5 * s, s * out];
  };
  const [sx, sw] = place(region.xMin, region.xMax, width, outWidth);
  const [sy, sh] = place(region.yMin, region.yMax, height, outHeight);
  const image = read(
    (context) => {
      context.imageSmoothingEnabled = true;
      context.imageSmoothingQuality = 'low';
      // The whole picture, placed so that the source rectangle fills the canvas (the canvas
      // clips the rest): Chrome mis-scales source rectangles of VideoFrames (9-argument form).
      const kx = outWidth / sw;
      const ky = outHeight / sh;
      context.drawImage(source, -sx * kx, -sy * ky, width * kx, height * ky);
    },
    outWidth,
    outHeight,
  );
  const rgba = image.data;
  const values = dtype === 'int32' ? new Int32Array(outWidth * outHeight * 3) : new Float32Array(outWidth * outHeight * 3);
  const [g0, g1, g2] = affine.gains;
  const [o0, o1, o2] = affine.offsets;
  for (let p = 0, o = 0; o < values.length; p += 4, o += 3) {
    values[o] = rgba[p] * g0 + o0;
    values[o + 1] = rgba[p + 1] * g1 + o1;
    values[o + 2] = rgba[p + 2] * g2 + o2;
  }
  return tf.tensor4d(values, [1, outHeight, outWidth, 3], dtype);
}
