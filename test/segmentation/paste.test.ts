import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Mask, type MaskRle } from '../../src/core/mask';
import { pasteMaskProbabilities, pasteMasks } from '../../src/postprocess/masks/paste';
import { maskExtent } from '../helpers/mask-extent';

interface PasteCase {
  name: string;
  imageWidth: number;
  imageHeight: number;
  masks: number[];
  boxes: number[][];
  binary: MaskRle[];
  sampleEvery: number;
  samples: number[][];
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/masks/paste.json', import.meta.url), 'utf8')) as { cases: PasteCase[] };

describe('pasteMasks = torchvision paste_masks_in_image (golden, scripts/make_mask_fixtures.py)', () => {
  it.each(fixture.cases)('$name: binary masks equal exactly, probabilities within 2.5e-7 (≈2 float32 ulps)', ({ imageWidth: w, imageHeight: h, masks, boxes, binary, sampleEvery, samples }) => {
    const n = boxes.length;
    const data = Float32Array.from(masks);
    const out = pasteMasks({ dims: [n, 1, 28, 28], data }, boxes.flat(), w, h, { layout: 'per-box' });
    expect(out).toHaveLength(n);
    out.forEach((mask, i) => {
      expect([mask.width, mask.height]).toEqual([w, h]);
      expect(mask.toRle()).toEqual(binary[i]);
      const plane = pasteMaskProbabilities(data.subarray(i * 784, (i + 1) * 784), 28, boxes[i], w, h);
      const full = new Float32Array(w * h);
      for (let r = 0; r < plane.bounds.height; r++) {
        for (let c = 0; c < plane.bounds.width; c++) full[(plane.bounds.y + r) * w + plane.bounds.x + c] = plane.data[r * plane.bounds.width + c];
      }
      samples[i].forEach((v, k) => expect(Math.abs(full[k * sampleEvery] - v)).toBeLessThan(2.5e-7));
      mask.close();
    });
  });

  it('infers per-box masks from their shape where the image is larger; a 28×28 image needs layout', () => {
    for (const { imageWidth: w, imageHeight: h, masks, boxes } of fixture.cases) {
      const n = boxes.length;
      const stated = pasteMasks({ dims: [n, 1, 28, 28], data: Float32Array.from(masks) }, boxes.flat(), w, h, { layout: 'per-box' });
      const inferred = pasteMasks({ dims: [n, 1, 28, 28], data: Float32Array.from(masks) }, boxes.flat(), w, h);
      // shape alone reads 28×28 masks on a 28×28 image as already pasted (the image's size)
      const asImage = w === 28 && h === 28 ? pasteMasks({ dims: [n, 1, 28, 28], data: Float32Array.from(masks) }, boxes.flat(), w, h, { layout: 'image' }) : stated;
      inferred.forEach((mask, i) => expect(mask.toRle()).toEqual(asImage[i].toRle()));
      if (asImage !== stated) expect(asImage.map((m) => m.area())).not.toEqual(stated.map((m) => m.area()));
      new Set([...stated, ...inferred, ...asImage]).forEach((m) => m.close());
    }
    expect(fixture.cases.some((c) => c.imageWidth === 28 && c.imageHeight === 28)).toBe(true);
  });

  it('refuses a layout that does not fit the masks, and an unknown layout', () => {
    const bad = (code: string, f: () => unknown) => expect(f).toThrow(expect.objectContaining({ code }));
    bad('INVALID_INPUT', () => pasteMasks({ dims: [1, 1, 28, 28], data: new Float32Array(784) }, [0, 0, 1, 1], 40, 30, { layout: 'image' }));
    bad('INVALID_INPUT', () => pasteMasks({ dims: [1, 1, 3, 4], data: new Float32Array(12) }, [0, 0, 1, 1], 4, 3, { layout: 'per-box' }));
    bad('INVALID_OPTION', () => pasteMasks({ dims: [1, 1, 3, 4], data: new Float32Array(12) }, [0, 0, 1, 1], 4, 3, { layout: 'pasted' as 'image' }));
    const [image] = pasteMasks({ dims: [1, 1, 28, 28], data: new Float32Array(784).fill(0.9) }, [0, 0, 1, 1], 28, 28, { layout: 'image' });
    expect(image.area()).toBe(784);
    image.close();
  });

  it('takes masks already pasted at the image size ([N,1,H,W]) as they are', () => {
    const data = new Float32Array(2 * 4 * 3).fill(0.2);
    data[5] = 0.9;
    data[12 + 0] = 0.51;
    const [a, b] = pasteMasks({ dims: [2, 1, 3, 4], data }, [0, 0, 1, 1, 0, 0, 1, 1], 4, 3);
    expect(Array.from(a.toUint8Array())).toEqual([0, 0, 0, 0, 0, 255, 0, 0, 0, 0, 0, 0]);
    expect(b.area()).toBe(1);
    a.close();
    b.close();
  });

  it('returns probabilities on request, and no masks for no instances', () => {
    const [p] = pasteMasks({ dims: [1, 1, 2, 2], data: new Float32Array([0.1, 0.2, 0.3, 0.4]) }, [0, 0, 9, 9], 10, 10, { output: 'probability' });
    expect(p.kind).toBe('probability');
    expect(Math.max(...p.toFloat32Array())).toBeLessThanOrEqual(0.4);
    p.close();
    expect(pasteMasks({ dims: [0, 1, 28, 28], data: new Float32Array(0) }, [], 10, 10)).toEqual([]);
  });

  it('rejects shapes that do not fit and masks of size 0', () => {
    const bad = (f: () => unknown) => expect(f).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    bad(() => pasteMasks({ dims: [1, 28, 28, 1], data: new Float32Array(784) }, [0, 0, 1, 1], 10, 10));
    bad(() => pasteMasks({ dims: [1, 1, 28, 28], data: new Float32Array(10) }, [0, 0, 1, 1], 10, 10));
    bad(() => pasteMasks({ dims: [1, 1, 28, 28], data: new Float32Array(784) }, [0, 0, 1], 10, 10));
    bad(() => pasteMasks({ dims: [1, 1, 0, 0], data: new Float32Array(0) }, [0, 0, 1, 1], 10, 10));
    bad(() => pasteMasks({ dims: [1, 1, 28, 28], data: new Float32Array(784) }, [0, 0, 1, 1], 0, 10));
    expect(() => pasteMasks({ dims: [0, 1, 28, 28], data: new Float32Array(0) }, [], 10, 10, { threshold: 2 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('gives an empty mask for a box wholly outside the image', () => {
    const [m] = pasteMasks({ dims: [1, 1, 2, 2], data: new Float32Array(4).fill(1) }, [-50, -50, -20, -20], 10, 10);
    expect(m.area()).toBe(0);
    m.close();
  });

  it('a box far larger than the image costs what its visible part does; a box that is not finite covers nothing', () => {
    const ones = { dims: [1, 1, 2, 2], data: new Float32Array(4).fill(1) };
    // 1e9 px wide: the weights of every column of the box were made (6 s and 2 GB at 1e8, a crash at 3e9)
    const [huge] = pasteMasks(ones, [-1e9, -1e9, 1e9, 1e9], 64, 48);
    expect(huge.area()).toBe(64 * 48);
    huge.close();
    // the visible part of a box partly outside the image: the same values as that box moved wholly inside a larger one
    // (16×16 masks and 48-px boxes: the padded box's corners are whole pixels, so truncation toward 0 moves nothing)
    const mask = Float32Array.from({ length: 16 * 16 }, (_, i) => (Math.sin(i * 0.37) + 1) / 2);
    const cut = pasteMaskProbabilities(mask, 16, [-20, -10, 28, 38], 64, 48);
    const whole = pasteMaskProbabilities(mask, 16, [80, 90, 128, 138], 300, 300);
    expect(cut.bounds).toMatchObject({ x: 0, y: 0 });
    expect(cut.bounds).toMatchObject({ width: 32, height: 42 });
    for (let y = 0; y < cut.bounds.height; y++) {
      for (let x = 0; x < cut.bounds.width; x++) {
        const inWhole = (y + 100 - whole.bounds.y) * whole.bounds.width + (x + 100 - whole.bounds.x);
        expect(cut.data[y * cut.bounds.width + x]).toBe(whole.data[inWhole]);
      }
    }
    for (const box of [[Number.NaN, 0, 10, 10], [0, 0, Number.POSITIVE_INFINITY, 10]]) {
      const [m] = pasteMasks(ones, box, 64, 48);
      expect(m.area()).toBe(0);
      m.close();
    }
  });

  it('pastes 100 instances on a 1280×720 frame, each inside its own box (timing printed)', () => {
    const n = 100;
    const data = new Float32Array(n * 784);
    for (let i = 0; i < data.length; i++) data[i] = (Math.sin(i * 0.37) + 1) / 2;
    const boxes: number[] = [];
    for (let i = 0; i < n; i++) {
      const x = (i * 97) % 1100;
      const y = (i * 53) % 600;
      boxes.push(x, y, x + 60 + (i % 7) * 25, y + 80 + (i % 5) * 20);
    }
    pasteMasks({ dims: [n, 1, 28, 28], data }, boxes, 1280, 720).forEach((m) => m.close());
    const t0 = performance.now();
    const masks = pasteMasks({ dims: [n, 1, 28, 28], data }, boxes, 1280, 720);
    const paste = performance.now() - t0;
    const t1 = performance.now();
    for (const m of masks) m.toUint8Array();
    const expand = performance.now() - t1;
    console.log(`paste 100 instances at 1280×720: ${paste.toFixed(1)} ms (box regions); expanding all to full frames: ${expand.toFixed(1)} ms more`);
    // the sine-wave masks are half set: each instance covers part of its box and nothing beyond
    // it (torchvision's paste pads the box by one pixel)
    expect(masks).toHaveLength(n);
    masks.forEach((m, i) => {
      const [x1, y1, x2, y2] = boxes.slice(i * 4, i * 4 + 4);
      const extent = maskExtent(m);
      expect(extent).not.toBeNull();
      const [ex1, ey1, ex2, ey2] = extent!;
      expect(ex1).toBeGreaterThanOrEqual(Math.floor(x1) - 1);
      expect(ey1).toBeGreaterThanOrEqual(Math.floor(y1) - 1);
      expect(ex2).toBeLessThanOrEqual(Math.min(1280, Math.ceil(x2) + 1));
      expect(ey2).toBeLessThanOrEqual(Math.min(720, Math.ceil(y2) + 1));
      expect(m.area()).toBeGreaterThan(0.2 * (Math.min(1280, x2) - x1) * (Math.min(720, y2) - y1));
    });
    const open = Mask.openCount;
    for (const m of masks) m.close();
    expect(Mask.openCount).toBe(open - n);
  });
});
