import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { Mask, type MaskRle } from '../../src/core/mask';
import { rleArea, rleIou } from '../../src/postprocess/masks/rle';
import { maskToPolygons } from '../../src/postprocess/masks/contours';
import { pasteMasks } from '../../src/postprocess/masks/paste';

const paste = JSON.parse(readFileSync(new URL('../fixtures/masks/paste.json', import.meta.url), 'utf8')) as { cases: { binary: MaskRle[] }[] };

describe('Mask', () => {
  it('expands its bounds to full-frame arrays (binary 0/255, probabilities 0–255 and 0–1)', () => {
    const m = Mask.create('binary', 4, 3, new Uint8Array([1, 0, 1, 1]), { x: 1, y: 1, width: 2, height: 2 });
    expect(Array.from(m.toUint8Array())).toEqual([0, 0, 0, 0, 0, 255, 0, 0, 0, 255, 255, 0]);
    expect(Array.from(m.toFloat32Array())).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0]);
    expect(m.area()).toBe(3);
    const p = Mask.create('probability', 2, 1, new Float32Array([0.25, 0.8]));
    expect(Array.from(p.toUint8Array())).toEqual([64, 204]);
    expect(p.toFloat32Array()[1]).toBeCloseTo(0.8, 6);
    expect(p.area()).toBe(1);
    m.close();
    p.close();
  });

  it('draws as RGBA: a plain { data, width, height } in Node, colour where set, alpha from probability', () => {
    const m = Mask.create('probability', 2, 1, new Float32Array([0, 0.5]));
    const img = m.toImageData({ color: [255, 0, 0, 200] });
    expect(typeof ImageData).toBe('undefined');
    expect([img.width, img.height]).toEqual([2, 1]);
    expect(Array.from(img.data)).toEqual([255, 0, 0, 0, 255, 0, 0, 100]);
    const c = Mask.create('category', 3, 1, new Uint8Array([0, 1, 2]));
    const ci = c.toImageData();
    expect(ci.data[3]).toBe(0); // background transparent
    expect(ci.data[7]).toBeGreaterThan(0);
    expect(Array.from(c.toUint8Array())).toEqual([0, 1, 2]);
    expect(() => c.toRle()).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    m.close();
    c.close();
  });

  it('run-length encodes column-major like pycocotools, and fromRle rebuilds the same mask', () => {
    const m = Mask.create('binary', 3, 2, new Uint8Array([0, 1, 1, 1, 0, 0]));
    // columns: (0,1) (1,0) (1,0) → 0,1,1,0,1,0
    expect(m.toRle()).toEqual({ size: [2, 3], counts: [1, 2, 1, 1, 1] });
    const back = Mask.fromRle(m.toRle());
    expect(Array.from(back.toUint8Array())).toEqual(Array.from(m.toUint8Array()));
    for (const rle of paste.cases[0].binary) {
      const r = Mask.fromRle(rle);
      expect(r.toRle()).toEqual(rle);
      expect(r.area()).toBe(rleArea(rle));
      r.close();
    }
    expect(() => Mask.fromRle({ size: [2, 2], counts: [1, 2] })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    m.close();
    back.close();
  });

  it('rleIou matches the IoU of the decoded masks', () => {
    const [a, b] = paste.cases[0].binary;
    const da = Mask.fromRle(a).toUint8Array();
    const db = Mask.fromRle(b).toUint8Array();
    let inter = 0;
    let union = 0;
    da.forEach((v, i) => {
      inter += v && db[i] ? 1 : 0;
      union += v || db[i] ? 1 : 0;
    });
    expect(rleIou(a, b)).toBeCloseTo(inter / union, 12);
    expect(rleIou(a, a)).toBe(1);
    expect(rleIou({ size: [1, 2], counts: [2] }, { size: [1, 2], counts: [2] })).toBe(0);
    expect(() => rleIou(a, { size: [1, 1], counts: [1] })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('clone is independent; close frees and later use is DISPOSED; close twice is fine', () => {
    const open = Mask.openCount;
    const m = Mask.create('binary', 2, 2, new Uint8Array([1, 0, 0, 1]));
    const c = m.clone();
    expect(Mask.openCount).toBe(open + 2);
    m.close();
    m.close();
    expect(m.closed).toBe(true);
    expect(() => m.toUint8Array()).toThrow(expect.objectContaining({ code: 'DISPOSED' }));
    expect(() => m.toRle()).toThrow(expect.objectContaining({ code: 'DISPOSED' }));
    expect(c.area()).toBe(2);
    c.close();
    expect(Mask.openCount).toBe(open);
  });

  it('warns once when too many masks stay open', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const saved = Mask.leakWarningThreshold;
    Mask.leakWarningThreshold = Mask.openCount + 3;
    const masks = Array.from({ length: 6 }, () => Mask.create('binary', 1, 1, new Uint8Array([1])));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/masks are open/);
    masks.forEach((m) => m.close());
    Mask.leakWarningThreshold = saved;
    warn.mockRestore();
  });

  it('rejects data that does not fit', () => {
    const bad = (f: () => unknown) => expect(f).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    bad(() => Mask.create('binary', 2, 2, new Uint8Array(3)));
    bad(() => Mask.create('probability', 2, 2, new Uint8Array(4)));
    bad(() => Mask.create('binary', 2, 2, new Uint8Array(4), { x: 1, y: 0, width: 2, height: 2 }));
    bad(() => Mask.create('binary', -1, 2, new Uint8Array(0)));
  });
});

describe('Mask inputs checked (from an outside check)', () => {
  const refusal = (code: string, fragment: string) => expect.objectContaining({ code, message: expect.stringContaining(fragment) });

  it('run-length encodings: a size and counts that are whole numbers ≥ 0 and cover the mask, within the pixel limit', () => {
    expect(() => Mask.fromRle({ size: [2, 2], counts: null } as unknown as MaskRle)).toThrow(refusal('INVALID_INPUT', 'Mask.fromRle: counts are null; they must be a list of run lengths'));
    expect(() => Mask.fromRle({ size: [1e6, 1e6], counts: [1e12] })).toThrow(refusal('INVALID_INPUT', 'is over the limit of 67108864 pixels'));
    expect(() => Mask.fromRle({ size: [2], counts: [2] } as unknown as MaskRle)).toThrow(refusal('INVALID_INPUT', 'size is an array; a run-length encoding has size [height, width]'));
    // a negative run that sums right gave an area of -2 and an IoU of 0
    expect(() => rleArea({ size: [2, 2], counts: [6, -2] })).toThrow(refusal('INVALID_INPUT', 'rleArea: run 1 is -2; runs are whole numbers ≥ 0'));
    expect(() => rleIou({ size: [2, 2], counts: [6, -2] }, { size: [2, 2], counts: [4] })).toThrow(refusal('INVALID_INPUT', 'run 1 is -2'));
    expect(rleArea({ size: [2, 2], counts: [1, 2, 1] })).toBe(2);
  });

  it('a mask over the pixel limit is refused where it is made (create, unpack), not a RangeError when it is read', () => {
    const open = Mask.openCount;
    const dot = { x: 0, y: 0, width: 1, height: 1 };
    expect(() => Mask.create('binary', 1e6, 1e6, new Uint8Array(1), dot)).toThrow(refusal('INVALID_INPUT', 'Mask.create: a 1000000×1000000 mask is over the limit of 67108864 pixels'));
    expect(() => Mask.unpack({ kind: 'probability', width: 9000, height: 9000, bounds: dot, data: new Float32Array(1) })).toThrow(refusal('INVALID_INPUT', 'over the limit'));
    expect(Mask.openCount).toBe(open);
    const largest = Mask.create('binary', 8192, 8192, new Uint8Array(1), dot); // at the limit: fine
    expect(largest.area()).toBe(0);
    largest.close();
  });

  it('kinds, thresholds and colours are checked; the default palette leaves only class 0 transparent', () => {
    expect(() => Mask.create('foo' as 'binary', 2, 2, new Uint8Array(4))).toThrow(refusal('INVALID_INPUT', 'Mask.create: kind is "foo"; allowed: binary, probability, category'));
    expect(() => Mask.unpack({ kind: 'foo', width: 1, height: 1, bounds: { x: 0, y: 0, width: 1, height: 1 }, data: new Uint8Array(1) } as never)).toThrow(refusal('INVALID_INPUT', 'Mask.unpack: kind is "foo"'));
    const probability = Mask.create('probability', 2, 1, new Float32Array([0.2, 0.9]));
    expect(() => probability.toRle(Number.NaN)).toThrow(refusal('INVALID_OPTION', 'toRle threshold is NaN; it must be a number in [0, 1]'));
    expect(() => probability.area(2)).toThrow(refusal('INVALID_OPTION', 'area threshold is 2'));
    expect(() => maskToPolygons(probability, { threshold: Number.NaN })).toThrow(refusal('INVALID_OPTION', 'threshold is NaN'));
    expect(probability.area(0.5)).toBe(1);
    const classes = Mask.create('category', 4, 1, new Uint8Array([0, 1, 20, 21]));
    expect(() => classes.toImageData({ palette: [] })).toThrow(refusal('INVALID_OPTION', 'palette is an array; it must be a non-empty list'));
    expect(() => classes.toImageData({ color: [1, 2, 3] as never })).toThrow(refusal('INVALID_OPTION', 'color is an array; it must be [r, g, b, a]'));
    // out of range was taken: an alpha of 999 drew a probability of 0.1 at 100 instead of 25
    expect(() => probability.toImageData({ color: [300, -5, 0, 999] as never })).toThrow(refusal('INVALID_OPTION', 'color is an array; it must be [r, g, b, a] with numbers 0–255'));
    // class 20 (the last of Pascal VOC's 21) was transparent, like the background
    const alpha = Array.from(classes.toImageData().data.filter((_, i) => i % 4 === 3));
    expect(alpha).toEqual([0, 160, 160, 160]);
    // classes 1 and 20 share a colour (19 apart), 21 takes the next
    const rgb = (k: number) => Array.from(classes.toImageData().data.slice(k * 4, k * 4 + 3));
    expect(rgb(2)).toEqual(rgb(1));
    expect(rgb(3)).not.toEqual(rgb(1));
    [probability, classes].forEach((m) => m.close());
  });
});

describe('masks of size 0 (issue 4, bad input)', () => {
  it('a 0×0 mask and a mask with empty bounds read, encode, pack and close without errors; zero-area boxes paste to at most a pixel', () => {
    const before = Mask.openCount;
    const empty = Mask.create('binary', 0, 0, new Uint8Array(0));
    expect(empty.toUint8Array()).toHaveLength(0);
    expect(empty.area()).toBe(0);
    expect(empty.toImageData()).toMatchObject({ width: 0, height: 0 });
    const rle = empty.toRle();
    const back = Mask.fromRle(rle);
    expect([back.width, back.height]).toEqual([0, 0]);
    const unpacked = Mask.unpack(structuredClone(empty.pack()));
    expect(unpacked.toFloat32Array()).toHaveLength(0);
    const hollow = Mask.create('probability', 4, 3, new Float32Array(0), { x: 2, y: 1, width: 0, height: 0 });
    expect(hollow.toFloat32Array()).toEqual(new Float32Array(12));
    const decoded = Mask.fromRle(hollow.toRle());
    expect(decoded.area()).toBe(0);
    // a zero-area box (x1 = x2, y1 = y2): torchvision pastes into a box of at least one pixel
    const [dot] = pasteMasks({ dims: [1, 1, 28, 28], data: new Float32Array(784).fill(1) }, [5, 5, 5, 5], 10, 10);
    expect(dot.area()).toBeLessThanOrEqual(4);
    for (const m of [empty, back, unpacked, hollow, decoded, dot]) m.close();
    expect(Mask.openCount).toBe(before);
  });
});
