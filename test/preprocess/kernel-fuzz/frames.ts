/**
 * The fuzz's frames as the samplers see them: int32 / float32 tensors read in place (in
 * tfjs-wasm's heap), or 8-bit RGB / RGBA pixels that a kernel call copies into the wasm memory —
 * pixels that remember which bytes were taken, so that a case can tell whether the kernel read a
 * frame row that was never copied (an out-of-bounds read that need not change its result).
 */
import * as tf from '@tensorflow/tfjs';
import { heapPixels } from '../../../src/preprocess/sampling/heap-pixels';
import type { OpenFrame } from '../../../src/preprocess/sampling/open-frame';
import { noise } from './noise';

/**
 * How a frame's values are held: a tensor of this dtype, or 8-bit pixels (`Uint8Array`, or
 * `Uint8ClampedArray` as ImageData holds them).
 *
 * @example
 * ```ts
 * const kind: FrameKind = 'uint8-clamped';
 * ```
 */
export type FrameKind = 'int32' | 'float32' | 'uint8' | 'uint8-clamped';

/**
 * A frame: its size, channels, kind (tensor dtype or 8-bit array), where its values start in the noise, and how many NaNs a float32 one has.
 *
 * @example
 * ```ts
 * const params: FrameParams = { width: 320, height: 240, channels: 4, kind: 'uint8', offset: 0, nans: 0 };
 * ```
 */
export interface FrameParams {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  kind: FrameKind;
  offset: number;
  nans: number;
}

/** 8-bit pixels that remember the byte range last taken with `subarray`: the rows a kernel call copies into the wasm memory. */
class RecordedBytes extends Uint8Array {
  taken: [number, number] | undefined;

  override subarray(begin = 0, end = this.length): Uint8Array<ArrayBuffer> {
    this.taken = [begin, end];
    return super.subarray(begin, end);
  }
}

/** {@link RecordedBytes} as ImageData holds them. */
class RecordedClampedBytes extends Uint8ClampedArray {
  taken: [number, number] | undefined;

  override subarray(begin = 0, end = this.length): Uint8ClampedArray<ArrayBuffer> {
    this.taken = [begin, end];
    return super.subarray(begin, end);
  }
}

/**
 * A frame opened for a case, with the rows a kernel was given of it.
 *
 * @example
 * ```ts
 * const test = openTestFrame(params);
 * const crop = sampleRegion(test.frame, region, target);
 * const copied = test.takeCopiedRows(); // e.g. [12, 57], or undefined for a tensor
 * test.dispose();
 * ```
 */
export interface TestFrame {
  frame: OpenFrame;
  /** The frame rows [first, last] last copied into the wasm memory (8-bit frames), then forgotten. */
  takeCopiedRows(): [number, number] | undefined;
  dispose(): void;
}

/**
 * A frame as the samplers see it: a tensor read in place (with all its channels), or 8-bit pixels in memory.
 *
 * @example
 * ```ts
 * const test = openTestFrame({ width: 211, height: 157, channels: 3, kind: 'uint8', offset: 12345, nans: 0 });
 * ```
 */
export function openTestFrame(p: FrameParams): TestFrame {
  const { width, height, channels } = p;
  const count = width * height * channels;
  const values = noise().subarray(p.offset, p.offset + count + 1);
  const base = { width, height, channels, release: () => undefined };
  if (p.kind === 'uint8' || p.kind === 'uint8-clamped') {
    const data = p.kind === 'uint8' ? new RecordedBytes(count) : new RecordedClampedBytes(count);
    data.set(values.subarray(0, count));
    const rowBytes = width * channels;
    return {
      frame: { ...base, pixels: () => data },
      takeCopiedRows: () => {
        const taken = data.taken;
        data.taken = undefined;
        return taken && [taken[0] / rowBytes, taken[1] / rowBytes - 1];
      },
      dispose: () => undefined,
    };
  }
  const typed = p.kind === 'int32' ? new Int32Array(count) : new Float32Array(count);
  for (let i = 0; i < count; i++) typed[i] = p.kind === 'int32' ? values[i] : values[i] + values[i + 1] / 256;
  for (let k = 0; k < p.nans; k++) typed[(k * 7919 + p.offset) % count] = Number.NaN;
  const tensor = tf.tensor3d(typed, [height, width, channels], p.kind);
  return { frame: { ...base, tensor, pixels: heapPixels(tensor) }, takeCopiedRows: () => undefined, dispose: () => tensor.dispose() };
}
