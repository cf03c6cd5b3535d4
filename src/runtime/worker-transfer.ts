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

type PixelView = Uint8Array | Uint8ClampedArray | Float32Array;

/**
 * What to post for a typed array: shared memory as it is (the worker sees it; it cannot be
 * transferred); a view over its whole buffer as it is, that buffer transferred when the caller
 * handed the image over; a view over part of a larger buffer (a WebAssembly heap, a pooled
 * buffer) copied into a buffer of its own, which is transferred — posting the view would copy,
 * or transferring it detach, the whole buffer, the caller's other data in it included.
 */
function bytesForWorker<T extends PixelView>(view: T, given: boolean): { view: T; transfer: ArrayBuffer[] } {
  const buffer = view.buffer;
  if (typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer) return { view, transfer: [] };
  if (view.byteOffset === 0 && view.byteLength === buffer.byteLength) return { view, transfer: given ? [buffer as ArrayBuffer] : [] };
  // a new array of the base type (a Node Buffer's slice() is a view of the same pool, not a copy)
  const copy = (view instanceof Float32Array ? new Float32Array(view) : view instanceof Uint8ClampedArray ? new Uint8ClampedArray(view) : new Uint8Array(view)) as T;
  return { view: copy, transfer: [copy.buffer as ArrayBuffer] };
}

/**
 * Prepares any {@link ImageInput} for a worker without structured-cloning pixels where it can
 * be avoided. `VideoFrame`s are cloned (no pixel copy) and the clone transferred; `<video>`
 * elements become a `VideoFrame` (no copy); `ImageBitmap`s, images and canvases become a
 * bitmap (one GPU copy) that is transferred. Frames marked with `handOver()` are transferred
 * as they are (detaching the caller's object), as are the buffers of handed-over raw images and
 * image bytes (a `SharedArrayBuffer` is not: the worker shares it as it is). Pixels or bytes
 * viewing part of a larger buffer are copied once into a buffer of their own, which is
 * transferred, so the rest of the caller's buffer is neither copied nor detached.
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
      const image = input as RawImage | ImageData;
      const { view, transfer } = bytesForWorker(image.data, given);
      if (view === image.data) return { value: input, transfer };
      // ImageData keeps its fields on the prototype, so they are named one by one
      const channels = kind === 'raw' ? { channels: (image as RawImage).channels } : {};
      return { value: { data: view, width: image.width, height: image.height, ...channels } as RawImage, transfer };
    }
    case 'encoded': {
      if (input instanceof ArrayBuffer) return { value: input, transfer: given ? [input] : [] };
      const { view, transfer } = bytesForWorker(input as Uint8Array, given);
      return { value: view, transfer };
    }
    case 'path':
      return { value: input, transfer: [] };
    case 'tensor':
      return fromTensor(input);
    default:
      throw new VisionError('INVALID_INPUT', `cannot send a ${String(kind)} input to a worker`);
  }
}
