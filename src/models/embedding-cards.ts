import type { ModelSpec } from './model-spec';

/**
 * The nsfwjs MobileNetV2 (npm `nsfwjs`) as an image feature extractor, cut at mid-level layers
 * (expansions of blocks 13 and 16, globally average-pooled and concatenated: 1536 features;
 * family `layer-features`: `outputs` name layers of a tfjs layers model). The default model of
 * `pipeline('image-feature-extraction')`: on 32 real photos its embeddings find each photo from
 * its flipped, cropped, brightened and recompressed copies 128 times of 128 (`flatten_1`: 124).
 * The training toolkit's backbone uses the same layers.
 *
 * @example
 * ```ts
 * const embedder = await pipeline('image-feature-extraction', { model: MOBILENET_V2_FEATURES }); // dim 1536
 * ```
 */
export const MOBILENET_V2_FEATURES: ModelSpec = {
  id: 'mobilenet-v2-features',
  task: 'image-feature-extraction',
  family: 'layer-features',
  format: 'tfjs-packed',
  location: { package: 'nsfwjs', version: '4.4.0', path: 'dist/models/mobilenet_v2/model.min.js' },
  input: { width: 224, height: 224, fit: 'stretch', normalization: 'unit' },
  outputs: ['block_13_expand_relu', 'block_16_expand_relu'],
  labels: [],
  license: 'MIT',
  source: 'https://github.com/infinitered/nsfwjs (npm nsfwjs@4.4.0, MIT)',
  description: 'nsfwjs MobileNetV2, 1536 pooled features of blocks 13 and 16 (expansions), 3.5 MB',
};

/**
 * The same MobileNetV2 cut at its last feature layer, `flatten_1` (1280 features), whose
 * layers are specialised to the model's five classes.
 *
 * @example
 * ```ts
 * const embedder = await pipeline('image-feature-extraction', { model: MOBILENET_V2_FLATTEN_FEATURES }); // dim 1280
 * ```
 */
export const MOBILENET_V2_FLATTEN_FEATURES: ModelSpec = {
  ...MOBILENET_V2_FEATURES,
  id: 'mobilenet-v2-flatten-features',
  outputs: ['flatten_1'],
  description: 'nsfwjs MobileNetV2, 1280 features of flatten_1, 3.5 MB',
};
