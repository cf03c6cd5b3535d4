import { describe, it, expect } from 'vitest';
import {
  clipBoxes,
  convertBoxes,
  denormalizeBoxes,
  normalizeBoxes,
  scaleBoxesToInput,
  scaleBoxesToSource,
  type BoxFormat,
} from '../../src/postprocess';
import type { InputTransform } from '../../src/core/types';
import { errorCode } from './fixtures';

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-4): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(tol);
}

/** Ultralytics `LetterBox` geometry (centred, auto=False): the meta preprocess would emit. */
function letterbox(sw: number, sh: number, iw: number, ih: number): InputTransform {
  const r = Math.min(iw / sw, ih / sh);
  const uw = Math.round(sw * r);
  const uh = Math.round(sh * r);
  return {
    sourceWidth: sw, sourceHeight: sh, inputWidth: iw, inputHeight: ih,
    scaleX: r, scaleY: r,
    padX: Math.max(0, Math.round((iw - uw) / 2 - 0.1)), padY: Math.max(0, Math.round((ih - uh) / 2 - 0.1)),
    cropX: 0, cropY: 0,
  };
}

describe('convertBoxes', () => {
  const xyxy = [10, 20, 30, 60, 0, 0, 1, 1];
  const xywh = [10, 20, 20, 40, 0, 0, 1, 1];
  const cxcywh = [20, 40, 20, 40, 0.5, 0.5, 1, 1];
  const all: Record<BoxFormat, number[]> = { xyxy, xywh, cxcywh };

  it('converts every pair of formats', () => {
    for (const from of Object.keys(all) as BoxFormat[]) {
      for (const to of Object.keys(all) as BoxFormat[]) {
        expect(Array.from(convertBoxes(all[from], from, to)), `${from} -> ${to}`).toEqual(all[to]);
      }
    }
  });

  it('returns a new Float32Array, empty in empty out', () => {
    const src = new Float32Array(xyxy);
    const out = convertBoxes(src, 'xyxy', 'xyxy');
    expect(out).toBeInstanceOf(Float32Array);
    expect(out).not.toBe(src);
    expect(convertBoxes([], 'xywh', 'xyxy').length).toBe(0);
  });

  it('validates', () => {
    expect(errorCode(() => convertBoxes([1, 2, 3], 'xyxy', 'xywh'))).toBe('INVALID_INPUT');
    // @ts-expect-error: unknown formats are rejected at run time too
    expect(errorCode(() => convertBoxes([1, 2, 3, 4], 'yxyx', 'xywh'))).toBe('INVALID_OPTION');
    // @ts-expect-error: idem
    expect(() => convertBoxes([1, 2, 3, 4], 'xyxy', 'xy')).toThrow(/xyxy, xywh, cxcywh/);
  });
});

describe('normalize / denormalize / clip', () => {
  it('round trips', () => {
    const px = [64, 48, 320, 240];
    const n = normalizeBoxes(px, 640, 480);
    expectClose(n, [0.1, 0.1, 0.5, 0.5], 1e-7);
    expectClose(denormalizeBoxes(n, 640, 480), px);
    expect(errorCode(() => normalizeBoxes(px, 0, 480))).toBe('INVALID_OPTION');
    expect(errorCode(() => denormalizeBoxes(px, 640, NaN))).toBe('INVALID_OPTION');
  });

  it('clips to the image, new array or in place', () => {
    const b = new Float32Array([-5, 10, 700, 500, 1, 2, 3, 4]);
    const copy = clipBoxes(b, 640, 480);
    expect(Array.from(copy)).toEqual([0, 10, 640, 480, 1, 2, 3, 4]);
    expect(b[0]).toBe(-5);
    const same = clipBoxes(b, 640, 480, { inPlace: true });
    expect(same).toBe(b);
    expect(Array.from(b)).toEqual([0, 10, 640, 480, 1, 2, 3, 4]);
    const arr = [-1, -1, 2, 2];
    expect(clipBoxes(arr, 1, 1, { inPlace: true })).toEqual([0, 0, 1, 1]);
    expect(errorCode(() => clipBoxes([0, 0, 1, 1], -1, 1))).toBe('INVALID_OPTION');
  });
});

describe('scaleBoxesToSource', () => {
  it('undoes an Ultralytics letterbox (1280×720 into 640×640: scale 0.5, 140 px bars)', () => {
    const meta = letterbox(1280, 720, 640, 640);
    expect(meta).toMatchObject({ scaleX: 0.5, padX: 0, padY: 140 });
    // scale_boxes: (box - pad) / gain, then clip
    expectClose(scaleBoxesToSource([140, 240, 340, 440], meta), [280, 200, 680, 600]);
    // a box reaching into the padding is clipped to the frame
    expectClose(scaleBoxesToSource([-10, 100, 700, 560], meta), [0, 0, 1280, 720]);
    expectClose(scaleBoxesToSource([-10, 100, 700, 560], meta, { clip: false }), [-20, -80, 1400, 840]);
  });

  it('round trips through scaleBoxesToInput for odd letterbox geometry', () => {
    const meta = letterbox(500, 333, 640, 640); // r = 1.28, 426 px tall, padY = 107
    expect(meta.padY).toBe(107);
    const src = [0, 0, 500, 333, 12.5, 40, 250, 300, 499, 1, 500, 2];
    expectClose(scaleBoxesToSource(scaleBoxesToInput(src, meta), meta), src);
  });

  it('adds the crop offset (center-crop of 1920×1080 to 1080×1080 resized to 224)', () => {
    const meta: InputTransform = {
      sourceWidth: 1920, sourceHeight: 1080, inputWidth: 224, inputHeight: 224,
      scaleX: 224 / 1080, scaleY: 224 / 1080, padX: 0, padY: 0, cropX: 420, cropY: 0,
    };
    expectClose(scaleBoxesToSource([0, 0, 224, 224], meta), [420, 0, 1500, 1080]);
    expectClose(scaleBoxesToInput([420, 0, 1500, 1080], meta), [0, 0, 224, 224]);
  });

  it('rejects a meta with non-positive scale or size', () => {
    const meta = letterbox(1280, 720, 640, 640);
    expect(errorCode(() => scaleBoxesToSource([0, 0, 1, 1], { ...meta, scaleX: 0 }))).toBe('INVALID_OPTION');
    expect(errorCode(() => scaleBoxesToSource([0, 0, 1, 1], { ...meta, sourceHeight: -1 }))).toBe('INVALID_OPTION');
    expect(errorCode(() => scaleBoxesToSource([0, 0, 1, 1], { ...meta, padX: NaN }))).toBe('INVALID_OPTION');
    expect(errorCode(() => scaleBoxesToSource([0, 0, 1], meta))).toBe('INVALID_INPUT');
  });
});
