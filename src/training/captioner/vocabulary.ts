import { BertPreTokenizer, Tokenizer } from '@huggingface/tokenizers';
import { VisionError } from '../../core/errors';

const PRE_TOKENIZER = /* @__PURE__ */ new BertPreTokenizer();

/** Special tokens of a captioner vocabulary, in id order 0–3. @example `CAPTION_SPECIALS[1] // '<bos>'` */
export const CAPTION_SPECIALS = /* @__PURE__ */ Object.freeze(['<pad>', '<bos>', '<eos>', '<unk>'] as const);

/**
 * The word vocabulary of a trained captioner as a Hugging Face `tokenizer.json` (WordPiece
 * over whole lower-case words, BERT pre-tokenizer — whitespace-separated words with every
 * punctuation mark a token of its own, letters of any script kept in their word — and the
 * WordPiece decoder, which closes up `dog ,` to `dog,`), so that captions are tokenized and
 * decoded by `@huggingface/tokenizers` here and by any HF tokenizer elsewhere. Ids: `<pad>` 0,
 * `<bos>` 1, `<eos>` 2, `<unk>` 3, then the words.
 *
 * @example
 * ```ts
 * const vocab = CaptionVocabulary.fromCaptions(['two red circles left of a blue square']);
 * vocab.encode('a red circle'); // [1, …, 2]
 * ```
 */
export class CaptionVocabulary {
  readonly tokenizer: Tokenizer;
  readonly padId = 0;
  readonly bosId = 1;
  readonly eosId = 2;
  readonly unkId = 3;
  private readonly ids: ReadonlyMap<string, number>;

  constructor(readonly words: readonly string[]) {
    if (words.length === 0) throw new VisionError('INVALID_INPUT', 'a caption vocabulary needs at least one word');
    this.ids = new Map(words.map((word, i) => [word, CAPTION_SPECIALS.length + i]));
    this.tokenizer = new Tokenizer(this.toTokenizerJson(), {});
  }

  /**
   * A vocabulary of every word in `captions` ({@link CaptionVocabulary.wordsOf}), sorted.
   *
   * @example
   * ```ts
   * const vocab = CaptionVocabulary.fromCaptions(trainingCaptions);
   * ```
   */
  static fromCaptions(captions: readonly string[]): CaptionVocabulary {
    const words = new Set<string>();
    for (const caption of captions) for (const w of CaptionVocabulary.wordsOf(caption)) words.add(w);
    return new CaptionVocabulary([...words].sort());
  }

  /**
   * The words of a caption as the tokenizer splits it: lower-cased, split at whitespace, each
   * punctuation mark a word of its own.
   *
   * @example
   * ```ts
   * CaptionVocabulary.wordsOf("A dog's café, well-known."); // ['a', 'dog', "'", 's', 'café', ',', 'well', '-', 'known', '.']
   * ```
   */
  static wordsOf(caption: string): string[] {
    return PRE_TOKENIZER.pre_tokenize(caption.toLowerCase());
  }

  /** Tokens in all: specials plus words. */
  get size(): number {
    return CAPTION_SPECIALS.length + this.words.length;
  }

  /**
   * Token ids of a caption wrapped in `<bos>` … `<eos>`: each of its words
   * ({@link CaptionVocabulary.wordsOf}, as the vocabulary was built) by its id, `<unk>` for a word
   * it lacks. (The tokenizer's own encode picked a literal `<eos>` or `<pad>` out of the text as
   * the special token, ending or masking the caption there.)
   */
  encode(caption: string): number[] {
    return [this.bosId, ...CaptionVocabulary.wordsOf(caption).map((word) => this.ids.get(word) ?? this.unkId), this.eosId];
  }

  /** Text of token ids (special tokens dropped). */
  decode(ids: readonly number[]): string {
    return this.tokenizer.decode([...ids], { skip_special_tokens: true });
  }

  /** The Hugging Face `tokenizer.json` object of this vocabulary. */
  toTokenizerJson(): Record<string, unknown> {
    const all = [...CAPTION_SPECIALS, ...this.words];
    return {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: CAPTION_SPECIALS.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
      normalizer: { type: 'Lowercase' },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: null,
      decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
      // every word of the vocabulary a whole token (WordPiece makes a word over this many characters <unk>)
      model: { type: 'WordPiece', unk_token: '<unk>', continuing_subword_prefix: '##', max_input_chars_per_word: this.words.reduce((longest, w) => Math.max(longest, [...w].length), 100), vocab: Object.fromEntries(all.map((w, i) => [w, i])) },
    };
  }
}
