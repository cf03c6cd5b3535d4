/**
 * torchvision's classic evaluation preprocessing — `Resize(256)` (antialiased or not) then
 * `CenterCrop(224)` — as a card's `fit: 'center-crop'` with `cropFraction` and `antialias`:
 * the model input equals torchvision's (float tensors, run by `/usr/bin/python3`) on real photos
 * and odd shapes (landscape, portrait, a 1-pixel-high strip, an image smaller than the crop),
 * on every path that makes one — the tensor path on cpu and wasm, the samplers reading pixels
 * in memory (JavaScript loop and WebAssembly SIMD kernel), and explain's differentiable
 * preprocessing; Pillow's antialiased resize (8-bit between passes) within a grey level.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InputSpec, type RawImage, VisionError, decodeImageFile, prepareImage, prepareInput, selectTfjsBackend } from '../../src/node/index';
import { differentiablePrepare } from '../../src/explain/differentiable-prepare';
import { fitGeometry } from '../../src/preprocess/geometry';
import { axisTaps } from '../../src/preprocess/axis-taps';
import { resamplePixels } from '../../src/preprocess/resample-pixels';
import { gatherResample } from '../../src/preprocess/resample-taps';
import { checkCardInput } from '../../src/pipelines/shared/card-input-check';
import { rng } from '../explain/presence-scenes';

const FIXTURES = join(__dirname, '../fixtures/images');
const folder = mkdtempSync(join(tmpdir(), 'crop-fraction-'));

/**
 * torchvision's (and Pillow's) inputs of images, `Resize(resizeTo)` + `CenterCrop(cropTo)`:
 * per image [torch no antialias, torch antialias, PIL], each HWC float32 (one Python run).
 */
function torchvisionInputs(images: readonly RawImage[], resizeTo: number, cropTo: number): Float32Array[][] {
  const files = images.map((image, i) => {
    const file = join(folder, `image${i}.u8`);
    writeFileSync(file, image.data);
    return `${file}:${image.height}:${image.width}`;
  });
  const script = `
import sys, numpy as np, torch, torchvision.transforms.functional as F
from PIL import Image
size, crop = int(sys.argv[1]), int(sys.argv[2])
for item in sys.argv[3:]:
    f, h, w = item.split(':')
    a = np.fromfile(f, dtype=np.uint8).reshape(int(h), int(w), 3)
    t = torch.from_numpy(a.astype(np.float32)).permute(2, 0, 1)
    for aa in (False, True):
        F.center_crop(F.resize(t, size, antialias=aa), crop).permute(1, 2, 0).contiguous().numpy().astype('<f4').tofile(f + ('.aa' if aa else '.plain'))
    np.asarray(F.center_crop(F.resize(Image.fromarray(a), size), crop), dtype='<f4').tofile(f + '.pil')
`;
  const run = spawnSync('/usr/bin/python3', ['-c', script, String(resizeTo), String(cropTo), ...files], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`);
  return files.map((item) => ['plain', 'aa', 'pil'].map((suffix) => new Float32Array(readFileSync(`${item.split(':')[0]}.${suffix}`).buffer.slice(0))));
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

function meanDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

/** Random 8-bit RGB of a size (smooth enough that a resize matters, rough enough that aliasing shows). */
function randomImage(width: number, height: number, seed: number): RawImage {
  const random = rng(seed);
  return { data: Uint8Array.from({ length: width * height * 3 }, () => Math.floor(random() * 256)), width, height, channels: 3 };
}

/** An RGB copy of a photo cut to `width` × `height` (odd shapes from real pixels). */
function cut(photo: RawImage, width: number, height: number): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = photo.data[(y * photo.width + x) * photo.channels + c];
  }
  return { data, width, height, channels: 3 };
}

const spec = (antialias: boolean): InputSpec => ({ width: 224, height: 224, fit: 'center-crop', cropFraction: 0.875, antialias });

async function prepared(image: RawImage | tf.Tensor3D, inputSpec: InputSpec): Promise<Float32Array> {
  const { input } = await prepareInput(image, inputSpec);
  const values = input.dataSync() as Float32Array;
  input.dispose();
  return values;
}

describe('centre crop with cropFraction and antialias = torchvision Resize(256) + CenterCrop(224)', () => {
  const cases: { name: string; image: RawImage }[] = [];
  let references: Float32Array[][] = [];
  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'wasm' });
    const chelsea = await decodeImageFile(join(FIXTURES, 'chelsea.jpg'));
    const coffee = await decodeImageFile(join(FIXTURES, 'coffee.jpg'));
    cases.push(
      { name: 'chelsea (landscape photo)', image: cut(chelsea, chelsea.width, chelsea.height) },
      { name: 'coffee cut to a portrait 301×397', image: cut(coffee, 301, 397) },
      { name: 'random 1000×37 strip', image: randomImage(1000, 37, 5) },
      { name: 'random 150×90 (enlarged)', image: randomImage(150, 90, 6) },
    );
    references = torchvisionInputs(cases.map((c) => c.image), 256, 224);
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('makes torchvision’s inputs on every path (tensor cpu / wasm, samplers, explain)', async () => {
    for (const [k, { name, image }] of cases.entries()) {
      const [plain, antialiased, pil] = references[k];
      const before = tf.memory().numTensors;
      for (const [antialias, want] of [[false, plain], [true, antialiased]] as const) {
        const label = `${name}, antialias ${antialias}`;
        // in memory: the samplers (no antialias; float32 positions) or the tensor path (antialiased shrink), on wasm
        expect(maxDifference(await prepared(image, spec(antialias)), want), label).toBeLessThan(0.02);
        const tensor = tf.tensor3d(Int32Array.from(image.data), [image.height, image.width, 3], 'int32');
        expect(maxDifference(await prepared(tensor, spec(antialias)), want), `${label} (wasm tensor)`).toBeLessThan(0.02);
        const viaExplain = tf.tidy(() => differentiablePrepare(tf.cast(tensor, 'float32') as tf.Tensor3D, spec(antialias)).dataSync());
        expect(maxDifference(viaExplain, want), `${label} (explain)`).toBeLessThan(0.02);
        await tf.setBackend('cpu');
        const onCpu = tf.tensor3d(Int32Array.from(image.data), [image.height, image.width, 3], 'int32');
        const { input } = prepareImage(onCpu, spec(antialias));
        expect(maxDifference(input.dataSync(), want), `${label} (cpu tensor)`).toBeLessThan(0.02);
        tf.dispose([onCpu, input]);
        await tf.setBackend('wasm');
        tensor.dispose();
      }
      // Pillow rounds to 8 bits between its two passes
      expect(meanDifference(antialiased, pil), name).toBeLessThan(0.5);
      expect(maxDifference(antialiased, pil), name).toBeLessThan(1.5);
      expect(tf.memory().numTensors, name).toBe(before);
    }
  });

  it('differs from the largest-crop default and from unfiltered shrinking where it should', async () => {
    const { image } = cases[0];
    const [plain, antialiased] = references[0];
    const largest = await prepared(image, { width: 224, height: 224, fit: 'center-crop' });
    expect(meanDifference(largest, plain)).toBeGreaterThan(5);
    expect(meanDifference(plain, antialiased)).toBeGreaterThan(0.5);
  });

  it('a non-square input is timm’s ResizeKeepRatio to the floored targets, then the centre crop', () => {
    // 320 wide × 224 high at 0.875: targets 365 × 256; each side round(side / ratio), half to even
    const script = `
import sys, math, numpy as np, torch, torchvision.transforms.functional as F
f, h, w = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
a = np.fromfile(f, dtype=np.uint8).reshape(h, w, 3)
t = torch.from_numpy(a.astype(np.float32)).permute(2, 0, 1)
th, tw = math.floor(224 / 0.875), math.floor(320 / 0.875)
r = min(h / th, w / tw)
F.center_crop(F.resize(t, [round(h / r), round(w / r)], antialias=True), [224, 320]).permute(1, 2, 0).contiguous().numpy().astype('<f4').tofile(f + '.timm')
`;
    const { image } = cases[0];
    const file = join(folder, 'timm.u8');
    writeFileSync(file, image.data);
    const run = spawnSync('/usr/bin/python3', ['-c', script, file, String(image.height), String(image.width)], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const want = new Float32Array(readFileSync(`${file}.timm`).buffer.slice(0));
    const wide: InputSpec = { width: 320, height: 224, fit: 'center-crop', cropFraction: 0.875, antialias: true };
    const { input, transform } = prepareImage(tf.tensor3d(Int32Array.from(image.data), [image.height, image.width, 3], 'int32'), wide);
    expect(maxDifference(input.dataSync(), want)).toBeLessThan(0.02);
    expect(transform.scaleX * image.width).toBe(385); // timm: round(451 / (300 / 256)); int() would give 384
    input.dispose();
  });

  it('GPU backends’ path (gathers, one tap at a time) equals the in-memory filter', () => {
    const image = randomImage(97, 61, 9);
    const tensor = tf.tensor3d(Int32Array.from(image.data), [61, 97, 3], 'int32');
    for (const [inputSpec, mode] of [[{ width: 24, height: 20, fit: 'letterbox' }, 'antialias'], [{ width: 30, height: 30, fit: 'center-crop', cropFraction: 0.9 }, 'bilinear']] as const) {
      const { x, y } = fitGeometry(97, 61, inputSpec.width, inputSpec.height, inputSpec.fit, { cropFraction: 'cropFraction' in inputSpec ? inputSpec.cropFraction : undefined });
      const [columns, rows] = [axisTaps(x, inputSpec.width, mode), axisTaps(y, inputSpec.height, mode)];
      const before = tf.memory().numTensors;
      const gathered = gatherResample(tensor, rows, columns, 114);
      expect(tf.memory().numTensors).toBe(before + 1);
      expect(maxDifference(gathered.dataSync(), resamplePixels(image.data, 97, 61, 3, columns, rows, 114)), inputSpec.fit).toBeLessThan(1e-3);
      gathered.dispose();
    }
    tensor.dispose();
  });

  it('maps model-input coordinates back through the crop (transform)', () => {
    // 500×375 → 341×256, the middle 224² from (58.5 → 58, 16)
    const { transform, x, y } = fitGeometry(500, 375, 224, 224, 'center-crop', { cropFraction: 0.875 });
    expect([x.resized, y.resized, x.offset, y.offset]).toEqual([341, 256, -58, -16]);
    expect(transform.scaleX).toBeCloseTo(341 / 500, 12);
    expect(transform.cropX).toBeCloseTo(58 * (500 / 341), 9);
    expect(transform.cropY).toBeCloseTo(16 * (375 / 256), 9);
    // a non-square input covers both sides grown by 1 / f
    const wide = fitGeometry(640, 640, 320, 160, 'center-crop', { cropFraction: 0.5 });
    expect([wide.x.resized, wide.y.resized, wide.x.offset, wide.y.offset]).toEqual([640, 640, -160, -240]);
  });

  it('refuses fractions outside (0, 1], fractions without a centre crop, antialias with nearest', async () => {
    const image = randomImage(40, 30, 1);
    const bad: [InputSpec, RegExp][] = [
      [{ ...spec(false), cropFraction: 0 }, /cropFraction is 0; it must be a number in \(0, 1\]/],
      [{ ...spec(false), cropFraction: 1.2 }, /in \(0, 1\]/],
      [{ ...spec(false), cropFraction: Number.NaN }, /in \(0, 1\]/],
      [{ ...spec(false), fit: 'letterbox' }, /cropFraction needs fit 'center-crop'; the fit is "letterbox"/],
      [{ ...spec(false), cropFraction: 1e-9 }, /cropFraction is 1e-9; it scales the input's side to 2\.240e\+11, past 16384/],
      [{ ...spec(true), interpolation: 'nearest' }, /antialias filters bilinearly/],
      [{ ...spec(false), antialias: 'yes' as unknown as boolean }, /antialias is "yes"; it must be true or false/],
    ];
    for (const [inputSpec, message] of bad) {
      await expect(prepareInput(image, inputSpec)).rejects.toThrow(message);
      await expect(prepareInput(image, inputSpec)).rejects.toBeInstanceOf(VisionError);
      expect(() => checkCardInput('m', inputSpec)).toThrow(/model 'm': input\./);
    }
    expect(() => checkCardInput('m', spec(true))).not.toThrow();
  });
});
