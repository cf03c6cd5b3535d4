import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import { eventLoopCheckpoint } from '../../core/event-loop';
import { NSFW_MOBILENET_V2, resolveModelLocation } from '../../models/catalog';
import { MOBILENET_V2_FEATURES } from '../../models/embedding-cards';
import type { ModelSpec } from '../../models/model-spec';
import type { InputSpec } from '../../core/card-types';
import { layerFeatureModel } from '../../runtime/layer-features';
import { type LoadModelOptions, loadModel, loadModelOptionsOf } from '../../runtime/load-model';
import { TfjsRunner } from '../../runtime/tfjs-runner';
import type { LabeledImage, LongWorkOptions } from '../../core/labeled-data';
import { checkLabeledImages, imagesToTensors } from '../../preprocess/image-batch';
import { checkOptionsObject, optionNames } from '../../core/known-options';
import { shownValue } from '../../core/shown-value';

/**
 * Mid-level MobileNetV2 layers (expansions of blocks 13 and 16, globally average-pooled: 1536
 * features) for {@link loadMobileNetV2Backbone}'s `layers`. The nsfwjs model's last layers
 * are specialised to its own five classes; these transfer better to unrelated images
 * (Fashion-MNIST, 500 per class, held-out accuracy: softmax head 0.879 vs 0.824 from
 * `flatten_1`, MLP head 0.880 vs 0.830; BENCHMARKS.md, `npm run bench:training -- --curve`).
 *
 * @example
 * ```ts
 * const backbone = await loadMobileNetV2Backbone({ layers: MOBILENET_V2_MID_LAYERS }); // dim 1536
 * ```
 */
export const MOBILENET_V2_MID_LAYERS: readonly string[] = /* @__PURE__ */ Object.freeze([...(MOBILENET_V2_FEATURES.outputs ?? [])]);

/** Options of {@link FeatureExtractor.extract} and {@link FeatureExtractor.extractImages}. */
type ExtractOptions = LongWorkOptions & { batchSize?: number };

const EXTRACT_OPTION_NAMES = /* @__PURE__ */ optionNames<ExtractOptions>()(['signal', 'onProgress', 'batchSize']);

/** Checks extraction options (`INVALID_OPTION`) and returns the batch size (default 32). */
function checkExtractOptions(options: ExtractOptions): number {
  checkOptionsObject(options, 'feature extraction', EXTRACT_OPTION_NAMES);
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new VisionError('INVALID_OPTION', `batchSize is ${shownValue(batchSize)}; it must be a positive integer`);
  return batchSize;
}

/**
 * A frozen feature extractor: a tfjs layers model cut at one layer, with the input spec its
 * images need. Its layers are frozen (`trainable = false`) until {@link unfreezeLastLayers}.
 *
 * @example
 * ```ts
 * const backbone = await loadMobileNetV2Backbone();
 * const features = await backbone.extract(images); // [N, 1280]
 * ```
 */
export class FeatureExtractor {
  /** The cut model: image batch → features `[N, dim]`. Shares weights with the source model. */
  readonly model: tf.LayersModel;
  readonly dim: number;

  /** The layers whose outputs make the features, in order. */
  readonly layers: readonly string[];

  /**
   * `layers`: one layer name or several. Flat `[N, k]` outputs are used as they are; feature
   * maps `[N, H, W, C]` are averaged over H and W (global average pooling); several layers'
   * features are concatenated.
   */
  constructor(source: tf.LayersModel, layers: string | readonly string[], readonly input: InputSpec, private readonly owner?: { dispose(): void }) {
    this.layers = typeof layers === 'string' ? [layers] : [...layers];
    this.model = layerFeatureModel(source, this.layers);
    for (const l of this.model.layers) l.trainable = false;
    this.dim = this.model.outputs[0].shape[1] as number;
  }

  /**
   * Features of a prepared image batch `[N, H, W, C]` (already normalised as `input` says),
   * computed in batches; returns `[N, dim]`, which the caller owns. `INVALID_INPUT` unless `x`
   * is a live tensor of at least one image of the model's input size; `INVALID_OPTION` for an
   * unknown option or a `batchSize` that is not a positive integer.
   */
  async extract(x: tf.Tensor4D, options: ExtractOptions = {}): Promise<tf.Tensor2D> {
    const batchSize = checkExtractOptions(options);
    this.checkBatch(x);
    const n = x.shape[0];
    const parts: tf.Tensor2D[] = [];
    try {
      const checkpoint = eventLoopCheckpoint(options.signal, 'feature extraction');
      for (let start = 0; start < n; start += batchSize) {
        await checkpoint(); // a wasm or cpu predict never yields: let timers and abort signals through
        const part = tf.tidy(() => this.model.predict(tf.slice(x, start, Math.min(batchSize, n - start))) as tf.Tensor2D);
        parts.push(part);
        await part.data(); // let the backend finish before reporting progress
        const done = Math.min(start + batchSize, n);
        options.onProgress?.({ done, total: n, fraction: done / n });
      }
      return parts.length === 1 ? (parts[0].clone() as tf.Tensor2D) : tf.concat(parts, 0);
    } finally {
      tf.dispose(parts);
    }
  }

  /** `INVALID_INPUT` unless `x` is a live `[N, H, W, C]` tensor with N ≥ 1 of the model's input size. */
  private checkBatch(x: unknown): asserts x is tf.Tensor4D {
    const wanted = this.model.inputs[0].shape.slice(1);
    const takes = `[N, ${wanted.map((d) => d ?? '?').join(', ')}]`;
    if (!(x instanceof tf.Tensor) || x.isDisposed) throw new VisionError('INVALID_INPUT', `x is ${x instanceof tf.Tensor ? 'a disposed tensor' : shownValue(x)}; it must be an image batch tensor ${takes}`);
    if (x.rank !== 4 || wanted.some((d, i) => d !== null && d !== x.shape[i + 1])) throw new VisionError('INVALID_INPUT', `x has shape [${x.shape.join(', ')}]; the backbone takes ${takes}`);
    if (x.shape[0] === 0) throw new VisionError('INVALID_INPUT', 'x holds no images; pass at least one');
  }

  /**
   * Features of labelled images (decoded and prepared as `input` says), in batches of
   * `batchSize` images so that memory stays small. Returns `{ x: [N, dim], labels }`.
   * `INVALID_INPUT`, before any image is decoded, for an empty list or a label that is not a
   * class index (an integer from 0 to 2³¹ − 1: `'cat'`, `1.5` or `2 ** 32 + 1` are refused, not
   * converted); `INVALID_OPTION` as {@link FeatureExtractor.extract}.
   */
  async extractImages(samples: readonly LabeledImage[], options: ExtractOptions = {}): Promise<{ x: tf.Tensor2D; labels: Int32Array }> {
    const batchSize = checkExtractOptions(options);
    checkLabeledImages(samples);
    const parts: tf.Tensor2D[] = [];
    try {
      const checkpoint = eventLoopCheckpoint(options.signal, 'feature extraction');
      for (let start = 0; start < samples.length; start += batchSize) {
        await checkpoint();
        const chunk = samples.slice(start, start + batchSize);
        const { x } = await imagesToTensors(chunk, this.input, { signal: options.signal });
        try {
          parts.push(await this.extract(x, { batchSize, signal: options.signal }));
        } finally {
          x.dispose();
        }
        const done = start + chunk.length;
        options.onProgress?.({ done, total: samples.length, fraction: done / samples.length });
      }
      const x = parts.length === 1 ? (parts[0].clone() as tf.Tensor2D) : tf.concat(parts, 0);
      return { x, labels: Int32Array.from(samples, (s) => s.label) };
    } finally {
      tf.dispose(parts);
    }
  }

  /** Frees the source model when this extractor loaded it. */
  dispose(): void {
    this.owner?.dispose();
  }
}

/**
 * A feature extractor from any tfjs layers model (or a {@link TfjsRunner} of one) and one or
 * more layer names (feature maps are global-average-pooled, several layers concatenated).
 * The source model is shared, not copied.
 *
 * @example
 * ```ts
 * const runner = await loadModel('my-model/model.json') as TfjsRunner;
 * const extractor = createFeatureExtractor(runner, 'global_average_pooling2d', { width: 96, height: 96, normalization: 'unit' });
 * ```
 */
export function createFeatureExtractor(source: tf.LayersModel | TfjsRunner, layers: string | readonly string[], input: InputSpec): FeatureExtractor {
  const model = source instanceof TfjsRunner ? source.tfModel : source;
  if (!(model instanceof tf.LayersModel)) {
    throw new VisionError('INVALID_OPTION', 'feature extraction needs a tfjs layers model (graph models have no layers to cut)');
  }
  return new FeatureExtractor(model, layers, input);
}

/**
 * Options of {@link loadMobileNetV2Backbone}: how the model loads, where from (`modelBaseUrl`,
 * another `spec`) and which layers give the features.
 *
 * @example
 * ```ts
 * const options: BackboneOptions = { backend: 'wasm', layers: MOBILENET_V2_MID_LAYERS };
 * ```
 */
export type BackboneOptions = LoadModelOptions & { modelBaseUrl?: string; spec?: ModelSpec; layers?: readonly string[] };

const BACKBONE_OPTION_NAMES = /* @__PURE__ */ optionNames<BackboneOptions>()([
  'format', 'backend', 'wasmPaths', 'fuseConvolutions', 'onProgress', 'signal', 'cache', 'modelRoot', 'executionProviders', 'ort', 'modelBaseUrl', 'spec', 'layers',
]);

/**
 * The nsfwjs MobileNetV2 (shipped in the `nsfwjs` npm package) as a frozen backbone for
 * transfer learning: 224×224 RGB /255 images → by default its 1280 `flatten_1` features;
 * `layers` picks others (e.g. {@link MOBILENET_V2_MID_LAYERS}, better for images unlike the
 * model's own training data).
 *
 * @example
 * ```ts
 * const backbone = await loadMobileNetV2Backbone({ backend: 'wasm' });
 * console.log(backbone.dim); // 1280
 * ```
 */
export async function loadMobileNetV2Backbone(options: BackboneOptions = {}): Promise<FeatureExtractor> {
  // a misspelt layer: gave the 1280 flatten_1 features instead of the mid-level ones asked for
  checkOptionsObject(options, 'loadMobileNetV2Backbone', BACKBONE_OPTION_NAMES);
  const spec = options.spec ?? NSFW_MOBILENET_V2;
  const runner = await loadModel(resolveModelLocation(spec, options.modelBaseUrl), { ...loadModelOptionsOf(options), format: spec.format });
  if (!(runner instanceof TfjsRunner)) {
    runner.dispose();
    throw new VisionError('MODEL_FORMAT', 'the MobileNetV2 backbone must load as a tfjs layers model');
  }
  try {
    return new FeatureExtractor(runner.tfModel as tf.LayersModel, options.layers ?? ['flatten_1'], spec.input, runner);
  } catch (error) {
    runner.dispose();
    throw error;
  }
}
