import type { ModelSpec } from '../../models/model-spec';
import type { FeatureLayout } from '../../postprocess/embeddings/pooled-embeddings';
import type { Timing } from '../../core/types';
import type { TimedResult } from '../../core/results';
import type { BasePipelineOptions } from '../shared/pipeline-options';

/**
 * Options of an image-feature-extraction pipeline. Default model: `mobilenet-v2-features`
 * (nsfwjs MobileNetV2 cut at mid-level layers, 1536 features). Your own model: a {@link ModelSpec} of task
 * `image-feature-extraction` with family `layer-features` (tfjs layers model; `outputs` name
 * layers) or `pooled-output` (any tfjs or ONNX model; `outputs[0]` names the output to pool).
 *
 * @example
 * ```ts
 * await pipeline('image-feature-extraction', { layers: ['block_13_expand_relu', 'block_16_expand_relu'] });
 * await pipeline('image-feature-extraction', { model: myOnnxSpec, output: 'pooled' });
 * ```
 */
export interface FeatureExtractionOptions extends BasePipelineOptions {
  /** The card of a ready runner passed as `model`. */
  spec?: ModelSpec;
  /** tfjs layers models: the layer(s) to take features from instead of the card's `outputs` (several are concatenated). */
  layers?: string | readonly string[];
  /** Models with named outputs (ONNX, tfjs graph): the output to take features from instead of the card's first. */
  output?: string;
  /** Axis order of a 4-D feature output: default `nchw` on onnxruntime, `nhwc` on tfjs. */
  outputLayout?: FeatureLayout;
  /** Images per model call in {@link FeatureExtractionPipeline.runBatch} (default 16). A model whose batch size is fixed (input `[8, …]`) always takes that many, the last call padded. */
  batchSize?: number;
}

/**
 * The embedding of one image: a unit-length (L2-normalised) vector, so that the dot product of
 * two embeddings is their cosine similarity — or all zeros where the model's features are all
 * zero (a black image through a model whose features are ReLU outputs). Such a vector has no
 * direction: `SimilarityIndex` refuses it (`INVALID_INPUT`) and `cosineSimilarity` gives it 0.
 *
 * @example
 * ```ts
 * const { embedding } = await embedder.run(image);
 * console.log(embedding.length); // 1536
 * ```
 */
export interface FeatureExtractionResult extends TimedResult {
  embedding: Float32Array;
}

/**
 * The embeddings of a batch of images, in the order given, with the batch's timing.
 *
 * @example
 * ```ts
 * const { embeddings } = await embedder.runBatch([a, b, c]);
 * ```
 */
export interface FeatureExtractionBatchResult {
  embeddings: Float32Array[];
  imageSizes: { width: number; height: number }[];
  /** Time spent on the whole batch. */
  timing: Timing;
}
