import { type ImageInput, type RawImage, classifyImageInput } from '../core/image-input';
import { handOver } from '../core/frame-ownership';

/**
 * A private copy of a frame, handed over (transferred, not copied again) to whichever worker
 * receives it: warm-up runs use it so that the caller's frame still goes, untouched, to the
 * worker that serves it. VideoFrames are cloned, drawables become an ImageBitmap, pixels and
 * bytes are copied; paths and tensors (read back by the sender, never disposed) are reused.
 *
 * @example
 * ```ts
 * const copy = await warmupCopy(bitmap);
 * void preferred.run(copy); // bitmap itself stays the caller's
 * ```
 */
export async function warmupCopy(input: ImageInput): Promise<ImageInput> {
  switch (classifyImageInput(input)) {
    case 'video-frame':
      return handOver((input as VideoFrame).clone());
    case 'drawable':
      return handOver(await createImageBitmap(input as ImageBitmapSource));
    case 'image-data': {
      const image = input as ImageData;
      return handOver({ data: new Uint8ClampedArray(image.data), width: image.width, height: image.height, channels: 4 } as RawImage);
    }
    case 'raw': {
      const raw = input as RawImage;
      return handOver({ ...raw, data: raw.data.slice() } as RawImage);
    }
    case 'encoded':
      if (input instanceof ArrayBuffer) return input.slice(0);
      return (input as Uint8Array).slice();
    default:
      return input;
  }
}
