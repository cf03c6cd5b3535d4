/**
 * Masks across the worker boundary. A {@link Mask} is a class instance, so structured clone
 * would strip its methods; the worker side replaces every mask in a result by its packed
 * data (closing the worker's mask; the buffers are transferred, not copied) and the calling
 * side turns them back into owned `Mask` objects.
 */
import { Mask, type PackedMask } from '../core/mask';
import { RgbaImage } from '../core/rgba-image';
import { isPlainContainer } from '../core/close-result';

const MARK = '__visionpipeMask';
/** Owned RGBA pictures (a matting model's foreground) travel the same way as masks. */
const IMAGE_MARK = '__visionpipeRgbaImage';

/** A packed mask inside a result on the wire. */
interface WireMask {
  [MARK]: PackedMask;
}

function isWireMask(value: object): value is WireMask {
  return MARK in value && Object.keys(value).length === 1;
}

/** A packed RGBA picture inside a result on the wire. */
interface WireImage {
  [IMAGE_MARK]: { width: number; height: number; data: Uint8ClampedArray<ArrayBuffer> };
}

function isWireImage(value: object): value is WireImage {
  return IMAGE_MARK in value && Object.keys(value).length === 1;
}

function mapDeep(value: unknown, visit: (v: object) => unknown | undefined): unknown {
  if (typeof value === 'object' && value !== null) {
    const replaced = visit(value);
    if (replaced !== undefined) return replaced;
  }
  // plain objects and arrays are walked; typed arrays, buffers and other instances are kept as they are
  if (!isPlainContainer(value)) return value;
  if (Array.isArray(value)) return value.map((v) => mapDeep(v, visit));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = mapDeep(v, visit);
  return out;
}

/**
 * Worker side: a copy of `result` with every `Mask` and `RgbaImage` (at any depth of plain
 * objects and arrays) replaced by its packed data, the buffers to transfer, and the masks closed — the
 * worker keeps nothing. Masks are closed even when packing fails.
 *
 * @example
 * ```ts
 * const { value, transfer } = packMasks(await segmenter.run(frame));
 * return Comlink.transfer(value, transfer);
 * ```
 */
export function packMasks<T>(result: T): { value: T; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  const seen: Mask[] = [];
  try {
    const value = mapDeep(result, (v) => {
      if (v instanceof RgbaImage) {
        const data = v.data;
        v.close();
        transfer.push(data.buffer);
        return { [IMAGE_MARK]: { width: v.width, height: v.height, data } } satisfies WireImage;
      }
      if (!(v instanceof Mask)) return undefined;
      seen.push(v);
      const packed = v.pack();
      transfer.push(packed.data.buffer as ArrayBuffer);
      return { [MARK]: packed } satisfies WireMask;
    }) as T;
    return { value, transfer };
  } finally {
    for (const m of seen) m.close();
  }
}

/**
 * Calling side: `value` with every packed mask (and RGBA picture) turned back into an owned {@link Mask} (the
 * caller closes them, as with in-thread results). Values without masks come back as they are.
 *
 * @example
 * ```ts
 * const result = unpackMasks(await api.run(id, frame, options));
 * result.categoryMask?.close();
 * ```
 */
export function unpackMasks<T>(value: T): T {
  const made: Mask[] = [];
  try {
    return mapDeep(value, (v) => {
      if (isWireImage(v)) return RgbaImage.create(v[IMAGE_MARK].width, v[IMAGE_MARK].height, v[IMAGE_MARK].data);
      if (!isWireMask(v)) return undefined;
      const mask = Mask.unpack(v[MARK]);
      made.push(mask);
      return mask;
    }) as T;
  } catch (error) {
    for (const m of made) m.close();
    throw error;
  }
}

