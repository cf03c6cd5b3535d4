import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isVisionError } from '../../src/core/errors';
import { pca } from '../../src/explain';

/** One case of test/fixtures/projections/pca.json (scripts/make_pca_fixtures.py). */
interface NumpyPca {
  /** The input rows, or (large case) n and d of the formula below. */
  vectors?: number[][];
  n?: number;
  d?: number;
  k: number;
  components: number[][];
  projected: number[][];
  mean?: number[];
  explainedVariance: number[];
  explainedVarianceRatio: number[];
}

const FIXTURE = JSON.parse(readFileSync(new URL('../fixtures/projections/pca.json', import.meta.url), 'utf8')) as Record<string, NumpyPca>;

/** scripts/make_pca_fixtures.py's formula_vectors, rounded to float32 like numpy's astype. */
function largeCaseVectors(n: number, d: number): Float32Array[] {
  const scales = [5, 3, 2, 1.2, 0.8];
  return Array.from({ length: n }, (_, i) => {
    const row = new Float32Array(d);
    for (let j = 0; j < d; j++) {
      let x = 0;
      scales.forEach((scale, c) => {
        x += scale * Math.sin(1.3 * (c + 1) * i + c) * Math.cos(0.7 * (c + 1) * j + 0.3 * c);
      });
      row[j] = x + 0.1 * Math.sin(0.013 * i * j + 0.5 * i + 0.9 * j);
    }
    return row;
  });
}

function inputOf(fixture: NumpyPca): Float32Array[] {
  return fixture.vectors ? fixture.vectors.map((row) => Float32Array.from(row)) : largeCaseVectors(fixture.n as number, fixture.d as number);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let j = 0; j < b.length; j++) sum += (a[j] as number) * (b[j] as number);
  return sum;
}

describe('pca equals numpy SVD-based PCA (scripts/make_pca_fixtures.py)', () => {
  it.each([
    ['tall', 'n 60 > d 16: covariance'],
    ['wide', 'n 12 < d 40: Gram matrix'],
    ['large', 'n 500, d 256: subspace iteration'],
  ])('%s (%s): components up to sign, projections and variances within 1e-4', (name) => {
    const expected = FIXTURE[name] as NumpyPca;
    const vectors = inputOf(expected);
    const result = pca(vectors, { components: expected.k });
    expect(result.components).toHaveLength(expected.k);
    expect(result.projected).toHaveLength(vectors.length);
    expected.components.forEach((axis, c) => {
      const ours = result.components[c] as Float32Array;
      const sign = Math.sign(dot(ours, axis));
      axis.forEach((value, j) => expect(Math.abs(sign * (ours[j] as number) - value)).toBeLessThan(1e-4));
      expected.projected.forEach((row, i) => {
        const relative = Math.abs(sign * ((result.projected[i] as Float32Array)[c] as number) - (row[c] as number)) / Math.max(1, Math.abs(row[c] as number));
        expect(relative).toBeLessThan(1e-4);
      });
      expect(Math.abs((result.explainedVariance[c] as number) / (expected.explainedVariance[c] as number) - 1)).toBeLessThan(1e-4);
      expect(Math.abs((result.explainedVarianceRatio[c] as number) - (expected.explainedVarianceRatio[c] as number))).toBeLessThan(1e-6);
    });
    expected.mean?.forEach((m, j) => expect(Math.abs((result.mean[j] as number) - m)).toBeLessThan(1e-5));
  });
});

describe('pca properties', () => {
  it('returns unit, orthogonal axes with a deterministic sign (largest coordinate positive)', () => {
    const { components } = pca(inputOf(FIXTURE.large as NumpyPca), { components: 3 });
    components.forEach((a, i) => {
      components.forEach((b, j) => expect(dot(a, b)).toBeCloseTo(i === j ? 1 : 0, 5));
      const largest = Array.from(a).reduce((best, v) => (Math.abs(v) > Math.abs(best) ? v : best), 0);
      expect(largest).toBeGreaterThan(0);
    });
  });

  it('completes axes of zero variance with unit vectors orthogonal to the others (2 points, 2 axes)', () => {
    const { components, explainedVariance, projected } = pca([new Float32Array([1, 2, 3]), new Float32Array([3, 2, 1])], { components: 2 });
    expect(explainedVariance[0]).toBeCloseTo(4, 5);
    expect(explainedVariance[1]).toBe(0);
    expect(dot(components[0] as Float32Array, components[1] as Float32Array)).toBeCloseTo(0, 6);
    expect(dot(components[1] as Float32Array, components[1] as Float32Array)).toBeCloseTo(1, 6);
    projected.forEach((p) => expect(Math.abs(p[1] as number)).toBeLessThan(1e-9));
  });

  it('rejects bad input and options with VisionError codes', () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return isVisionError(e) ? e.code : 'not a VisionError';
      }
      return undefined;
    };
    expect(code(() => pca([new Float32Array([1, 2])]))).toBe('INVALID_INPUT');
    expect(code(() => pca([new Float32Array([1, 2]), new Float32Array([1])]))).toBe('INVALID_INPUT');
    expect(code(() => pca([[1, Number.NaN], [0, 1]]))).toBe('INVALID_INPUT');
    // a hole in the array of rows was skipped by the check, then a TypeError
    expect(() => pca([[1, 2], , [0, 1]] as number[][])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: 'pca: every vector must have 2 values like row 0, row 1 has undefined' }));
    expect(code(() => pca([[1, 2], [0, 1]], { components: 3 }))).toBe('INVALID_OPTION');
    expect(code(() => pca([[1, 2], [0, 1]], { components: 0.5 }))).toBe('INVALID_OPTION');
    expect(() => pca([[1, 2], [0, 1], [3, 1]], { nComponents: 1 } as never)).toThrow(/pca options has unknown option\(s\) nComponents; allowed: components/);
    // values past float32's range: a VisionError (before: a TypeError from the eigen-solver, the scatter's squares infinite)
    expect(() => pca([[1e155, 0], [0, 1], [1, 1]])).toThrow(/^pca: vectors must hold finite numbers within float32's range \(\|v\| ≤ 3\.4e38\), row 0 has 1e\+155 at index 0$/);
    expect(code(() => pca([[-1e39, 0], [0, 1]]))).toBe('INVALID_INPUT');
    // 1-D vectors: the default is one axis (before: "components must be an integer from 1 to 1, got undefined")
    expect(pca([[1], [2], [3]]).projected.map((p) => Array.from(p))).toEqual([[-1], [0], [1]]);
    expect(() => pca([[1], [2], [3]], { components: 2 })).toThrow('pca: components must be an integer from 1 to 1, got 2');
    for (const options of [null, 2, 'components', [2]]) {
      expect(() => pca([[1, 2], [0, 1]], options as never), String(options)).toThrow(/^pca options must be an object \(\{ components \}\); got /);
      expect(code(() => pca([[1, 2], [0, 1]], options as never))).toBe('INVALID_OPTION');
    }
  });
});
