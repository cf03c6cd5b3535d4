import { VisionError } from '../core/errors';
import { isOptionsObject, shownValue } from '../core/shown-value';

/**
 * How {@link corpusBleu} treats an n-gram order with no match:
 * - `none`: the score is 0 (Papineni et al.; NLTK's default),
 * - `epsilon`: a zero match count becomes `epsilon` (NLTK `method1`, default 0.1),
 * - `add-one`: add 1 to matches and totals of orders n ≥ 2 (Lin & Och 2004; NLTK `method2`).
 *
 * @example
 * ```ts
 * corpusBleu(candidates, references, { smoothing: 'epsilon' });
 * ```
 */
export type BleuSmoothing = 'none' | 'epsilon' | 'add-one';

/**
 * Options of {@link corpusBleu}.
 *
 * @example
 * ```ts
 * const options: BleuOptions = { maxOrder: 4, smoothing: 'none' };
 * ```
 */
export interface BleuOptions {
  /** Highest n-gram order (default 4): `bleu[k]` is BLEU-(k+1) for k < maxOrder. */
  maxOrder?: number;
  smoothing?: BleuSmoothing;
  /** The count a zero match becomes with `smoothing: 'epsilon'`: in (0, 1], default 0.1. */
  epsilon?: number;
}

/**
 * Corpus-level BLEU: `bleu[n-1]` is BLEU-n (uniform weights over orders 1…n), with the
 * clipped n-gram precisions, brevity penalty and lengths behind it.
 *
 * @example
 * ```ts
 * const { bleu } = corpusBleu(['a red circle'], [['a red circle']]);
 * console.log(bleu[3]); // BLEU-4
 * ```
 */
export interface BleuResult {
  /** BLEU-1 … BLEU-maxOrder. */
  bleu: number[];
  /** Modified (clipped) n-gram precision per order, before smoothing. */
  precisions: number[];
  brevityPenalty: number;
  /** Total candidate tokens (c). */
  candidateLength: number;
  /** Total closest reference lengths (r; ties go to the shorter reference). */
  referenceLength: number;
}

/** A sentence as tokens, or as text split on whitespace. @example `const s: BleuSentence = 'a red circle';` */
export type BleuSentence = string | readonly string[];

function tokensOf(sentence: BleuSentence): readonly string[] {
  if (typeof sentence === 'string') return sentence.split(/\s+/).filter((t) => t.length > 0);
  if (!Array.isArray(sentence)) throw new VisionError('INVALID_INPUT', 'a BLEU sentence must be a string or an array of tokens');
  return sentence;
}

function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join('\u0000');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function closestLength(candidateLength: number, references: readonly (readonly string[])[]): number {
  let best = references[0].length;
  for (const ref of references) {
    const d = Math.abs(ref.length - candidateLength);
    const bestD = Math.abs(best - candidateLength);
    if (d < bestD || (d === bestD && ref.length < best)) best = ref.length;
  }
  return best;
}

/** Highest n-gram order {@link corpusBleu} takes (BLEU is used up to 4, sometimes 8–10). */
const MAX_ORDER = 100;

function checkBleuOptions(options: BleuOptions): Required<BleuOptions> {
  const given: unknown = options;
  if (!isOptionsObject(given)) throw new VisionError('INVALID_OPTION', `BLEU options must be an object ({ maxOrder, smoothing, epsilon }); got ${shownValue(given)}`);
  const maxOrder = options.maxOrder ?? 4;
  const smoothing = options.smoothing ?? 'none';
  const epsilon = options.epsilon ?? 0.1;
  if (!Number.isInteger(maxOrder) || maxOrder < 1 || maxOrder > MAX_ORDER) throw new VisionError('INVALID_OPTION', `maxOrder is ${shownValue(options.maxOrder)}; it must be an integer from 1 to ${MAX_ORDER}`);
  if (!['none', 'epsilon', 'add-one'].includes(smoothing)) throw new VisionError('INVALID_OPTION', `unknown smoothing ${shownValue(smoothing)}; allowed: none, epsilon, add-one`);
  if (!(typeof epsilon === 'number' && epsilon > 0 && epsilon <= 1)) throw new VisionError('INVALID_OPTION', `epsilon is ${shownValue(options.epsilon)}; it must be a number in (0, 1] (a match count for an order with none)`);
  return { maxOrder, smoothing, epsilon };
}

/**
 * Corpus BLEU-1…4 after Papineni et al. (2002), as NLTK's `corpus_bleu` computes it: modified
 * n-gram precision with counts clipped by the maximum count in any reference, numerators and
 * denominators summed over the corpus before dividing (a candidate with no n-gram of an order —
 * shorter than n — counts 1 in that order's denominator, as NLTK's `modified_precision`),
 * geometric mean with uniform weights, and the brevity penalty `exp(1 − r/c)` when the corpus
 * of candidates is shorter than the closest references. No unigram match at all scores 0,
 * whatever the smoothing (as NLTK).
 *
 * @example
 * ```ts
 * const { bleu } = corpusBleu(
 *   ['two red circles left of a blue square'],
 *   [['two red circles left of a blue square', 'two red circles beside a blue square']],
 * );
 * console.log(bleu[3]); // 1
 * ```
 */
export function corpusBleu(candidates: readonly BleuSentence[], references: readonly (readonly BleuSentence[])[], options: BleuOptions = {}): BleuResult {
  const { maxOrder, smoothing, epsilon } = checkBleuOptions(options);
  if (!Array.isArray(candidates) || !Array.isArray(references)) {
    throw new VisionError('INVALID_INPUT', `BLEU takes an array of candidates and an array of reference sets (one array per candidate); got ${shownValue(candidates)} and ${shownValue(references)}`);
  }
  if (candidates.length !== references.length) {
    throw new VisionError('INVALID_INPUT', `${candidates.length} candidates but ${references.length} reference sets; give one set of references per candidate`);
  }
  if (candidates.length === 0) throw new VisionError('INVALID_INPUT', 'BLEU needs at least one candidate');
  const matches = new Array<number>(maxOrder).fill(0);
  const totals = new Array<number>(maxOrder).fill(0);
  let c = 0;
  let r = 0;
  candidates.forEach((candidate, i) => {
    const hyp = tokensOf(candidate);
    if (!Array.isArray(references[i])) throw new VisionError('INVALID_INPUT', `the references of candidate ${i} are ${shownValue(references[i])}; give an array of sentences`);
    const refs = references[i].map(tokensOf);
    if (refs.length === 0) throw new VisionError('INVALID_INPUT', `candidate ${i} has no references`);
    c += hyp.length;
    r += closestLength(hyp.length, refs);
    for (let n = 1; n <= maxOrder; n++) {
      const maxRef = new Map<string, number>();
      for (const ref of refs) for (const [key, count] of ngramCounts(ref, n)) maxRef.set(key, Math.max(maxRef.get(key) ?? 0, count));
      for (const [key, count] of ngramCounts(hyp, n)) matches[n - 1] += Math.min(count, maxRef.get(key) ?? 0);
      totals[n - 1] += Math.max(1, hyp.length - n + 1); // NLTK: max(1, count) per candidate
    }
  });
  const precisions = matches.map((m, k) => (totals[k] > 0 ? m / totals[k] : 0));
  const brevityPenalty = c === 0 ? 0 : c > r ? 1 : Math.exp(1 - r / c);
  const logPrecision = matches.map((m, k) => {
    let num = m;
    let den = totals[k];
    if (smoothing === 'add-one' && k > 0) {
      num += 1;
      den += 1;
    } else if (smoothing === 'epsilon' && num === 0 && den > 0) {
      num = epsilon;
    }
    return num > 0 && den > 0 ? Math.log(num / den) : Number.NEGATIVE_INFINITY;
  });
  const bleu: number[] = [];
  let sum = 0;
  for (let n = 1; n <= maxOrder; n++) {
    sum += logPrecision[n - 1];
    bleu.push(c === 0 || matches[0] === 0 || !Number.isFinite(sum) ? 0 : brevityPenalty * Math.exp(sum / n));
  }
  return { bleu, precisions, brevityPenalty, candidateLength: c, referenceLength: r };
}
