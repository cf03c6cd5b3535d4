import { describe, expect, it } from 'vitest';
import { VisionError } from '../../src/core/errors';
import { beamSearch } from '../../src/postprocess/caption/beam-search';
import { generateSequences } from '../../src/postprocess/caption/generate';
import { type NextTokenLogits, resolveGeneration } from '../../src/postprocess/caption/generation-options';
import { greedyDecode } from '../../src/postprocess/caption/greedy';
import { applyRepetitionPenalty, argmax, logSoftmax } from '../../src/postprocess/caption/logits';

const BOS = 0;
const EOS = 1;

/** A language model given as a table: prefix (ids after BOS, joined) → next-token probabilities over 5 tokens. */
function tableModel(table: Record<string, number[]>): NextTokenLogits {
  return async (sequences) =>
    sequences.map((seq) => {
      const probs = table[seq.slice(1).join(',')] ?? [0, 0.96, 0.01, 0.01, 0.02];
      return Float32Array.from(probs, (p) => Math.log(p));
    });
}

describe('caption decoding', () => {
  it('logSoftmax, argmax and the CTRL repetition penalty', () => {
    const lp = logSoftmax(new Float32Array([1, 2, 3]));
    expect(Array.from(lp.map(Math.exp)).reduce((a, b) => a + b)).toBeCloseTo(1, 6);
    expect(argmax(new Float32Array([0.1, 0.7, 0.7]))).toBe(1);
    expect(Array.from(applyRepetitionPenalty(new Float32Array([2, -2, 1]), [0, 1, 1], 2))).toEqual([1, -4, 1]);
  });

  it('greedy stops at EOS and at maxTokens, and skips BOS/EOS in tokens', async () => {
    const model = tableModel({ '': [0, 0, 0.6, 0.3, 0.1], '2': [0, 0.1, 0.1, 0.7, 0.1], '2,3': [0, 0.9, 0.05, 0.03, 0.02] });
    const full = await greedyDecode(model, resolveGeneration({ bosTokenId: BOS, eosTokenId: EOS, maxTokens: 10 }));
    expect(full).toMatchObject({ tokens: [2, 3], finished: true });
    expect(full.score).toBeCloseTo(Math.log(0.6) + Math.log(0.7) + Math.log(0.9), 5);
    const cut = await greedyDecode(model, resolveGeneration({ bosTokenId: BOS, eosTokenId: EOS, maxTokens: 1 }));
    expect(cut).toMatchObject({ tokens: [2], finished: false });
  });

  it('endTokenIds end a sequence as EOS does, in greedy and beam search, and are left out of tokens (a list eos_token_id stopped at its first id only)', async () => {
    // token 4 is a second end token: after 2, greedy picks 4 (0.7)
    const model = tableModel({ '': [0, 0, 0.6, 0.3, 0.1], '2': [0, 0.1, 0.1, 0.1, 0.7], '2,4': [0, 0.9, 0.05, 0.03, 0.02] });
    expect(await greedyDecode(model, resolveGeneration({ bosTokenId: BOS, eosTokenId: EOS, maxTokens: 10 }))).toMatchObject({ tokens: [2, 4], finished: true });
    const ended = await greedyDecode(model, resolveGeneration({ bosTokenId: BOS, eosTokenId: EOS, endTokenIds: [4], maxTokens: 10 }));
    expect(ended).toMatchObject({ tokens: [2], finished: true });
    expect(ended.score).toBeCloseTo(Math.log(0.6) + Math.log(0.7), 5);
    const [best] = await beamSearch(model, resolveGeneration({ bosTokenId: BOS, eosTokenId: EOS, endTokenIds: [4], numBeams: 2, lengthPenalty: 0 }));
    expect(best).toMatchObject({ tokens: [2], finished: true });
    expect(best.score).toBeCloseTo(Math.log(0.6 * 0.7), 5);
    // a generation object made by hand, without endTokenIds, decodes as before (it was a TypeError)
    expect(await greedyDecode(model, { bosTokenId: BOS, eosTokenId: EOS, maxTokens: 10, numBeams: 1, lengthPenalty: 1, repetitionPenalty: 1, numReturnSequences: 1 })).toMatchObject({ tokens: [2, 4], finished: true });
    for (const endTokenIds of [[9], [1.5], 4, [-1]]) expect(() => resolveGeneration({ bosTokenId: BOS, eosTokenId: EOS, endTokenIds: endTokenIds as never }, 5), JSON.stringify(endTokenIds)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(/^endTokenIds/) }));
  });

  it('beam search finds the sequence greedy misses (a better second step)', async () => {
    // greedy: 2 (0.5) then 3 (0.4) → 0.2; beam: 3 (0.4) then EOS (0.9) → 0.36
    const model = tableModel({ '': [0, 0.05, 0.5, 0.4, 0.05], '2': [0, 0.3, 0.3, 0.4, 0], '2,3': [0, 1, 0, 0, 0], '3': [0, 0.9, 0.05, 0.05, 0] });
    const greedy = await greedyDecode(model, resolveGeneration({ bosTokenId: BOS, eosTokenId: EOS }));
    expect(greedy.tokens).toEqual([2, 3]);
    const beams = await beamSearch(model, resolveGeneration({ bosTokenId: BOS, eosTokenId: EOS, numBeams: 2, lengthPenalty: 0 }));
    expect(beams[0].tokens).toEqual([3]);
    expect(beams[0].score).toBeCloseTo(Math.log(0.4 * 0.9), 5);
    expect(beams[0].finished).toBe(true);
    expect(beams.length).toBe(2);
    expect(beams[1].score).toBeLessThanOrEqual(beams[0].score);
  });

  it('the length penalty favours longer hypotheses as it grows', async () => {
    const model = tableModel({ '': [0, 0.5, 0.5, 0, 0], '2': [0, 0.1, 0, 0.9, 0], '2,3': [0, 0.6, 0, 0, 0.4] });
    const short = await beamSearch(model, resolveGeneration({ bosTokenId: BOS, eosTokenId: EOS, numBeams: 2, lengthPenalty: 0 }));
    expect(short[0].tokens).toEqual([]);
    const long = await beamSearch(model, resolveGeneration({ bosTokenId: BOS, eosTokenId: EOS, numBeams: 2, lengthPenalty: 2 }));
    // with lengthPenalty 2, log(0.5·0.9·0.4·0.96)/4² beats log(0.5·0.9·0.6)/3² and log(0.5)/1²
    expect(long[0].tokens).toEqual([2, 3, 4]);
    expect(long[0].score).toBeCloseTo(Math.log(0.5 * 0.9 * 0.4 * 0.96) / 16, 5);
  });

  it('the repetition penalty breaks loops', async () => {
    const loop: NextTokenLogits = async (seqs) => seqs.map(() => Float32Array.from([0, -5, 2, 1.5, 0]));
    const plain = await greedyDecode(loop, resolveGeneration({ bosTokenId: BOS, eosTokenId: EOS, maxTokens: 4 }));
    expect(plain.tokens).toEqual([2, 2, 2, 2]);
    const penalised = await greedyDecode(loop, resolveGeneration({ bosTokenId: BOS, eosTokenId: EOS, maxTokens: 4, repetitionPenalty: 2 }));
    // logits of tokens already generated are halved: 2 → 1 after the first step, then 3 (1.5) wins, then 2 (1) again
    expect(penalised.tokens).toEqual([2, 3, 2, 2]);
  });

  it('caps numBeams at 64 and maxTokens at 1024 (INVALID_OPTION naming the limit)', () => {
    const base = { bosTokenId: BOS, eosTokenId: EOS };
    expect(() => resolveGeneration({ ...base, numBeams: 1e6 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: 'numBeams is 1000000; it must be an integer from 1 to 64' }));
    expect(() => resolveGeneration({ ...base, maxTokens: 1e9 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: 'maxTokens is 1000000000; it must be an integer from 1 to 1024' }));
    expect(resolveGeneration({ ...base, numBeams: 64, maxTokens: 1024 })).toMatchObject({ numBeams: 64, maxTokens: 1024 });
  });

  it('rejects bad generation options with INVALID_OPTION', () => {
    const base = { bosTokenId: BOS, eosTokenId: EOS };
    for (const bad of [{ maxTokens: 0 }, { numBeams: 0 }, { numBeams: 1.5 }, { repetitionPenalty: 0 }, { lengthPenalty: Number.NaN }, { numBeams: 2, numReturnSequences: 3 }, { eosTokenId: 9 }, { bosTokenId: -1 }]) {
      let error: unknown;
      try {
        resolveGeneration({ ...base, ...bad }, 5);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(bad)).toBeInstanceOf(VisionError);
      expect((error as VisionError).code).toBe('INVALID_OPTION');
    }
  });

  it('honours an AbortSignal between steps', async () => {
    const controller = new AbortController();
    controller.abort();
    const model = tableModel({});
    await expect(generateSequences(model, resolveGeneration({ bosTokenId: BOS, eosTokenId: EOS }), controller.signal)).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it.each([1, 4])('a signal fired by a timer stops a model that answers at once (numBeams %i): generation lets timers run', async (numBeams) => {
    // as a tfjs captioner on wasm or cpu: each step resolves in a microtask, after ~1 ms of work; it never ends the caption
    const busy: NextTokenLogits = async (sequences) => {
      const until = performance.now() + 1;
      while (performance.now() < until);
      return sequences.map(() => Float32Array.from([0, 0.01, 0.5, 0.3, 0.19], (p) => Math.log(p)));
    };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const generation = resolveGeneration({ bosTokenId: BOS, eosTokenId: EOS, maxTokens: 1024, numBeams, repetitionPenalty: 1 });
    // the timer never ran before: all 1024 steps (over a second) and a finished caption
    await expect(generateSequences(busy, generation, controller.signal)).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
