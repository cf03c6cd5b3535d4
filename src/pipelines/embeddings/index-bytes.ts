import { shownValue } from '../../core/shown-value';
import { VisionError, describeError } from '../../core/errors';

/** First bytes of a saved index: "VPSI" (visionpipe similarity index). */
const MAGIC = [0x56, 0x50, 0x53, 0x49];
const VERSION = 1;
/** magic (4) + version (uint32) + header length (uint32), little-endian. */
const PREFIX = 12;

/**
 * The parts of a saved similarity index.
 *
 * @example
 * ```ts
 * const parts: IndexParts = { dim: 2, ids: ['a'], metadata: [undefined], vectors: Float32Array.of(1, 0) };
 * ```
 */
export interface IndexParts {
  dim: number;
  ids: readonly string[];
  metadata: readonly unknown[];
  /** `ids.length × dim` values, row after row. */
  vectors: Float32Array;
}

const bad = (what: string) => new VisionError('INVALID_INPUT', `not a visionpipe similarity index (version ${VERSION}): ${what}`);

/**
 * Writes an index as bytes: "VPSI", format version, header length, a UTF-8 JSON header
 * `{ dim, count, ids, metadata }` padded to 4 bytes, then `count × dim` little-endian float32 values.
 *
 * @example
 * ```ts
 * const bytes = encodeIndex({ dim: 2, ids: ['a'], metadata: [{ path: 'a.jpg' }], vectors: Float32Array.of(1, 0) });
 * ```
 */
export function encodeIndex(parts: IndexParts): Uint8Array {
  let header: Uint8Array;
  let bytes: Uint8Array;
  try {
    header = new TextEncoder().encode(JSON.stringify({ dim: parts.dim, count: parts.ids.length, ids: parts.ids, metadata: parts.metadata.map((m) => m ?? null) }));
    bytes = new Uint8Array(PREFIX + Math.ceil(header.length / 4) * 4 + parts.vectors.length * 4);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    // the JavaScript engine's limits on one string or one byte array (V8: ~512 MB of JSON, 4 GiB of bytes)
    throw new VisionError('INVALID_INPUT', `the index is too large to save as one file: ${parts.ids.length} vectors of ${parts.dim} values with their ids and metadata (${describeError(error)}); split it into several indexes`, { cause: error });
  }
  const headerLength = Math.ceil(header.length / 4) * 4;
  bytes.set(MAGIC, 0);
  const view = new DataView(bytes.buffer);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, headerLength, true);
  bytes.fill(0x20, PREFIX, PREFIX + headerLength); // JSON allows trailing spaces
  bytes.set(header, PREFIX);
  const start = PREFIX + headerLength;
  for (let i = 0; i < parts.vectors.length; i++) view.setFloat32(start + i * 4, parts.vectors[i], true);
  return bytes;
}

/**
 * Reads bytes written by {@link encodeIndex}; `INVALID_INPUT` naming what is wrong when they are
 * not a complete index of this version.
 *
 * @example
 * ```ts
 * const { dim, ids, vectors } = decodeIndex(bytes);
 * ```
 */
export function decodeIndex(bytes: Uint8Array): IndexParts {
  if (!(bytes instanceof Uint8Array)) throw bad(`the bytes are ${shownValue(bytes)}; allowed: a Uint8Array or ArrayBuffer of toBytes()`);
  if (bytes.length < PREFIX || MAGIC.some((b, i) => bytes[i] !== b)) throw bad('the bytes do not start with VPSI');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== VERSION) throw bad(`format version ${version}`);
  const headerLength = view.getUint32(8, true);
  if (PREFIX + headerLength > bytes.length) throw bad('the header is cut short');
  let header: { dim?: unknown; count?: unknown; ids?: unknown; metadata?: unknown };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX, PREFIX + headerLength))) as typeof header;
  } catch {
    throw bad('the header is not JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw bad('the header is not a JSON object');
  const { dim, count, ids, metadata } = header;
  if (!(Number.isInteger(dim) && (dim as number) > 0 && Number.isInteger(count) && (count as number) >= 0)) throw bad('dim or count is not a valid integer');
  if (!Array.isArray(ids) || ids.length !== count || ids.some((id) => typeof id !== 'string')) throw bad('ids are not count strings');
  if (!Array.isArray(metadata) || metadata.length !== count) throw bad('metadata is not one entry per id');
  const values = (count as number) * (dim as number);
  const start = PREFIX + headerLength;
  if (bytes.length !== start + values * 4) throw bad(`expected ${values} float32 values after the header, found ${(bytes.length - start) / 4}`);
  const vectors = new Float32Array(values);
  for (let i = 0; i < values; i++) vectors[i] = view.getFloat32(start + i * 4, true);
  return { dim: dim as number, ids: ids as string[], metadata: metadata.map((m: unknown) => (m === null ? undefined : m)), vectors };
}
