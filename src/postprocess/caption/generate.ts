import { beamSearch } from './beam-search';
import type { GeneratedSequence, NextTokenLogits, ResolvedGeneration } from './generation-options';
import { greedyDecode } from './greedy';

/**
 * Generates a caption with greedy decoding (`numBeams` 1) or beam search: the best sequence
 * first, then (beam search) the other candidates.
 *
 * @example
 * ```ts
 * const [best, ...others] = await generateSequences(step, resolveGeneration({ bosTokenId: 1, eosTokenId: 2, numBeams: 4 }));
 * ```
 */
export async function generateSequences(step: NextTokenLogits, generation: ResolvedGeneration, signal?: AbortSignal): Promise<GeneratedSequence[]> {
  if (generation.numBeams === 1) return [await greedyDecode(step, generation, signal)];
  return beamSearch(step, generation, signal);
}
