import { describe, expect, it } from 'vitest';
import { decodeCenterNet } from '../../src/postprocess/detection/centernet';

const row = (x1: number, y1: number, x2: number, y2: number, score = 0.9, cls = 0) => [x1, y1, x2, y2, score, cls];

describe('decodeCenterNet', () => {
  it('keeps rows over the threshold with a known class, in order', () => {
    const c = decodeCenterNet([...row(10, 20, 30, 40, 0.9, 2), ...row(0, 0, 5, 5, 0.1), ...row(1, 2, 3, 4, 0.8, 80)], { threshold: 0.3, numClasses: 80 });
    expect(Array.from(c.boxes)).toEqual([10, 20, 30, 40]);
    expect(Array.from(c.scores)).toEqual([Math.fround(0.9)]);
    expect(Array.from(c.classIds)).toEqual([2]);
  });

  it('drops zero-size, inverted and non-finite boxes, even at score 1 (what absurd inputs make the model emit)', () => {
    const rows = [
      ...row(64, 64, 64, 0, 1), // inverted y
      ...row(-14180, 7.477, -29630, 31490, 1), // inverted x
      ...row(5, 5, 5, 50, 1), // zero width
      ...row(0, 0, 1e300, 10, 1), // infinite as float32
      ...row(Number.NaN, 0, 10, 10, 1),
      ...row(1e8, 0, 1e8 + 1, 10, 1), // zero width as float32
      ...row(2, 3, 40, 50, 1),
    ];
    const c = decodeCenterNet(rows, { threshold: 0, numClasses: 80 });
    expect(Array.from(c.boxes)).toEqual([2, 3, 40, 50]);
    expect(c.scores).toHaveLength(1);
    expect(c.classIds).toHaveLength(1);
  });

  it('refuses an output that is not N×6', () => {
    expect(() => decodeCenterNet([1, 2, 3], { threshold: 0, numClasses: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
