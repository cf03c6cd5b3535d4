import { VisionError } from './errors';
import type { MaskImageData } from './mask';

/**
 * An owned RGBA picture produced by a pipeline (a matting model's foreground colours): its
 * size and its pixels (`Uint8ClampedArray`, 4 bytes a pixel, row-major, as `ImageData`).
 * It holds CPU memory only; {@link close} it when done, later reads throw `DISPOSED`.
 *
 * @example
 * ```ts
 * const { foreground } = await matting.run(frame);
 * ctx.putImageData(foreground!.toImageData() as ImageData, 0, 0);
 * foreground!.close();
 * ```
 */
export class RgbaImage {
  private pixels: Uint8ClampedArray<ArrayBuffer> | null;

  private constructor(
    /** Width in pixels. */
    readonly width: number,
    /** Height in pixels. */
    readonly height: number,
    pixels: Uint8ClampedArray<ArrayBuffer>,
  ) {
    this.pixels = pixels;
  }

  /**
   * Wraps RGBA pixels (adopted, not copied).
   *
   * @throws VisionError `INVALID_INPUT` when the size is not whole positive numbers or the data is not `width × height × 4` bytes.
   * @example
   * ```ts
   * const red = RgbaImage.create(1, 1, new Uint8ClampedArray([255, 0, 0, 255]));
   * ```
   */
  static create(width: number, height: number, pixels: Uint8ClampedArray<ArrayBuffer>): RgbaImage {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new VisionError('INVALID_INPUT', `RgbaImage.create: size ${width}×${height} must be positive integers`);
    }
    if (!(pixels instanceof Uint8ClampedArray) || pixels.length !== width * height * 4) {
      throw new VisionError('INVALID_INPUT', `RgbaImage.create: a ${width}×${height} image takes a Uint8ClampedArray of ${width * height * 4} bytes`);
    }
    return new RgbaImage(width, height, pixels);
  }

  /** The pixels (RGBA, row-major), not a copy. @example `const rgba = image.data;` */
  get data(): Uint8ClampedArray<ArrayBuffer> {
    if (!this.pixels) throw new VisionError('DISPOSED', 'this image was closed');
    return this.pixels;
  }

  /** Whether {@link close} was called. @example `if (!image.closed) image.close();` */
  get closed(): boolean {
    return this.pixels === null;
  }

  /**
   * The picture as `ImageData` where that exists (browsers, workers), else a plain
   * `{ data, width, height }` object (Node). Shares the pixels.
   *
   * @example
   * ```ts
   * ctx.putImageData(image.toImageData() as ImageData, 0, 0);
   * ```
   */
  toImageData(): MaskImageData {
    const data = this.data;
    if (typeof ImageData !== 'undefined') return new ImageData(data, this.width, this.height);
    return { data, width: this.width, height: this.height };
  }

  /** Frees the pixels; later reads throw `DISPOSED`. Safe to call twice. @example `image.close();` */
  close(): void {
    this.pixels = null;
  }
}
