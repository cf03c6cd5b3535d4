import { eventLoopCheckpoint } from '../../core/event-loop';
import { type GeneratedSequence, type NextTokenLogits, type ResolvedGeneration, endsSequence } from './generation-options';
import { cleanTokens } from './greedy';
import { applyRepetitionPenalty, logSoftmax } from './logits';

interface Beam {
  sequence: number[];
  /** Sum of token log-probabilities so far. */
  logProb: number;
}

interface Candidate {
  score: number;
  beam: number;
  token: number;
}

/** The `numBeams` best finished hypotheses (Hugging Face `BeamHypotheses`). */
class Hypotheses {
  readonly items: GeneratedSequence[] = [];

  constructor(private readonly size: number) {}

  get worst(): number {
    return this.items.length < this.size ? Number.NEGATIVE_INFINITY : this.items[this.items.length - 1].score;
  }

  add(item: GeneratedSequence): void {
    if (this.items.length >= this.size && item.score <= this.worst) return;
    this.items.push(item);
    this.items.sort((a, b) => b.score - a.score);
    if (this.items.length > this.size) this.items.pop();
  }
}

function topCandidates(beams: readonly Beam[], logits: readonly Float32Array[], generation: ResolvedGeneration): Candidate[] {
  const all: Candidate[] = [];
  beams.forEach((beam, b) => {
    const scores = applyRepetitionPenalty(logSoftmax(logits[b]), beam.sequence, generation.repetitionPenalty);
    for (let v = 0; v < scores.length; v++) all.push({ score: beam.logProb + scores[v], beam: b, token: v });
  });
  // Best first; ties keep the lower (beam, token) index, as a stable top-k over beams × vocab.
  all.sort((a, b) => b.score - a.score || a.beam - b.beam || a.token - b.token);
  return all.slice(0, 2 * generation.numBeams);
}

/**
 * Beam search (Hugging Face `generate` with `num_beams > 1`, `early_stopping=False`): keep the
 * `numBeams` best partial sequences by summed log-probability (log-softmax, then the
 * repetition penalty). Among the `2 × numBeams` best continuations a candidate ending in EOS
 * and ranked within the first `numBeams` becomes a finished hypothesis scored
 * `sum(log p) / length ** lengthPenalty` (length = generated tokens, EOS included); the
 * others continue. The search stops when `numBeams` hypotheses are finished and the best of
 * the `2 × numBeams` continuations, normalised by the same length, cannot beat the worst of
 * them, or after `maxTokens` steps (running beams are then scored by their generated tokens).
 * Returns the hypotheses, best first (`numReturnSequences` of them).
 *
 * @example
 * ```ts
 * const [best] = await beamSearch(step, resolveGeneration({ bosTokenId: 1, eosTokenId: 2, numBeams: 3 }));
 * ```
 */
export async function beamSearch(step: NextTokenLogits, generation: ResolvedGeneration, signal?: AbortSignal): Promise<GeneratedSequence[]> {
  const { numBeams, lengthPenalty } = generation;
  const hypotheses = new Hypotheses(numBeams);
  let beams: Beam[] = [{ sequence: [generation.bosTokenId], logProb: 0 }];
  let done = false;
  // a model answering at once (tfjs on wasm or cpu) never lets a timer run: yield now and then, so an abort can stop it
  const checkpoint = eventLoopCheckpoint(signal, 'caption generation');
  for (let t = 0; t < generation.maxTokens && !done; t++) {
    await checkpoint();
    const logits = await step(beams.map((b) => b.sequence));
    const next: Beam[] = [];
    const candidates = topCandidates(beams, logits, generation);
    const generated = beams[0].sequence.length;
    for (let rank = 0; rank < candidates.length && next.length < numBeams; rank++) {
      const { score, beam, token } = candidates[rank];
      const sequence = beams[beam].sequence;
      if (endsSequence(token, generation)) {
        if (rank < numBeams) hypotheses.add({ tokens: cleanTokens(sequence, generation), score: score / sequence.length ** lengthPenalty, finished: true });
      } else {
        next.push({ sequence: [...sequence, token], logProb: score });
      }
    }
    beams = next;
    if (hypotheses.items.length >= numBeams) {
      done = hypotheses.worst >= candidates[0].score / generated ** lengthPenalty;
    }
  }
  if (!done) {
    for (const beam of beams) {
      hypotheses.add({ tokens: cleanTokens(beam.sequence, generation), score: beam.logProb / (beam.sequence.length - 1) ** lengthPenalty, finished: false });
    }
  }
  return hypotheses.items.slice(0, generation.numReturnSequences);
}
