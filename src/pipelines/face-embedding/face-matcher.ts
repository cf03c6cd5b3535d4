import { VisionError } from '../../core/errors';
import { isOptionsObject, shownData, shownValue } from '../../core/shown-value';
import { knownOptions } from '../../core/known-options';

/**
 * The "same person" cosine-similarity threshold for FaceRes embeddings, measured with
 * bench/face-threshold.ts on the 22 faces of the @vladmandic/face-api group photos: each face
 * against itself in 5 variants of its photo (mirror flip, crop, half size, JPEG quality 25,
 * 30 % brighter; 110 pairs: min 0.860, median 0.96) versus every pair of different faces (231
 * pairs: max 0.599 within one photo, 0.670 across photos, median 0.41). At 0.7 both error
 * counts are 0 on that set; it sits near the impostors' top because the same person in
 * different photos scores lower than these variants do. Other models need their own threshold.
 *
 * @example
 * ```ts
 * const matcher = new FaceMatcher(references, { threshold: FACERES_MATCH_THRESHOLD });
 * ```
 */
export const FACERES_MATCH_THRESHOLD = 0.7;

/**
 * Cosine similarity of two vectors of one length: 1 same direction, 0 unrelated, −1 opposite
 * (0 when either is all zero). For unit-length embeddings it is their dot product.
 *
 * @throws VisionError `INVALID_INPUT` for vectors of different lengths or values that are not finite numbers.
 * @example
 * ```ts
 * cosineSimilarity(a.embedding, b.embedding); // 0.83
 * ```
 */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (typeof a?.length !== 'number' || typeof b?.length !== 'number') {
    throw new VisionError('INVALID_INPUT', `cosine similarity needs two vectors (arrays of numbers), got ${shownValue(a)} and ${shownValue(b)}`);
  }
  if (a.length !== b.length) throw new VisionError('INVALID_INPUT', `cosine similarity needs vectors of one length, got ${a.length} and ${b.length}`);
  // each vector scaled by its largest magnitude first: squares of 1e200 overflow, of 1e-200 vanish
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      throw new VisionError('INVALID_INPUT', `cosine similarity needs finite numbers; the vectors hold ${shownValue(x)} and ${shownValue(y)} at index ${i}`);
    }
    sa = Math.max(sa, Math.abs(x));
    sb = Math.max(sb, Math.abs(y));
  }
  if (sa === 0 || sb === 0) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] / sa;
    const y = b[i] / sb;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)));
}

/** What {@link FaceMatcher.match} answers for a face that matches no reference. */
const UNKNOWN = 'unknown';

/** A labelled reference face: who it is and its embedding. @example `const ada: LabelledFace = { label: 'ada', embedding: face.embedding };` */
export interface LabelledFace {
  readonly label: string;
  readonly embedding: ArrayLike<number>;
}

/** The answer of {@link FaceMatcher.match}. @example `const { label, known, similarity }: FaceMatch = matcher.match(face.embedding);` */
export interface FaceMatch {
  /** The best reference's label, or `'unknown'` when its similarity is below the threshold. */
  readonly label: string;
  /** Whether the best reference reached the threshold. */
  readonly known: boolean;
  /** Cosine similarity to the best reference (−1 … 1; −Infinity with no references). */
  readonly similarity: number;
  /** The best reference's label even when below the threshold (undefined with no references). */
  readonly nearest?: string;
}

/** The `format` tag of {@link FaceMatcher.toJSON}'s data. */
const SAVED_FORMAT = 'visionpipe-face-matcher';

/** A {@link FaceMatcher} as plain data ({@link FaceMatcher.toJSON}). @example `const saved: SavedFaceMatcher = matcher.toJSON();` */
export interface SavedFaceMatcher {
  readonly format: 'visionpipe-face-matcher';
  readonly version: 1;
  readonly threshold: number;
  readonly references: readonly { readonly label: string; readonly embedding: number[] }[];
}

/** Options of {@link FaceMatcher}. @example `new FaceMatcher(references, { threshold: 0.75 })` */
export interface FaceMatcherOptions {
  /** Cosine similarity at or above which a face is the reference's person. Default {@link FACERES_MATCH_THRESHOLD}. */
  readonly threshold?: number;
}

/**
 * Recognises faces against labelled references (several per person are fine): the reference
 * of highest cosine similarity wins if it reaches the threshold, otherwise the face is
 * `'unknown'`.
 *
 * @example
 * ```ts
 * const matcher = new FaceMatcher([{ label: 'ada', embedding: adaFace.embedding }]);
 * const { faces } = await describer.run(photo);
 * for (const face of faces) console.log(matcher.match(face.embedding).label); // 'ada' or 'unknown'
 * ```
 */
export class FaceMatcher {
  /** The similarity threshold in use. */
  readonly threshold: number;
  private readonly references: { label: string; embedding: Float64Array }[] = [];

  /** @throws VisionError `INVALID_INPUT` for references that are not an iterable of `{ label, embedding }`; `INVALID_OPTION` for a bad threshold. */
  constructor(references: Iterable<LabelledFace> = [], options: FaceMatcherOptions = {}) {
    if (!isOptionsObject(options)) throw new VisionError('INVALID_OPTION', `options are ${shownValue(options)}; they must be { threshold } or left out`);
    knownOptions(options, 'FaceMatcher options', ['threshold']);
    const threshold = options.threshold ?? FACERES_MATCH_THRESHOLD;
    if (!(typeof threshold === 'number' && threshold >= -1 && threshold <= 1)) throw new VisionError('INVALID_OPTION', `threshold is ${shownValue(options.threshold)}; it must be a cosine similarity in [-1, 1]`);
    this.threshold = threshold;
    const allowed = 'they must be an iterable (an array, say) of { label, embedding }';
    if (typeof references !== 'object' || references === null || typeof (references as Partial<Iterable<LabelledFace>>)[Symbol.iterator] !== 'function') {
      throw new VisionError('INVALID_INPUT', `references are ${shownValue(references)}; ${allowed}`);
    }
    let index = 0;
    for (const reference of references) {
      if (typeof reference !== 'object' || reference === null) throw new VisionError('INVALID_INPUT', `reference ${index} is ${shownValue(reference)}; ${allowed}`);
      this.add(reference.label, reference.embedding);
      index++;
    }
  }

  /** How many reference faces there are. @example `matcher.size // 3` */
  get size(): number {
    return this.references.length;
  }

  /** The people the matcher knows, each label once, in the order first added. @example `matcher.labels // ['ada', 'grace']` */
  get labels(): string[] {
    return [...new Set(this.references.map((r) => r.label))];
  }

  /**
   * Forgets every reference face of a person; returns how many there were (0 for a label it
   * does not know).
   *
   * @example
   * ```ts
   * matcher.remove('ada'); // 2
   * ```
   */
  remove(label: string): number {
    if (typeof label !== 'string') throw new VisionError('INVALID_INPUT', `remove needs a label (a string), got ${shownValue(label)}`);
    const before = this.references.length;
    for (let i = this.references.length - 1; i >= 0; i--) if (this.references[i].label === label) this.references.splice(i, 1);
    return before - this.references.length;
  }

  /**
   * The matcher as JSON-serialisable data (threshold and every reference), for
   * {@link FaceMatcher.fromJSON}; `JSON.stringify(matcher)` gives the same.
   *
   * @example
   * ```ts
   * localStorage.setItem('faces', JSON.stringify(matcher));
   * ```
   */
  toJSON(): SavedFaceMatcher {
    return { format: SAVED_FORMAT, version: 1, threshold: this.threshold, references: this.references.map((r) => ({ label: r.label, embedding: Array.from(r.embedding) })) };
  }

  /**
   * Rebuilds a matcher from {@link FaceMatcher.toJSON}'s data: the same threshold, references and answers.
   *
   * @throws VisionError `MODEL_FORMAT` for data that is not a saved matcher (another format or version, references that are not a list) or whose contents are damaged: a threshold that is missing or not in [-1, 1], a reference `new FaceMatcher` would refuse.
   * @example
   * ```ts
   * const matcher = FaceMatcher.fromJSON(JSON.parse(localStorage.getItem('faces')!));
   * ```
   */
  static fromJSON(saved: SavedFaceMatcher): FaceMatcher {
    const data = saved as unknown as Record<string, unknown>;
    if (!isOptionsObject(data) || data.format !== SAVED_FORMAT || data.version !== 1 || !Array.isArray(data.references)) {
      const found = isOptionsObject(data) ? `format ${shownValue(data.format)}, version ${shownValue(data.version)}, references ${shownValue(data.references)}` : shownValue(data);
      throw new VisionError('MODEL_FORMAT', `not a saved face matcher (${found}); expected what toJSON returns: format '${SAVED_FORMAT}', version 1 and a list of references`);
    }
    if (typeof data.threshold !== 'number' || !(data.threshold >= -1 && data.threshold <= 1)) {
      throw new VisionError('MODEL_FORMAT', `saved face matcher's threshold is ${shownValue(data.threshold)}; it must be a cosine similarity in [-1, 1]`);
    }
    try {
      return new FaceMatcher(data.references as LabelledFace[], { threshold: data.threshold });
    } catch (error) {
      // a reference new FaceMatcher refuses is damaged saved data here, not a caller's input
      if (error instanceof VisionError) throw new VisionError('MODEL_FORMAT', `saved face matcher: ${error.message}`, { cause: error });
      throw error;
    }
  }

  /**
   * Adds a reference face of a person (its embedding, an array or typed array, is copied).
   *
   * @throws VisionError `INVALID_INPUT` for an empty label or `'unknown'`, and an embedding `match` would refuse.
   *
   * @example
   * ```ts
   * matcher.add('grace', face.embedding);
   * ```
   */
  add(label: string, embedding: ArrayLike<number>): void {
    if (typeof label !== 'string' || label === '') throw new VisionError('INVALID_INPUT', `a reference needs a non-empty string label, got ${shownData(label)}`);
    if (label === UNKNOWN) throw new VisionError('INVALID_INPUT', `a reference cannot be labelled '${UNKNOWN}': match() answers that for a face below the threshold; choose another label`);
    this.references.push({ label, embedding: this.checked(embedding, `reference '${label}'`) });
  }

  /** A copy of an embedding, checked: non-empty, as long as the references, finite values only. */
  private checked(embedding: ArrayLike<number>, what: string): Float64Array {
    const first = this.references[0];
    // an array or typed array, not any object with a length: { length: 1e8 } was scanned slot by slot and copied (2.4 GB) before it was refused
    if (!Array.isArray(embedding) && !ArrayBuffer.isView(embedding)) {
      throw new VisionError('INVALID_INPUT', `${what} is ${shownData(embedding)}; an embedding is an array or typed array of numbers`);
    }
    if (typeof embedding.length !== 'number' || embedding.length === 0 || (first && first.embedding.length !== embedding.length)) {
      throw new VisionError('INVALID_INPUT', `${what} has ${String(embedding?.length)} values; embeddings must be non-empty${first ? ` and have ${first.embedding.length} values like the references` : ''}`);
    }
    const bigints = embedding instanceof BigInt64Array || embedding instanceof BigUint64Array;
    if (bigints || (!ArrayBuffer.isView(embedding) && !Array.prototype.every.call(embedding, (v: unknown) => typeof v === 'number'))) {
      throw new VisionError('INVALID_INPUT', `${what} holds values that are not numbers${bigints ? ' (bigints)' : ''}; embeddings are arrays of numbers`);
    }
    const copy = Float64Array.from(embedding); // as given: float32 would turn 1e39 into Infinity and 1e-50 into 0
    if (!copy.every(Number.isFinite)) throw new VisionError('INVALID_INPUT', `${what} has non-finite values (NaN or ±Infinity); embeddings must be finite`);
    if (copy.every((v) => v === 0)) throw new VisionError('INVALID_INPUT', `${what} is all zeros; an embedding has a direction (its similarity to anything would be 0)`);
    return copy;
  }

  /**
   * The best reference for a face, or `'unknown'` below the threshold.
   *
   * @throws VisionError `INVALID_INPUT` for an embedding that is not an array or typed array (another object with a length), an empty or all-zero one, one of another length than the references, or non-finite values.
   * @example
   * ```ts
   * const { label, similarity } = matcher.match(face.embedding);
   * ```
   */
  match(embedding: ArrayLike<number>): FaceMatch {
    const query = this.checked(embedding, 'the face to match');
    let best: { label: string; similarity: number } | undefined;
    for (const reference of this.references) {
      const similarity = cosineSimilarity(reference.embedding, query);
      if (!best || similarity > best.similarity) best = { label: reference.label, similarity };
    }
    if (!best) return { label: UNKNOWN, known: false, similarity: -Infinity };
    const known = best.similarity >= this.threshold;
    return { label: known ? best.label : UNKNOWN, known, similarity: best.similarity, nearest: best.label };
  }
}
