/**
 * Test helper: a photo turned by any angle about its centre onto a canvas that holds all of it
 * (bilinear, black where the photo does not reach; a quarter turn moves whole pixels), and the
 * map that takes a point of the photo to the turned one. Written here on its own, apart from the
 * SDK's samplers, so that it can check them.
 */
import type { RawImage } from '../../src/node/index';

/** A turned photo and the point map from the photo (continuous pixel coordinates) to it. */
export interface TurnedPhoto {
  image: RawImage;
  map(x: number, y: number): [number, number];
}

/** Turns `photo` (RGB) clockwise on the screen by `degrees`. */
export function turnPhoto(photo: RawImage, degrees: number): TurnedPhoto {
  const angle = (degrees * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const { width: w, height: h, data } = photo;
  const outW = Math.ceil(Math.abs(w * cos) + Math.abs(h * sin) - 1e-6);
  const outH = Math.ceil(Math.abs(w * sin) + Math.abs(h * cos) - 1e-6);
  const out = new Uint8Array(outW * outH * 3);
  const read = (x: number, y: number, c: number): number => (x >= 0 && x < w && y >= 0 && y < h ? data[(y * w + x) * 3 + c] : 0);
  for (let i = 0; i < outH; i++) {
    for (let j = 0; j < outW; j++) {
      // the centre of output pixel (j, i), turned back into the photo, as a pixel index
      const qx = j + 0.5 - outW / 2;
      const qy = i + 0.5 - outH / 2;
      const x = w / 2 + cos * qx + sin * qy - 0.5;
      const y = h / 2 - sin * qx + cos * qy - 0.5;
      const x0 = Math.floor(x + 1e-9);
      const y0 = Math.floor(y + 1e-9);
      const fx = Math.max(0, x - x0);
      const fy = Math.max(0, y - y0);
      for (let c = 0; c < 3; c++) {
        const top = read(x0, y0, c) * (1 - fx) + read(x0 + 1, y0, c) * fx;
        const bottom = read(x0, y0 + 1, c) * (1 - fx) + read(x0 + 1, y0 + 1, c) * fx;
        out[(i * outW + j) * 3 + c] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return {
    image: { data: out, width: outW, height: outH, channels: 3 },
    map: (x, y) => [outW / 2 + cos * (x - w / 2) - sin * (y - h / 2), outH / 2 + sin * (x - w / 2) + cos * (y - h / 2)],
  };
}
