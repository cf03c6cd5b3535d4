import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { beamSearch } from '../../src/postprocess/caption/beam-search';
import { type GeneratedSequence, type NextTokenLogits, resolveGeneration } from '../../src/postprocess/caption/generation-options';

/**
 * beamSearch against an independent transcription of Hugging Face transformers' beam search
 * (scripts/make_beam_fixtures.py: `BeamSearchScorer.process` / `finalize` and `BeamHypotheses`
 * of v4.45, early_stopping=False — the mode beamSearch implements) on random Markov logit
 * tables: the returned sequences, their order, scores and finished flags must agree.
 */
interface BeamCase {
  name: string;
  numBeams: number;
  maxTokens: number;
  lengthPenalty: number;
  repetitionPenalty: number;
  numReturnSequences: number;
  table: number[];
  expected: Record<'false' | 'true' | 'never', GeneratedSequence[]>;
}

const FIXTURE = JSON.parse(readFileSync(new URL('../fixtures/captioning/beam-search.json', import.meta.url), 'utf8')) as { bos: number; eos: number; vocab: number; cases: BeamCase[] };

/** The case's model: logits for the next token from the table at (step, last token). */
function markovModel(c: BeamCase): NextTokenLogits {
  const v = FIXTURE.vocab;
  return async (sequences) =>
    sequences.map((seq) => {
      const at = ((seq.length - 1) * v + seq[seq.length - 1]) * v;
      return Float32Array.from(c.table.slice(at, at + v));
    });
}

describe('beamSearch = Hugging Face generate(num_beams, early_stopping=False) (golden, scripts/make_beam_fixtures.py)', () => {
  it.each(FIXTURE.cases)('$name', async (c) => {
    const generation = resolveGeneration({
      bosTokenId: FIXTURE.bos,
      eosTokenId: FIXTURE.eos,
      numBeams: c.numBeams,
      maxTokens: c.maxTokens,
      lengthPenalty: c.lengthPenalty,
      repetitionPenalty: c.repetitionPenalty,
      numReturnSequences: c.numReturnSequences,
    });
    const ours = await beamSearch(markovModel(c), generation);
    const want = c.expected.false;
    expect(ours.map((s) => s.tokens)).toEqual(want.map((s) => s.tokens));
    expect(ours.map((s) => s.finished)).toEqual(want.map((s) => s.finished));
    ours.forEach((s, i) => expect(s.score).toBeCloseTo(want[i].score, 4));
  });
});
