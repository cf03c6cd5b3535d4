import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VisionError } from '../../src/core/errors';
import { type BleuResult, type BleuSmoothing, corpusBleu } from '../../src/eval/bleu';

interface GoldenCase {
  name: string;
  candidates: string[][];
  references: string[][][];
  expected: Record<BleuSmoothing, BleuResult>;
}

const golden = JSON.parse(readFileSync(new URL('../fixtures/captioning/bleu-golden.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] };

describe('corpusBleu', () => {
  for (const c of golden.cases) {
    for (const smoothing of ['none', 'epsilon', 'add-one'] as const) {
      it(`matches the Papineni reference: ${c.name}, smoothing ${smoothing}`, () => {
        const got = corpusBleu(c.candidates, c.references, { smoothing });
        const want = c.expected[smoothing];
        got.bleu.forEach((b, k) => expect(b).toBeCloseTo(want.bleu[k], 10));
        got.precisions.forEach((p, k) => expect(p).toBeCloseTo(want.precisions[k], 10));
        expect(got.brevityPenalty).toBeCloseTo(want.brevityPenalty, 10);
        expect(got.candidateLength).toBe(want.candidateLength);
        expect(got.referenceLength).toBe(want.referenceLength);
      });
    }
  }

  it("reproduces NLTK's documented corpus_bleu value on Papineni's example", () => {
    const c = golden.cases[0];
    expect(corpusBleu(c.candidates, c.references).bleu[3]).toBeCloseTo(0.5045666840058485, 12);
  });

  it('accepts whitespace-separated strings and is 1 for exact matches', () => {
    expect(corpusBleu(['two red circles left of a blue square'], [['two red circles left of a blue square']]).bleu).toEqual([1, 1, 1, 1]);
  });

  it('rejects mismatched or empty corpora and bad options', () => {
    expect(() => corpusBleu(['a'], [])).toThrow(VisionError);
    expect(() => corpusBleu([], [])).toThrow(VisionError);
    expect(() => corpusBleu(['a'], [[]])).toThrow(VisionError);
    expect(() => corpusBleu(['a'], [['a']], { maxOrder: 0 })).toThrow(VisionError);
    const refused = (code: string, fragment: string, f: () => unknown): void => {
      expect(f).toThrow(expect.objectContaining({ name: 'VisionError', code, message: expect.stringContaining(fragment) }));
    };
    // epsilon is a match count standing in for none: above 1 it could lift BLEU past 1, at 0 or below it is no smoothing
    for (const epsilon of [5, 0, -1, Number.NaN, '0.1']) refused('INVALID_OPTION', 'epsilon is', () => corpusBleu(['a b'], [['a c']], { smoothing: 'epsilon', epsilon: epsilon as number }));
    refused('INVALID_OPTION', 'from 1 to 100', () => corpusBleu(['a'], [['a']], { maxOrder: 1e7 }));
    refused('INVALID_OPTION', 'BLEU options must be an object', () => corpusBleu(['a'], [['a']], null as never));
    refused('INVALID_INPUT', 'the references of candidate 0 are null', () => corpusBleu(['a'], [null as never]));
    refused('INVALID_INPUT', 'the references of candidate 0 are "a"', () => corpusBleu(['a'], ['a' as never]));
    refused('INVALID_INPUT', 'an array of candidates', () => corpusBleu('a' as never, [['a']]));
  });

  it('scores 0 without a unigram match, whatever the smoothing (NLTK returns 0 before smoothing)', () => {
    for (const smoothing of ['none', 'epsilon', 'add-one'] as const) expect(corpusBleu(['x y z w'], [['a b c d']], { smoothing }).bleu).toEqual([0, 0, 0, 0]);
  });
});
