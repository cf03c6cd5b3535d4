import { describe, expect, it } from 'vitest';
import {
  BLAZEFACE_BACK_ANCHORS,
  BLAZEFACE_FRONT_ANCHORS,
  BLAZEPOSE_DETECTOR_ANCHORS,
  type MediapipeAnchorOptions,
  mediapipeSsdAnchors,
} from '../../src/postprocess/detection/mediapipe-ssd-anchors';

const row = (a: Float32Array, i: number): number[] => Array.from(a.subarray(i * 4, i * 4 + 4));
const f = Math.fround;

/** Checks every anchor of a fixed-size scheme against the grid layout written out by hand. */
function expectGrid(anchors: Float32Array, grids: { size: number; perCell: number }[]): void {
  let i = 0;
  for (const { size, perCell } of grids) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        for (let a = 0; a < perCell; a++, i++) {
          expect(row(anchors, i)).toEqual([f((x + 0.5) / size), f((y + 0.5) / size), 1, 1]);
        }
      }
    }
  }
  expect(i * 4).toBe(anchors.length);
}

describe('mediapipeSsdAnchors (MediaPipe SsdAnchorsCalculator)', () => {
  it('BlazeFace front 128×128: 896 anchors, 16×16×2 then 8×8×6 (three stride-16 layers merged)', () => {
    const anchors = mediapipeSsdAnchors(BLAZEFACE_FRONT_ANCHORS);
    expect(anchors).toBeInstanceOf(Float32Array);
    expect(anchors.length / 4).toBe(896);
    expect(row(anchors, 0)).toEqual([0.03125, 0.03125, 1, 1]);
    expect(row(anchors, 1)).toEqual([0.03125, 0.03125, 1, 1]);
    expect(row(anchors, 2)).toEqual([0.09375, 0.03125, 1, 1]);
    expect(row(anchors, 511)).toEqual([0.96875, 0.96875, 1, 1]);
    expect(row(anchors, 512)).toEqual([0.0625, 0.0625, 1, 1]);
    expect(row(anchors, 895)).toEqual([0.9375, 0.9375, 1, 1]);
    expectGrid(anchors, [{ size: 16, perCell: 2 }, { size: 8, perCell: 6 }]);
  });

  it('BlazeFace back 256×256 (strides 16/32): 896 anchors, the same normalised layout as front', () => {
    const back = mediapipeSsdAnchors(BLAZEFACE_BACK_ANCHORS);
    expect(back.length / 4).toBe(896);
    expect(back).toEqual(mediapipeSsdAnchors(BLAZEFACE_FRONT_ANCHORS));
  });

  it('BlazePose detector 224×224: 2254 anchors = 28²·2 + 14²·2 + 7²·6', () => {
    const anchors = mediapipeSsdAnchors(BLAZEPOSE_DETECTOR_ANCHORS);
    expect(anchors.length / 4).toBe(2254);
    expect(row(anchors, 0)).toEqual([f(0.5 / 28), f(0.5 / 28), 1, 1]);
    expect(row(anchors, 1568)).toEqual([f(0.5 / 14), f(0.5 / 14), 1, 1]);
    expect(row(anchors, 1960)).toEqual([f(0.5 / 7), f(0.5 / 7), 1, 1]);
    expect(row(anchors, 2253)).toEqual([f(6.5 / 7), f(6.5 / 7), 1, 1]);
    expectGrid(anchors, [{ size: 28, perCell: 2 }, { size: 14, perCell: 2 }, { size: 7, perCell: 6 }]);
  });

  it('sizes without fixedAnchorSize: linear scales, interpolated sqrt(s_k · s_k+1), last layer with 1.0', () => {
    const anchors = mediapipeSsdAnchors({ ...BLAZEFACE_FRONT_ANCHORS, fixedAnchorSize: false });
    const s = [0, 1, 2, 3].map((k) => 0.1484375 + ((0.75 - 0.1484375) * k) / 3);
    // layer 0 cell: (s0, s0), then interpolated between s0 and s1
    expect(row(anchors, 0)[2]).toBeCloseTo(s[0], 6);
    expect(row(anchors, 1)[2]).toBeCloseTo(Math.sqrt(s[0] * s[1]), 6);
    // merged stride-16 cell: s1, √(s1 s2), s2, √(s2 s3), s3, √(s3 · 1)
    const cell = [s[1], Math.sqrt(s[1] * s[2]), s[2], Math.sqrt(s[2] * s[3]), s[3], Math.sqrt(s[3])];
    cell.forEach((v, a) => {
      expect(row(anchors, 512 + a)[2]).toBeCloseTo(v, 6);
      expect(row(anchors, 512 + a)[3]).toBeCloseTo(v, 6);
    });
  });

  it('aspect ratios: w = s·√r, h = s/√r, in the order given, then the interpolated anchor', () => {
    const anchors = mediapipeSsdAnchors({
      numLayers: 1, minScale: 0.2, maxScale: 0.6, inputSizeWidth: 64, inputSizeHeight: 32, strides: [16], aspectRatios: [1, 2, 0.5],
    });
    // one stride: scale = (min + max) / 2 = 0.4; the interpolated one uses the next scale 1.0
    expect(anchors.length / 4).toBe(4 * 2 * 4); // 4×2 grid, 4 anchors per cell
    const [a0, a1, a2, a3] = [0, 1, 2, 3].map((i) => row(anchors, i));
    expect(a0[0]).toBe(0.125);
    expect(a0[1]).toBe(0.25);
    expect(a0[2]).toBeCloseTo(0.4, 6);
    expect(a1[2]).toBeCloseTo(0.4 * Math.SQRT2, 6);
    expect(a1[3]).toBeCloseTo(0.4 / Math.SQRT2, 6);
    expect(a2[2]).toBeCloseTo(0.4 / Math.SQRT2, 6);
    expect(a3[2]).toBeCloseTo(Math.sqrt(0.4), 6);
    // second cell in the row
    expect(row(anchors, 4).slice(0, 2)).toEqual([0.375, 0.25]);
  });

  it('SSD MobileNet v1 (reduce_boxes_in_lowest_layer, 300×300): 1917 anchors', () => {
    const options: MediapipeAnchorOptions = {
      numLayers: 6, minScale: 0.2, maxScale: 0.95, inputSizeWidth: 300, inputSizeHeight: 300,
      strides: [16, 32, 64, 128, 256, 512], aspectRatios: [1, 2, 0.5, 3, 0.3333], reduceBoxesInLowestLayer: true,
    };
    const anchors = mediapipeSsdAnchors(options);
    expect(anchors.length / 4).toBe(1917);
    // lowest layer: 3 predefined anchors (0.1 at ratio 1; scale 0.2 at ratios 2 and 0.5)
    expect(row(anchors, 0)[2]).toBeCloseTo(0.1, 6);
    expect(row(anchors, 1)[2]).toBeCloseTo(0.2 * Math.SQRT2, 6);
    expect(row(anchors, 2)[3]).toBeCloseTo(0.2 * Math.SQRT2, 6);
    expect(row(anchors, 0).slice(0, 2)).toEqual([f(0.5 / 19), f(0.5 / 19)]);
  });

  it('honours explicit feature-map sizes and anchor offsets', () => {
    const anchors = mediapipeSsdAnchors({
      numLayers: 1, minScale: 0.5, maxScale: 0.5, inputSizeWidth: 100, inputSizeHeight: 100, strides: [50],
      featureMapWidth: [4], featureMapHeight: [2], aspectRatios: [1], interpolatedScaleAspectRatio: 0, anchorOffsetX: 0, anchorOffsetY: 0,
    });
    expect(anchors.length / 4).toBe(8);
    expect(row(anchors, 5)).toEqual([0.25, 0.5, 0.5, 0.5]);
  });

  it('rejects bad options with INVALID_OPTION', () => {
    const bad: Partial<MediapipeAnchorOptions>[] = [
      { numLayers: 0 },
      { strides: [8, 16] },
      { minScale: -1 },
      { inputSizeWidth: 0 },
      { aspectRatios: [0] },
      { featureMapWidth: [16, 8, 8, 8] },
    ];
    for (const patch of bad) {
      expect(() => mediapipeSsdAnchors({ ...BLAZEFACE_FRONT_ANCHORS, ...patch }), JSON.stringify(patch)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    }
    // a card's 30000-pixel input at stride 1 asked for billions of anchors: V8 died with a fatal 'invalid size error'
    const bomb = { ...BLAZEFACE_FRONT_ANCHORS, inputSizeWidth: 30_000, inputSizeHeight: 30_000, strides: [1, 32, 32, 32] };
    expect(() => mediapipeSsdAnchors(bomb)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(/^mediapipeSsdAnchors: these settings make \d+ anchors; at most 1000000 are allowed/) }));
    expect(() => mediapipeSsdAnchors({ ...BLAZEFACE_FRONT_ANCHORS, featureMapWidth: [16, 8, 8, 1.5], featureMapHeight: [16, 8, 8, 8] })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('feature-map sizes must be positive integers; got 1.5') }));
  });
});
