import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Mask } from '../../src/core/mask';
import { findContours, maskToPolygons } from '../../src/postprocess/masks/contours';

interface ContourCase {
  name: string;
  rows: string[];
  none: number[][][];
  simple: number[][][];
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/masks/contours.json', import.meta.url), 'utf8')) as { cases: ContourCase[] };

function image(rows: string[]): { data: Uint8Array; width: number; height: number } {
  const width = rows[0].length;
  return { data: Uint8Array.from(rows.join(''), (ch) => Number(ch)), width, height: rows.length };
}

describe('findContours = cv2.findContours(RETR_EXTERNAL) (golden, scripts/make_mask_fixtures.py)', () => {
  it.each(fixture.cases)('$name: CHAIN_APPROX_NONE and SIMPLE, same points in the same order', ({ rows, none, simple }) => {
    const { data, width, height } = image(rows);
    expect(findContours(data, width, height, { approximation: 'none' })).toEqual(none);
    expect(findContours(data, width, height, { approximation: 'simple' })).toEqual(simple);
  });

  it('traces a Mask within its bounds and maps the points to mask pixels', () => {
    const c = fixture.cases.find((k) => k.name === 'l-shape')!;
    const { data, width, height } = image(c.rows);
    const region = new Uint8Array((width - 1) * (height - 1));
    for (let y = 1; y < height; y++) for (let x = 1; x < width; x++) region[(y - 1) * (width - 1) + x - 1] = data[y * width + x];
    const mask = Mask.create('binary', 40, 30, region, { x: 11, y: 6, width: width - 1, height: height - 1 });
    expect(maskToPolygons(mask)).toEqual(c.simple.map((poly) => poly.map(([x, y]) => [x + 10, y + 5])));
    mask.close();
    expect(() => maskToPolygons(mask)).toThrow(expect.objectContaining({ code: 'DISPOSED' }));
  });

  it('an empty mask has no outlines; wrong sizes are INVALID_INPUT', () => {
    expect(findContours(new Uint8Array(12), 4, 3)).toEqual([]);
    expect(findContours(new Uint8Array(0), 0, 0)).toEqual([]);
    expect(() => findContours(new Uint8Array(5), 4, 3)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    // no data was a TypeError; a size past the pixel limit a RangeError (or seconds of work on nothing)
    expect(() => findContours(null as never, 2, 2)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: 'findContours: data is null; it must be the mask\'s values, row by row' }));
    expect(findContours(new Uint8Array(0), 2 ** 31, 0)).toEqual([]);
    expect(() => findContours({ length: 1e9 } as never, 1e9, 1)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/over the limit/) }));
  });

  it('maskToPolygons checks its threshold for every kind of mask (a binary mask took 2, NaN or "x" without a word)', () => {
    const binary = Mask.create('binary', 2, 2, new Uint8Array([1, 0, 0, 1]));
    for (const threshold of [2, Number.NaN, 'x']) expect(() => maskToPolygons(binary, { threshold: threshold as never })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(/^threshold is /) }));
    expect(maskToPolygons(binary, { threshold: 0.3 })).toHaveLength(1); // the diagonal is one 8-connected outline
    binary.close();
  });
});
