/** Pixel data in memory: `channels` is 1 (grey), 3 (RGB) or 4 (RGBA), row-major, interleaved. @example `const raw: RawImage = { data, width: 2, height: 1, channels: 3 };` */
export interface RawImage {
  data: Uint8Array | Uint8ClampedArray | Float32Array;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}
