/**
 * Putting raw pixels (a decoded image in memory) onto a canvas, so results can be drawn over
 * the very pixels a pipeline saw — e.g. in Node, for annotated images.
 */
import { VisionError } from '../core/errors';
import type { RawImage } from '../core/image-input';
import type { Canvas2D } from './canvas2d';
import { shownValue } from '../core/shown-value';

/**
 * Copies a {@link RawImage} (grey, RGB or RGBA; bytes, or floats on the 0–255 scale) onto the
 * canvas at `(x, y)`, pixel for pixel (`putImageData`: no scaling, no blending). Size the
 * canvas to the image first.
 *
 * @example
 * ```ts
 * import { createCanvas } from '@napi-rs/canvas';
 * const raw = await decodeImageFile('photo.jpg');
 * const canvas = createCanvas(raw.width, raw.height);
 * const ctx = canvas.getContext('2d');
 * putRawImage(ctx, raw);
 * drawDetections(ctx, result.detections);
 * writeFileSync('out.png', await canvas.encode('png'));
 * ```
 */
export function putRawImage(ctx: Canvas2D, raw: RawImage, x = 0, y = 0): void {
  if (!raw || typeof raw !== 'object') throw new VisionError('INVALID_INPUT', `raw image must be { data, width, height, channels }, got ${typeof raw}`);
  if (!(Number.isFinite(x) && Number.isFinite(y))) throw new VisionError('INVALID_OPTION', `the position is (${shownValue(x)}, ${shownValue(y)}); x and y must be finite numbers (canvas pixels)`);
  const { width: w, height: h, channels, data } = raw;
  if (!Number.isInteger(w) || !Number.isInteger(h) || !(w > 0 && h > 0)) {
    throw new VisionError('INVALID_INPUT', `raw image has size ${w}×${h}; width and height must be integers ≥ 1`);
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new VisionError('INVALID_INPUT', `raw image has ${String(channels)} channels; allowed: 1 (grey), 3 (RGB), 4 (RGBA)`);
  }
  if (!data || data.length !== w * h * channels) {
    throw new VisionError('INVALID_INPUT', `raw image data has ${data?.length} values; ${w}×${h}×${channels} needs ${w * h * channels}`);
  }
  const image = ctx.createImageData(w, h);
  const out = image.data;
  for (let p = 0; p < w * h; p++) {
    const i = p * channels;
    const o = p * 4;
    if (channels === 1) {
      out[o] = out[o + 1] = out[o + 2] = data[i];
      out[o + 3] = 255;
    } else {
      out[o] = data[i];
      out[o + 1] = data[i + 1];
      out[o + 2] = data[i + 2];
      out[o + 3] = channels === 4 ? data[i + 3] : 255;
    }
  }
  ctx.putImageData(image, x, y);
}
