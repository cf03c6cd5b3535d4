/**
 * The rotated-crop sampler against OpenCV: `sampleAffine` on a real photo (face-api sample4,
 * the part with the hand holding a phone) equals `cv2.warpAffine(…, INTER_LINEAR |
 * WARP_INVERSE_MAP, BORDER_CONSTANT 0)` of the same map (scripts/opencv_warp_affine.py, Debian
 * python3-opencv) within 1 grey level, on the in-memory path and on the tensor path
 * (`tf.image.transform`). OpenCV quantises sample positions to 1/32 pixel, so the maps here keep
 * every position on that grid (a 135° turn at scale 1/√2, a 90° crop region at half size): then
 * its fixed-point blend is exact up to the final rounding.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RawImage } from '../../src/node/index';
import { type AffineMatrix, type RotatedRegion, regionPointToSource, rotatedRegionAffine, rotatedRegionBounds } from '../../src/preprocess/rotated-region';
import { sampleAffine } from '../../src/preprocess/sampling/affine-sample';
import { facePhoto } from '../helpers/photos';
import { cropped } from '../pose/helpers';
import { expectVisionError } from '../runtime/helpers';

const ROOT = join(import.meta.dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'opencv_warp_affine.py');

/** OpenCV's warpAffine of `image` (RGB), cached in .cache/opencv-warp/ by content. */
function opencvWarp(image: RawImage, m: AffineMatrix, outW: number, outH: number): Uint8Array {
  const args = [image.height, image.width, ...m, outW, outH].map(String);
  const key = createHash('sha256').update(image.data).update(readFileSync(SCRIPT)).update(args.join(',')).digest('hex').slice(0, 16);
  const folder = join(ROOT, '.cache', 'opencv-warp');
  const out = join(folder, `${key}.rgb`);
  if (!existsSync(out)) {
    mkdirSync(folder, { recursive: true });
    const input = join(folder, `${key}.in.rgb`);
    writeFileSync(input, image.data);
    const run = spawnSync('/usr/bin/python3', [SCRIPT, input, ...args, out], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`opencv_warp_affine.py failed (needs apt-get install -y python3-opencv):\n${run.stderr}`);
  }
  return new Uint8Array(readFileSync(out));
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]));
  return worst;
}

describe('sampleAffine equals OpenCV warpAffine (bilinear, black border)', () => {
  let photo: RawImage;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    photo = await cropped(facePhoto(4), 300, 250, 300, 260);
  });

  // a 135° turn at scale 1/√2 about the photo's middle (reaching past its corners), and a 90° crop
  // region of 128 × 128 pixels sampled at 64 × 64
  const turned: AffineMatrix = [-0.5, -0.5, 250.25, 0.5, -0.5, 70.5];
  const region: RotatedRegion = { centerX: 150, centerY: 120, width: 128, height: 128, rotation: Math.PI / 2 };
  it.each([
    ['135° at scale 1/√2', turned, 240, 200],
    ['a 90° crop region', null, 64, 64],
  ] as const)('%s: every value within 1 grey level; the tensor path too', async (_name, given, outW, outH) => {
    const m = given ?? rotatedRegionAffine(region, outW, outH);
    const reference = opencvWarp(photo, m, outW, outH);
    const frame = { width: photo.width, height: photo.height, channels: 3, pixels: () => photo.data, release: () => undefined };
    const target = { width: outW, height: outH, normalization: 'none', dtype: 'float32' } as const;
    const ours = sampleAffine(frame, m, target);
    const tensor = tf.tensor3d(Int32Array.from(photo.data), [photo.height, photo.width, 3], 'int32');
    const onBackend = sampleAffine({ width: photo.width, height: photo.height, channels: 3, tensor, release: () => undefined }, m, target);
    const [a, b] = [await ours.data(), await onBackend.data()];
    const [worst, worstBackend] = [maxDifference(a, reference), maxDifference(b, reference)];
    console.log(`${_name}: max |ours − OpenCV| ${worst.toFixed(3)}, tensor path ${worstBackend.toFixed(3)} grey levels`);
    expect(worst).toBeLessThanOrEqual(1);
    expect(worstBackend).toBeLessThanOrEqual(1);
    // the map reaches past the photo: black corners are part of what is compared
    expect(reference.filter((v) => v === 0).length).toBeGreaterThan(given ? 1000 : -1);
    tf.dispose([ours, onBackend, tensor]);
  });

  it('a rotated region: the crop’s top middle is where regionPointToSource says; bounds hold the corners; bad maps are INVALID_INPUT', async () => {
    const [x, y] = regionPointToSource(region, 0.5, 0);
    // turned 90° clockwise, the crop's up points to the frame's right
    expect(x).toBeCloseTo(150 + 64);
    expect(y).toBeCloseTo(120);
    const bounds = rotatedRegionBounds({ ...region, rotation: Math.PI / 4 }, 300, 260);
    expect((bounds.xMax - bounds.xMin) * 300).toBeCloseTo(128 * Math.SQRT2);
    const frame = { width: 2, height: 2, channels: 3, pixels: () => new Uint8Array(12), release: () => undefined };
    await expectVisionError(async () => sampleAffine(frame, [1, 0, Number.NaN, 0, 1, 0], { width: 2, height: 2, normalization: 'none', dtype: 'float32' }), 'INVALID_INPUT');
    await expectVisionError(async () => rotatedRegionAffine({ ...region, width: 0 }, 4, 4), 'INVALID_INPUT');
  });
});
