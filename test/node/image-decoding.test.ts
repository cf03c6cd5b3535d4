/**
 * What `decodeImageFile` (Node, sharp) takes: the documented formats only — an SVG is rendered,
 * not decoded (a 300-byte one with a blur ran for minutes), float samples have no one meaning as
 * pixels (a 0–1 float TIFF came out gamma-brightened) — and transparent pixels read as a
 * browser reads them: black where fully transparent (their hidden colour was used), the colour
 * kept where partly transparent. An empty file says so.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImageFile } from '../../src/node/index';

const dir = mkdtempSync(join(tmpdir(), 'vp-decode-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A minimal uncompressed RGB TIFF of float32 samples (sharp writes TIFFs of bytes only). */
function floatTiff(width: number, height: number, samples: Float32Array): Uint8Array {
  const entries: [tag: number, type: number, count: number, value: number][] = [];
  const extra = 8 + 2 + 11 * 12 + 4; // after the header and the IFD: the two 3-value arrays, then the pixels
  const [bits, format, pixels] = [extra, extra + 6, extra + 12];
  entries.push([256, 4, 1, width], [257, 4, 1, height], [258, 3, 3, bits], [259, 3, 1, 1], [262, 3, 1, 2], [273, 4, 1, pixels]);
  entries.push([277, 3, 1, 3], [278, 4, 1, height], [279, 4, 1, samples.byteLength], [284, 3, 1, 1], [339, 3, 3, format]);
  const out = new DataView(new ArrayBuffer(pixels + samples.byteLength));
  out.setUint16(0, 0x4949);
  out.setUint16(2, 42, true);
  out.setUint32(4, 8, true);
  out.setUint16(8, entries.length, true);
  entries.forEach(([tag, type, count, value], i) => {
    const at = 10 + i * 12;
    out.setUint16(at, tag, true);
    out.setUint16(at + 2, type, true);
    out.setUint32(at + 4, count, true);
    if (type === 3 && count === 1) out.setUint16(at + 8, value, true);
    else out.setUint32(at + 8, value, true);
  });
  for (let k = 0; k < 3; k++) {
    out.setUint16(bits + 2 * k, 32, true);
    out.setUint16(format + 2 * k, 3, true); // IEEE floating point
  }
  samples.forEach((v, i) => out.setFloat32(pixels + 4 * i, v, true));
  return new Uint8Array(out.buffer);
}

const refused = (source: string | Uint8Array, message: RegExp): Promise<void> =>
  expect(decodeImageFile(source)).rejects.toMatchObject({ name: 'VisionError', code: 'INVALID_INPUT', message: expect.stringMatching(message) });

describe('decodeImageFile', () => {
  it('refuses SVG (path and bytes) and float samples, naming what is allowed', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="48"><rect width="64" height="48" fill="red"/></svg>');
    writeFileSync(join(dir, 'logo.svg'), svg);
    await refused(join(dir, 'logo.svg'), /^the image '.*logo\.svg' is in SVG format; allowed: JPEG, PNG, WebP, GIF, AVIF, TIFF$/);
    await refused(new Uint8Array(svg), /^the image is in SVG format; allowed:/);
    const floats = Float32Array.from({ length: 16 * 12 * 3 }, (_, i) => (i % 97) / 97);
    await refused(floatTiff(16, 12, floats), /^the image holds float samples \(a TIFF of measurements, not of 8- or 16-bit pixels\); convert it to 8-bit first$/);
    // 8- and 16-bit TIFFs still decode
    const bytes = Uint8Array.from({ length: 16 * 12 * 3 }, (_, i) => i % 251);
    const eight = await decodeImageFile(new Uint8Array(await sharp(bytes, { raw: { width: 16, height: 12, channels: 3 } }).tiff({ compression: 'lzw' }).toBuffer()));
    expect(Array.from(eight.data)).toEqual(Array.from(bytes));
  });

  it('fully transparent pixels are black, partly transparent ones keep their colour; opaque images are as they were', async () => {
    const [width, height] = [8, 4];
    const rgba = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      const alpha = i % 4 === 0 ? 0 : i % 4 === 1 ? 128 : 255;
      rgba.set([200, 10 + i, 30, alpha], i * 4); // a hidden colour under the transparent pixels
    }
    const png = await sharp(rgba, { raw: { width, height, channels: 4 } }).png().toBuffer();
    const decoded = await decodeImageFile(new Uint8Array(png));
    expect(decoded).toMatchObject({ width, height, channels: 3 });
    for (let i = 0; i < width * height; i++) {
      const expected = i % 4 === 0 ? [0, 0, 0] : [200, 10 + i, 30];
      expect(Array.from(decoded.data.subarray(i * 3, i * 3 + 3)), `pixel ${i}`).toEqual(expected);
    }
    const opaque = await decodeImageFile(new Uint8Array(await sharp(rgba, { raw: { width, height, channels: 4 } }).removeAlpha().png().toBuffer()));
    expect(opaque.data[0]).toBe(200);
  });

  it('an empty file is INVALID_INPUT saying it is empty (it said "Input Bit Array is empty")', async () => {
    writeFileSync(join(dir, 'empty.jpg'), '');
    await refused(join(dir, 'empty.jpg'), /^the image '.*empty\.jpg' is empty \(0 bytes\)$/);
  });
});
