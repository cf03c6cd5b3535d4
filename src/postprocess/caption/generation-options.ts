import { VisionError } from '../../core/errors';
import { shownValue } from '../../core/shown-value';
import { optionNames } from '../../core/known-options';
import { checkOptionNames } from '../validate';

/**
 * How to generate a caption: special token ids, length limit, search and penalties.
 * Semantics follow Hugging Face `generate` (see {@link greedyDecode} and {@link beamSearch}).
 *
 * @example
 * ```ts
 * const generation: GenerationOptions = { bosTokenId: 1, eosTokenId: 2, maxTokens: 20, numBeams: 3, lengthPenalty: 1 };
 * ```
 */
export interface GenerationOptions {
  /** The token every sequence starts with (HF `decoder_start_token_id`). */
  bosTokenId: number;
  /** The token that ends a sequence. */
  eosTokenId: number;
  /** Other tokens that end a sequence too (a Hugging Face `generation_config.json` whose `eos_token_id` is a list: its ids after the first). */
  endTokenIds?: readonly number[];
  /** The padding token (never generated into results; dropped from `tokens`). */
  padTokenId?: number;
  /** Most tokens to generate after the start token, EOS included (default 20, at most 1024). */
  maxTokens?: number;
  /** 1 (default) = greedy; more = beam search with that many beams (at most 64). */
  numBeams?: number;
  /** Beam search: a finished hypothesis scores `sum(log p) / length ** lengthPenalty` (default 1). */
  lengthPenalty?: number;
  /** CTRL repetition penalty (default 1 = off): scores of tokens already in the sequence are divided by it when positive, multiplied when negative. */
  repetitionPenalty?: number;
  /** Beam search: how many finished hypotheses to return as candidates (default `numBeams`). */
  numReturnSequences?: number;
}

/** {@link GenerationOptions} with every default filled in. @example `const g = resolveGeneration(options, vocabSize);` */
export type ResolvedGeneration = Required<Omit<GenerationOptions, 'padTokenId' | 'endTokenIds'>> & { padTokenId?: number; endTokenIds?: readonly number[] };

/** Most tokens a caption may be generated to (`maxTokens`). */
const MAX_TOKENS = 1024;
/** Most beams of a beam search (`numBeams`); each step scores `numBeams` sequences. */
const MAX_BEAMS = 64;

const GENERATION_OPTION_NAMES = /* @__PURE__ */ optionNames<GenerationOptions>()([
  'bosTokenId',
  'eosTokenId',
  'endTokenIds',
  'padTokenId',
  'maxTokens',
  'numBeams',
  'lengthPenalty',
  'repetitionPenalty',
  'numReturnSequences',
]);

function checkInteger(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new VisionError('INVALID_OPTION', `${name} is ${shownValue(value)}; it must be an integer ${range}`);
  }
}

/**
 * Validates generation options (with the vocabulary size when known) and fills defaults.
 * Anything out of range is `INVALID_OPTION` naming the allowed values: `maxTokens` 1–1024,
 * `numBeams` 1–64, `numReturnSequences` 1–`numBeams`; so is a name it does not take.
 *
 * @example
 * ```ts
 * const generation = resolveGeneration({ bosTokenId: 1, eosTokenId: 2 }, 30);
 * ```
 */
export function resolveGeneration(options: GenerationOptions, vocabSize?: number): ResolvedGeneration {
  checkOptionNames(options, 'generation', GENERATION_OPTION_NAMES);
  const resolved: ResolvedGeneration = {
    bosTokenId: options.bosTokenId,
    eosTokenId: options.eosTokenId,
    endTokenIds: options.endTokenIds ?? [],
    padTokenId: options.padTokenId,
    maxTokens: options.maxTokens ?? 20,
    numBeams: options.numBeams ?? 1,
    lengthPenalty: options.lengthPenalty ?? 1,
    repetitionPenalty: options.repetitionPenalty ?? 1,
    numReturnSequences: options.numReturnSequences ?? options.numBeams ?? 1,
  };
  const ids = ['bosTokenId', 'eosTokenId', 'padTokenId'] as const;
  for (const key of ids) {
    const id = resolved[key];
    if (id === undefined && key === 'padTokenId') continue;
    checkInteger(key, id as number, 0);
    if (vocabSize !== undefined && (id as number) >= vocabSize) {
      throw new VisionError('INVALID_OPTION', `${key} is ${shownValue(id)} but the vocabulary has ${vocabSize} tokens (ids 0–${vocabSize - 1})`);
    }
  }
  if (!Array.isArray(resolved.endTokenIds)) throw new VisionError('INVALID_OPTION', `endTokenIds is ${shownValue(resolved.endTokenIds)}; it must be an array of token ids`);
  resolved.endTokenIds.forEach((id, i) => {
    checkInteger(`endTokenIds[${i}]`, id, 0);
    if (vocabSize !== undefined && id >= vocabSize) throw new VisionError('INVALID_OPTION', `endTokenIds[${i}] is ${id} but the vocabulary has ${vocabSize} tokens (ids 0–${vocabSize - 1})`);
  });
  checkInteger('maxTokens', resolved.maxTokens, 1, MAX_TOKENS);
  checkInteger('numBeams', resolved.numBeams, 1, MAX_BEAMS);
  checkInteger('numReturnSequences', resolved.numReturnSequences, 1);
  if (resolved.numReturnSequences > resolved.numBeams) {
    throw new VisionError('INVALID_OPTION', `numReturnSequences (${resolved.numReturnSequences}) cannot exceed numBeams (${resolved.numBeams})`);
  }
  if (!Number.isFinite(resolved.lengthPenalty)) throw new VisionError('INVALID_OPTION', `lengthPenalty is ${shownValue(resolved.lengthPenalty)}; it must be a finite number`);
  if (!Number.isFinite(resolved.repetitionPenalty) || resolved.repetitionPenalty <= 0) {
    throw new VisionError('INVALID_OPTION', `repetitionPenalty is ${shownValue(resolved.repetitionPenalty)}; it must be a number > 0 (1 = off)`);
  }
  return resolved;
}

/**
 * One decoding step: next-token scores (logits) over the vocabulary for each sequence
 * (each starts with the BOS token). Sequences share the image they were generated for.
 *
 * @example
 * ```ts
 * const step: NextTokenLogits = async (sequences) => sequences.map(() => new Float32Array(vocabSize));
 * ```
 */
export type NextTokenLogits = (sequences: readonly (readonly number[])[]) => Promise<Float32Array[]>;

/**
 * One generated caption: its token ids (without BOS, EOS and padding) and its score.
 *
 * @example
 * ```ts
 * const { tokens, score } = await greedyDecode(step, generation);
 * ```
 */
export interface GeneratedSequence {
  tokens: number[];
  /** Greedy: sum of the chosen tokens' log-probabilities; beam search: the length-normalised beam score. */
  score: number;
  /** Whether the sequence ended with EOS (false: cut at `maxTokens`). */
  finished: boolean;
}

/**
 * Whether `token` ends a sequence: the EOS token or one of `endTokenIds`.
 *
 * @example
 * ```ts
 * if (endsSequence(next, generation)) return finished;
 * ```
 */
export function endsSequence(token: number, generation: ResolvedGeneration): boolean {
  return token === generation.eosTokenId || (generation.endTokenIds?.includes(token) ?? false);
}
