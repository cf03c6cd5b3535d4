import { VisionError, describeError } from '../core/errors';
import { type ImageInput, type RawImage, classifyImageInput } from '../core/image-input';
import { isHandedOver } from '../core/frame-ownership';

/**
 * An image ready to post to a worker: the value to send and what to transfer with it.
 *
 * @example
 * ```ts
 * const { value, transfer } = await toTransferable(videoFrame);
 * api.run(id, Comlink.transfer(value, transfer));
 * ```
 */
export interface TransferableInput {
  value: ImageInput;
  transfer: Transferable[];
}

function isInstance(value: unknown, name: string): boolean {
  const ctor = (globalThis as Record<string, unknown>)[name];
  return typeof ctor === 'function' && value instanceof (ctor as new () => unknown);
}

async function fromTensor(input: ImageInput): Promise<TransferableInput> {
  const tensor = input as unknown as { shape: number[]; data(): Promise<ArrayLike<number>> };
  const [height, width, channels] = tensor.shape;
  const data = Float32Array.from(await tensor.data());
  const raw: RawImage = { data, width, height, channels: channels as RawImage['channels'] };
  return { value: raw, transfer: [data.buffer] };
}

/**
 * Prepares any {@link ImageInput} for a worker without structured-cloning pixels where it can
 * be avoided. `VideoFrame`s are cloned (no pixel copy) and the clone transferred; `<video>`
 * elements become a `VideoFrame` (no copy); `ImageBitmap`s, images and canvases become a
 * bitmap (one GPU copy) that is transferred. Frames marked with `handOver()` are transferred
 * as they are (detaching the caller's object), as are the buffers of handed-over raw images
 * (a `SharedArrayBuffer` is not: the worker shares it as it is).
 * Tensors are read back once (they belong to the calling thread's tfjs). Inputs are validated
 * first (`INVALID_INPUT`), so a bad frame never reaches — or breaks — the worker.
 *
 * @example
 * ```ts
 * const { value, transfer } = await toTransferable(handOver(bitmap));
 * ```
 */
export async function toTransferable(input: ImageInput): Promise<TransferableInput> {
  const kind = classifyImageInput(input);
  const given = isHandedOver(input);
  switch (kind) {
    case 'video-frame': {
      const frame = given ? (input as VideoFrame) : (input as VideoFrame).clone();
      return { value: frame, transfer: [frame] };
    }
    case 'drawable': {
      if (isInstance(input, 'ImageBitmap') && given) return { value: input, transfer: [input as ImageBitmap] };
      if (isInstance(input, 'HTMLVideoElement') && typeof VideoFrame === 'function') {
        const frame = new VideoFrame(input as HTMLVideoElement);
        return { value: frame, transfer: [frame] };
      }
      let bitmap: ImageBitmap;
      try {
        bitmap = await createImageBitmap(input as ImageBitmapSource);
      } catch (error) {
        // e.g. an OffscreenCanvas with no drawing context, or one too large to copy: the browser's DOMException said only "could not be allocated"
        throw new VisionError('INVALID_INPUT', `the picture could not be copied for the worker (${describeError(error)}); it must be a canvas with a drawing context, an image, a bitmap or a video frame within the browser's size limits`, { cause: error });
      }
      return { value: bitmap, transfer: [bitmap] };
    }
    case 'image-data':
    case 'raw': {
      const buffer = (input as RawImage | ImageData).data.buffer;
      // shared memory is seen by the worker as it is: nothing to transfer (nor can it be)
      const shared = typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer;
      return { value: input, transfer: given && !shared ? [buffer as ArrayBuffer] : [] };
    }
    case 'encoded':
      return { value: input, transfer: given && input instanceof ArrayBuffer ? [input] : [] };
    case 'path':
      return { value: input, transfer: [] };
    case 'tensor':
      return fromTensor(input);
    default:
      throw new VisionError('INVALID_INPUT', `cannot send a ${String(kind)} input to a worker`);
  }
}
