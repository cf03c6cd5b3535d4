import { eventLoopCheckpoint } from '../../core/event-loop';
import { type GeneratedSequence, type NextTokenLogits, type ResolvedGeneration, endsSequence } from './generation-options';
import { applyRepetitionPenalty, argmax, logSoftmax } from './logits';

/**
 * Greedy decoding (Hugging Face `generate` with `num_beams=1, do_sample=False`): starting
 * from `[bos]`, repeatedly apply the repetition penalty to the next-token logits and append
 * the arg-max token, until EOS or `maxTokens` tokens (EOS counted). The score is the sum of
 * the chosen tokens' log-probabilities (log-softmax of the penalised logits).
 *
 * @example
 * ```ts
 * const { tokens } = await greedyDecode(step, resolveGeneration({ bosTokenId: 1, eosTokenId: 2, maxTokens: 16 }));
 * ```
 */
export async function greedyDecode(step: NextTokenLogits, generation: ResolvedGeneration, signal?: AbortSignal): Promise<GeneratedSequence> {
  const sequence = [generation.bosTokenId];
  let score = 0;
  // a model answering at once (tfjs on wasm or cpu) never lets a timer run: yield now and then, so an abort can stop it
  const checkpoint = eventLoopCheckpoint(signal, 'caption generation');
  for (let t = 0; t < generation.maxTokens; t++) {
    await checkpoint();
    const [logits] = await step([sequence]);
    const scores = applyRepetitionPenalty(Float32Array.from(logits), sequence, generation.repetitionPenalty);
    const next = argmax(scores);
    score += logSoftmax(scores)[next];
    if (endsSequence(next, generation)) return { tokens: cleanTokens(sequence, generation), score, finished: true };
    sequence.push(next);
  }
  return { tokens: cleanTokens(sequence, generation), score, finished: false };
}

/**
 * The generated part of a sequence: without the leading BOS, padding and end tokens.
 *
 * @example
 * ```ts
 * cleanTokens([1, 5, 6], generation); // [5, 6]
 * ```
 */
export function cleanTokens(sequence: readonly number[], generation: ResolvedGeneration): number[] {
  return sequence.slice(1).filter((id) => id !== generation.padTokenId && !endsSequence(id, generation));
}
