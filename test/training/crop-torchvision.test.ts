/**
 * `cropSample` (and so `augmentSpatial`'s crop) resamples the region with half-pixel centres:
 * output pixel j reads the source at x + (j + ½)·w/W − ½. Checked against torch's
 * `grid_sample` (bilinear, `align_corners=False`, border padding; run by `/usr/bin/python3`)
 * on cpu and wasm, whole-pixel and fractional regions; and its boxes and mask against its own
 * image: the box of a square lands within half a pixel of the square the cropped image and
 * mask show (the image was cropped with align-corners sampling while the boxes were mapped with
 * pixel edges, up to 2 px apart on a 5× zoom). torchvision's `resized_crop` differs only in
 * the outer half pixel of the region (it cuts the crop first, so its edge is the crop's own).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import type { Box } from '../../src/core/types';
import { cropSample } from '../../src/training/index';
import { seededRandom } from '../../src/training/random';

const W = 64;
const H = 48;
const folder = mkdtempSync(join(tmpdir(), 'crop-torchvision-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Regions inside the image: zooms of 1.25× to 6×, an identity, a stretch, fractional edges. */
const REGIONS = [
  { x: 0, y: 0, width: 64, height: 48 },
  { x: 5, y: 3, width: 40, height: 30 },
  { x: 50, y: 40, width: 14, height: 8 },
  { x: 17, y: 9, width: 11, height: 37 },
  { x: 0, y: 20, width: 64, height: 9 },
  { x: 7.3, y: 2.6, width: 20.6, height: 33.1 },
];

function torchCrops(pixels: Float32Array): Float32Array[] {
  const file = join(folder, 'image.f32');
  writeFileSync(file, pixels);
  const script = `
import sys, json, numpy as np, torch
t = torch.from_numpy(np.fromfile(sys.argv[1], dtype='<f4').reshape(${H}, ${W}, 3)).permute(2, 0, 1)[None].double()
for i, r in enumerate(json.loads(sys.argv[2])):
    # source pixel index of output pixel j: x + (j + 0.5) * w / W - 0.5, as grid_sample's normalised (2i + 1) / W - 1
    xs = r['x'] + (torch.arange(${W}).double() + 0.5) * r['width'] / ${W} - 0.5
    ys = r['y'] + (torch.arange(${H}).double() + 0.5) * r['height'] / ${H} - 0.5
    gy, gx = torch.meshgrid((2 * ys + 1) / ${H} - 1, (2 * xs + 1) / ${W} - 1, indexing='ij')
    out = torch.nn.functional.grid_sample(t, torch.stack([gx, gy], -1)[None], mode='bilinear', padding_mode='border', align_corners=False)
    out[0].permute(1, 2, 0).contiguous().numpy().astype('<f4').tofile(sys.argv[1] + '.' + str(i))
`;
  const run = spawnSync('/usr/bin/python3', ['-c', script, file, JSON.stringify(REGIONS)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`);
  return REGIONS.map((_, i) => new Float32Array(readFileSync(`${file}.${i}`).buffer.slice(0)));
}

/** Bounding box (pixel edges) of the pixels of channel 0 above `threshold`. */
function shownBox(t: tf.Tensor, threshold: number): Box {
  const [h, w] = t.shape;
  const channels = t.rank === 3 ? t.shape[2]! : 1;
  const data = t.dataSync();
  const box = { x1: Infinity, y1: Infinity, x2: -Infinity, y2: -Infinity };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (data[(y * w + x) * channels] <= threshold) continue;
      box.x1 = Math.min(box.x1, x);
      box.y1 = Math.min(box.y1, y);
      box.x2 = Math.max(box.x2, x + 1);
      box.y2 = Math.max(box.y2, y + 1);
    }
  }
  return box;
}

describe.each(['cpu', 'wasm'])('cropSample on %s', (backend) => {
  it("equals torch's grid_sample at half-pixel centres", async () => {
    await tf.setBackend(backend);
    const random = seededRandom(7);
    const pixels = Float32Array.from({ length: H * W * 3 }, () => Math.round(random() * 255));
    const expected = torchCrops(pixels);
    const image = tf.tensor3d(pixels, [H, W, 3]);
    const before = tf.memory().numTensors;
    REGIONS.forEach((region, i) => {
      const out = cropSample({ image }, region);
      const got = out.image.dataSync();
      let worst = 0;
      for (let k = 0; k < got.length; k++) worst = Math.max(worst, Math.abs(got[k] - expected[i][k]));
      expect(worst, JSON.stringify(region)).toBeLessThan(2e-3);
      out.image.dispose();
    });
    expect(tf.memory().numTensors).toBe(before);
    // an integer image is rounded, not truncated: the identity crop gives its own pixels back
    const ints = image.toInt();
    const same = cropSample({ image: ints }, REGIONS[0]).image;
    expect(same.dtype).toBe('int32');
    expect(Array.from(same.dataSync())).toEqual(Array.from(pixels));
    tf.dispose([image, ints, same]);
  });

  it('maps boxes as it maps the image and the mask (within half a pixel)', async () => {
    await tf.setBackend(backend);
    const square = { x1: 40, y1: 12, x2: 58, y2: 30 };
    const mask = tf.buffer([H, W], 'float32');
    for (let y = square.y1; y < square.y2; y++) for (let x = square.x1; x < square.x2; x++) mask.set(1, y, x);
    const maskTensor = mask.toTensor() as tf.Tensor2D;
    const image = tf.tidy(() => tf.stack([maskTensor, maskTensor, maskTensor], 2).mul(255) as tf.Tensor3D);
    for (const region of [{ x: 36, y: 8, width: 26, height: 26 }, { x: 38, y: 10, width: 12, height: 12 }, { x: 20, y: 0, width: 44, height: 40 }, { x: 0, y: 0, width: W, height: H }, { x: -10, y: -6, width: 84, height: 60 }]) {
      const out = cropSample({ image, boxes: [square], mask: maskTensor }, region);
      const [box] = out.boxes!;
      for (const shown of [shownBox(out.image, 127.5), shownBox(out.mask!, 0.5)]) {
        for (const k of ['x1', 'y1', 'x2', 'y2'] as const) expect(Math.abs(box[k] - shown[k]), `${JSON.stringify(region)} ${k}`).toBeLessThanOrEqual(0.5);
      }
      tf.dispose([out.image, out.mask!]);
    }
    const same = cropSample({ image, mask: maskTensor }, { x: 0, y: 0, width: W, height: H });
    expect(tf.max(tf.abs(tf.sub(same.image, image))).dataSync()[0]).toBeLessThan(1e-3);
    expect(Array.from(same.mask!.dataSync())).toEqual(Array.from(maskTensor.dataSync()));
    tf.dispose([same.image, same.mask!, image, maskTensor]);
  });

  it('crops a one-pixel-high or -wide image to its own pixels (tfjs-wasm cropAndResize gave a strip its first pixel twice)', async () => {
    await tf.setBackend(backend);
    for (const shape of [[1, 2, 3], [2, 1, 3], [1, 3, 3]] as const) {
      const values = Array.from({ length: shape[0] * shape[1] * 3 }, (_, i) => 10 * (i + 1));
      const strip = tf.tensor3d(values, [...shape]);
      const out = cropSample({ image: strip }, { x: 0, y: 0, width: shape[1], height: shape[0] }).image;
      Array.from(out.dataSync()).forEach((v, i) => expect(v, `${shape} ${i}`).toBeCloseTo(values[i], 3));
      tf.dispose([strip, out]);
    }
  });
});
