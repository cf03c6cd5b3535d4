/**
 * The matte kernels in WebAssembly SIMD (src/postprocess/masks/matte-kernel.ts) against the
 * JavaScript loops they replace (themselves checked against an independent numpy
 * implementation and OpenCV in guided-filter.test.ts): temporal smoothing gives the same matte;
 * the fast guided filter's full-size pass
 * gives the same refined matte on a real photo for grey, RGB and RGBA 8-bit guides, widths that
 * are not a multiple of four, clamped and not; frames of growing and shrinking size reuse the
 * kernels' memory; guides it does not take (float, two channels) go to the loop; `resizePlane`
 * gives the loop's planes up, down and to odd sizes.
 */
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FastGuidedFilterWorkspace, type GuidePixels, fastGuidedFilterInto, fastGuidedGridSize, subsampleGuide } from '../../src/postprocess/masks/fast-guided-filter';
import { type GuidedApplyPass, applyInKernel, setMatteKernels } from '../../src/postprocess/masks/matte-kernel';
import { smoothWithPrevious } from '../../src/postprocess/masks/temporal-smoothing';
import { axisTaps, resizePlane } from '../../src/postprocess/masks/upsample';
import { fixturePhoto } from '../helpers/photos';
import { firstBitDifference } from '../helpers/differences';

/** The photo resized to width×height with `channels` 8-bit values per pixel (1: grey, 2: grey and an opaque alpha, 4: RGB and an opaque alpha). */
async function photoPixels(width: number, height: number, channels: 1 | 2 | 3 | 4): Promise<Uint8Array> {
  const image = sharp(fixturePhoto('astronaut')).resize(width, height, { fit: 'fill' });
  if (channels === 3 || channels === 4) return new Uint8Array(await (channels === 4 ? image.removeAlpha().ensureAlpha(1) : image.removeAlpha()).raw().toBuffer());
  const grey = new Uint8Array(await image.greyscale().toColourspace('b-w').raw().toBuffer());
  if (channels === 1) return grey;
  const withAlpha = new Uint8Array(2 * grey.length).fill(255);
  grey.forEach((v, i) => (withAlpha[2 * i] = v));
  return withAlpha;
}

/** Smallest and largest value (no spread: the planes are too long for call arguments). */
function range(values: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return [lo, hi];
}

/** A soft person-like matte at the grid size: a disc with a blurred edge. */
function matteAt(width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const d = Math.hypot((x - width / 2) / width, (y - height / 2) / height);
      out[y * width + x] = 1 / (1 + Math.exp((d - 0.3) * 40));
    }
  }
  return out;
}

/** The refined matte of the guide, with the kernel on or off; the guide subsampled by `subsampleGuide` first, or (`inPass`) by the filter itself. */
function refine(guide: GuidePixels, clamp: boolean, kernel: boolean, inPass = false): Float32Array {
  const { width, height } = guide;
  const subsample = Math.max(1, Math.max(width, height) / 128);
  const { lowWidth, lowHeight } = fastGuidedGridSize(width, height, subsample);
  const workspace = new FastGuidedFilterWorkspace(width, height, lowWidth, lowHeight);
  workspace.inputLow.set(matteAt(lowWidth, lowHeight));
  if (!inPass) subsampleGuide(guide, workspace);
  else workspace.guideLow.fill(NaN); // must not be read
  setMatteKernels(kernel);
  // unclamped, ε small: the linear model overshoots past 0 and 1 at the photo's edges
  return fastGuidedFilterInto(guide, workspace, { lowRadius: 2, epsilon: clamp ? 1e-3 : 1e-5, clamp, subsampleGuide: inPass }, new Float32Array(width * height).fill(-7));
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('the guided filter’s SIMD output pass', () => {
  const sizes: Array<[number, number]> = [[320, 240], [333, 201], [641, 479], [5, 3]];
  const photos = new Map<string, Uint8Array>();
  beforeAll(async () => {
    for (const [w, h] of sizes) for (const c of [1, 2, 3, 4] as const) photos.set(`${w}x${h}x${c}`, await photoPixels(w, h, c));
  });
  afterEach(() => setMatteKernels(true));

  it('equals the JavaScript loop to float32 rounding: grey, RGB and RGBA guides, odd widths, clamped and not', () => {
    for (const [width, height] of sizes) {
      for (const channels of [1, 3, 4]) {
        const guide: GuidePixels = { data: photos.get(`${width}x${height}x${channels}`)!, width, height, channels, scale: 1 / 255 };
        for (const clamp of [true, false]) {
          const simd = refine(guide, clamp, true);
          const loop = refine(guide, clamp, false);
          const label = `${width}×${height}×${channels}, clamp ${clamp}`;
          expect(simd.every(Number.isFinite), label).toBe(true); // every pixel written (the fill was -7)
          expect(maxDifference(simd, loop), label).toBeLessThan(2e-6);
          const [lo, hi] = range(simd);
          if (clamp) expect(lo >= 0 && hi <= 1, label).toBe(true);
        }
      }
    }
    // int32 guides (tensor frames) take the kernel as the same bytes: the 8-bit guide's result exactly
    for (const [width, height] of sizes) {
      const bytes = photos.get(`${width}x${height}x3`)!;
      const ints: GuidePixels = { data: Int32Array.from(bytes), width, height, channels: 3, scale: 1 / 255 };
      const eight = refine({ ...ints, data: bytes }, true, true);
      expect(firstBitDifference(refine(ints, true, true), eight), `${width}×${height} int32`).toBe(-1);
      expect(maxDifference(refine(ints, true, false), eight), `${width}×${height} int32 loop`).toBeLessThan(2e-6);
    }
    // the unclamped case really overshoots, so clamping is exercised
    const rgb: GuidePixels = { data: photos.get('320x240x3')!, width: 320, height: 240, channels: 3, scale: 1 / 255 };
    const [lo, hi] = range(refine(rgb, false, true));
    expect(lo < 0 || hi > 1).toBe(true);
  });

  it('subsamples the guide in the kernel bit for bit as subsampleGuide does (grey, RGB, RGBA, odd sizes), and in the loop where the kernel is off', () => {
    for (const [width, height] of sizes) {
      for (const channels of [1, 3, 4]) {
        const guide: GuidePixels = { data: photos.get(`${width}x${height}x${channels}`)!, width, height, channels, scale: 1 / 255 };
        const label = `${width}×${height}×${channels}`;
        expect(firstBitDifference(refine(guide, true, true, true), refine(guide, true, true)), label).toBe(-1);
        expect(firstBitDifference(refine(guide, true, false, true), refine(guide, true, false)), `${label} loop`).toBe(-1);
      }
    }
    // int32 guides (0–255) too
    const bytes = photos.get('333x201x3')!;
    const ints: GuidePixels = { data: Int32Array.from(bytes), width: 333, height: 201, channels: 3, scale: 1 / 255 };
    expect(firstBitDifference(refine(ints, true, true, true), refine(ints, true, true))).toBe(-1);
  });

  it('reuses its memory from a large frame to small ones and back; a byte array larger than the guide is read from its start', async () => {
    const large: GuidePixels = { data: photos.get('641x479x4')!, width: 641, height: 479, channels: 4, scale: 1 / 255 };
    const small: GuidePixels = { data: photos.get('333x201x3')!, width: 333, height: 201, channels: 3, scale: 1 / 255 };
    const first = refine(large, true, true);
    expect(maxDifference(refine(small, true, true), refine(small, true, false))).toBeLessThan(2e-6);
    expect(firstBitDifference(refine(large, true, true), first)).toBe(-1);
    const padded = new Uint8Array(small.data.length + 999);
    padded.set(small.data as Uint8Array);
    padded.fill(255, small.data.length);
    expect(maxDifference(refine({ ...small, data: padded }, true, true), refine(small, true, false))).toBeLessThan(2e-6);
  });

  it('the kernel takes 8-bit and int32 grey / RGB / RGBA guides and refuses others (and when turned off)', () => {
    const width = 9;
    const height = 2;
    // a flat grid: a = 0 and b = the input's 0.75 everywhere, whatever the guide
    const pass = (data: ArrayLike<number>, channels: number): GuidedApplyPass => ({
      grid: { guide: new Float32Array(2).fill(0.5), input: new Float32Array(2).fill(0.75), width: 2, height: 1, radius: 1, epsilon: 1e-3 },
      upX: axisTaps(2, width),
      upY: { i0: new Int32Array(height), i1: new Int32Array(height), w1: new Float32Array(height) },
      guide: { data, width, height, channels },
      luma: [1 / 255, 0, 0] as const,
      clamp: true,
    });
    const out = new Float32Array(width * height);
    for (const channels of [1, 3, 4]) {
      out.fill(-1);
      expect(applyInKernel(pass(new Uint8Array(width * height * channels).fill(255), channels), out)).toBe(true);
      expect([...out].every((v) => v === 0.75)).toBe(true);
    }
    out.fill(-1);
    expect(applyInKernel(pass(new Int32Array(width * height * 3).fill(255), 3), out)).toBe(true);
    expect([...out].every((v) => v === 0.75)).toBe(true);
    out.fill(-1);
    expect(applyInKernel(pass(new Float32Array(width * height * 3), 3), out)).toBe(false);
    expect(applyInKernel(pass(new Uint8Array(width * height * 2), 2), out)).toBe(false);
    setMatteKernels(false);
    expect(applyInKernel(pass(new Uint8Array(width * height * 3), 3), out)).toBe(false);
    expect(out.every((v) => v === -1)).toBe(true);
  });

  it('temporal smoothing: the kernel gives the loop’s matte (odd lengths, values at and past 0 and 1, NaN, in place)', () => {
    for (const length of [1, 3, 4, 5, 65536, 76801]) {
      const current = Float32Array.from({ length }, (_, i) => (i % 97 === 5 ? NaN : i % 89 === 3 ? -0.5 : i % 83 === 2 ? 1.5 : i % 7 === 0 ? 1 : i % 11 === 0 ? 0 : (i * 0.6180339887) % 1));
      const previous = Float32Array.from({ length }, (_, i) => (i * 0.7548776662) % 1);
      const simd = smoothWithPrevious(current, previous, 0.7);
      const inPlace = smoothWithPrevious(current, previous.slice(), 0.7, previous.slice());
      setMatteKernels(false);
      const loop = smoothWithPrevious(current, previous, 0.7);
      setMatteKernels(true);
      let worst = 0;
      let nanMismatches = 0;
      for (let i = 0; i < length; i++) {
        if (Number.isNaN(loop[i]) !== Number.isNaN(simd[i])) nanMismatches++;
        else if (!Number.isNaN(loop[i])) worst = Math.max(worst, Math.abs(simd[i] - loop[i]));
      }
      expect(nanMismatches, `NaN where the loop has none or the other way (${length} values)`).toBe(0);
      expect(worst, `${length} values`).toBeLessThan(1e-6);
      expect(inPlace.every((v, i) => Object.is(v, simd[i])), 'in place gives the same values').toBe(true);
    }
  });

  it('resizePlane: the kernels give the loop’s plane (up, down, odd sizes, one row or column)', () => {
    const cases: Array<[number, number, number, number]> = [[256, 256, 320, 240], [256, 256, 1283, 721], [128, 96, 37, 29], [1, 1, 9, 7], [5, 1, 3, 11], [7, 300, 13, 5]];
    for (const [w, h, ow, oh] of cases) {
      const plane = matteAt(w, h).map((v, i) => v + 0.1 * Math.sin(i));
      const simd = resizePlane(plane, w, h, ow, oh);
      setMatteKernels(false);
      const loop = resizePlane(plane, w, h, ow, oh);
      setMatteKernels(true);
      expect(maxDifference(simd, loop), `${w}×${h} → ${ow}×${oh}`).toBeLessThan(1e-6);
    }
  });

  it('frames past the kernels’ 64 MiB cap take the loops (the memory is not grown for them)', () => {
    const plane = matteAt(64, 64);
    // 4200 × 4200 float32 outputs alone are 70 MB
    const big = resizePlane(plane, 64, 64, 4200, 4200);
    const pass: GuidedApplyPass = {
      grid: { guide: new Float32Array(1), input: new Float32Array(1), width: 1, height: 1, radius: 1, epsilon: 1e-3 },
      upX: axisTaps(1, 4200),
      upY: { i0: new Int32Array(4200), i1: new Int32Array(4200), w1: new Float32Array(4200) },
      guide: { data: new Uint8Array(4200 * 4200), width: 4200, height: 4200, channels: 1 },
      luma: [1 / 255, 0, 0] as const,
      clamp: true,
    };
    expect(applyInKernel(pass, new Float32Array(4200 * 4200))).toBe(false);
    setMatteKernels(false);
    expect(maxDifference(big, resizePlane(plane, 64, 64, 4200, 4200))).toBe(0);
  });

  it('float and grey + alpha guides take the JavaScript loop: the same result with the kernel on or off', () => {
    const rgb = photos.get('333x201x3')!;
    const floats: GuidePixels = { data: Float32Array.from(rgb, (v) => v / 255), width: 333, height: 201, channels: 3, scale: 1 };
    expect(firstBitDifference(refine(floats, true, true), refine(floats, true, false))).toBe(-1);
    const greyAlpha: GuidePixels = { data: photos.get('333x201x2')!, width: 333, height: 201, channels: 2, scale: 1 / 255 };
    expect(firstBitDifference(refine(greyAlpha, true, true), refine(greyAlpha, true, false))).toBe(-1);
  });
});
