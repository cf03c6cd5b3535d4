import { Tokenizer } from '@huggingface/tokenizers';
import { VisionError, describeError } from '../../core/errors';
import { parseJsonText } from '../../runtime/json-text';
import { type LoadOptions, type ModelSource, progressCounter, readModelBytes, sourceName } from '../../runtime/model-source';

/**
 * A tokenizer for captions: a parsed Hugging Face `tokenizer.json` object, its JSON text, or
 * where to read it (URL, Node file path, bytes), or a ready `Tokenizer`.
 *
 * @example
 * ```ts
 * const source: TokenizerSource = '/models/captioner/tokenizer.json';
 * ```
 */
export type TokenizerSource = ModelSource | Record<string, unknown> | Tokenizer;

/**
 * A loaded caption tokenizer: the `@huggingface/tokenizers` instance and its vocabulary size.
 *
 * @example
 * ```ts
 * const { tokenizer, vocabSize } = await loadCaptionTokenizer('tokenizer.json');
 * tokenizer.decode([5, 6], { skip_special_tokens: true });
 * ```
 */
export interface CaptionTokenizer {
  tokenizer: Tokenizer;
  vocabSize: number;
}

function parseJson(text: string, name: string): Record<string, unknown> {
  return parseJsonText(text, `tokenizer ${name}`, 'MODEL_FORMAT', 'a Hugging Face tokenizer.json') as Record<string, unknown>;
}

function fromJson(json: Record<string, unknown>, name: string): CaptionTokenizer {
  const model = json.model as { vocab?: unknown } | undefined;
  const vocab = model?.vocab;
  const size = Array.isArray(vocab) ? vocab.length : vocab && typeof vocab === 'object' ? Object.keys(vocab).length : 0;
  if (!model || size === 0) {
    throw new VisionError('INVALID_INPUT', `tokenizer ${name} is empty: it needs a 'model' with a non-empty 'vocab' (a Hugging Face tokenizer.json)`);
  }
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(json, {});
  } catch (error) {
    throw new VisionError('MODEL_FORMAT', `tokenizer ${name} could not be built: ${describeError(error)}`, { cause: error });
  }
  return wrap(tokenizer);
}

function wrap(tokenizer: Tokenizer): CaptionTokenizer {
  const vocabSize = tokenizer.get_vocab(true).size;
  if (vocabSize === 0) throw new VisionError('INVALID_INPUT', 'the tokenizer has an empty vocabulary');
  return { tokenizer, vocabSize };
}

/**
 * Loads a Hugging Face `tokenizer.json` (any model `@huggingface/tokenizers` supports: BPE,
 * WordPiece, Unigram…) from an object, JSON text, a URL, a Node file path or bytes. An empty
 * tokenizer is `INVALID_INPUT`; unreadable JSON is `MODEL_FORMAT`.
 *
 * @example
 * ```ts
 * const { tokenizer } = await loadCaptionTokenizer('https://example.com/captioner/tokenizer.json');
 * ```
 */
export async function loadCaptionTokenizer(source: TokenizerSource, options: LoadOptions = {}): Promise<CaptionTokenizer> {
  if (source === null || source === undefined) throw new VisionError('INVALID_OPTION', 'no tokenizer given; pass a tokenizer.json object, URL, file path or bytes');
  if (source instanceof Tokenizer) return wrap(source);
  if (typeof source === 'string' && source.trimStart().startsWith('{')) return fromJson(parseJson(source, '(JSON text)'), '(JSON text)');
  if (typeof source === 'string' || source instanceof URL || source instanceof Uint8Array || source instanceof ArrayBuffer) {
    const name = sourceName(source);
    const bytes = await readModelBytes(source, progressCounter(undefined, { singleFile: true }), options);
    return fromJson(parseJson(new TextDecoder().decode(bytes), name), name);
  }
  if (typeof source === 'object') return fromJson(source, '(object)');
  throw new VisionError('INVALID_OPTION', `unsupported tokenizer source of type ${typeof source}`);
}
