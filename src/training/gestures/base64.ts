import { VisionError } from '../../core/errors';

/**
 * Bytes → base64 text (works in browsers, workers and Node, without `Buffer`).
 *
 * @example
 * ```ts
 * bytesToBase64(new Uint8Array([1, 2, 3])); // 'AQID'
 * ```
 */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * Base64 text → bytes; `MODEL_FORMAT` when the text is not base64.
 *
 * @example
 * ```ts
 * base64ToBytes('AQID'); // Uint8Array [1, 2, 3]
 * ```
 */
export function base64ToBytes(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch (error) {
    throw new VisionError('MODEL_FORMAT', 'the saved weights are not valid base64 text', { cause: error });
  }
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
