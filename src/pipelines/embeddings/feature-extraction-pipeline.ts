import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import type { ImageInput } from '../../core/image-input';
import { MOBILENET_V2_FEATURES } from '../../models/embedding-cards';
import type { ModelSpec } from '../../models/model-spec';
import { type FeatureLayout, pooledEmbeddings } from '../../postprocess/embeddings/pooled-embeddings';
import { layerFeatureModel } from '../../runtime/layer-features';
import type { ModelRunner, RawTensor } from '../../runtime/model-runner';
import { TfjsRunner } from '../../runtime/tfjs-runner';
import { disposeOnFailure } from '../shared/dispose-on-failure';
import { ModelPipeline } from '../shared/model-pipeline';
import { BASE_PIPELINE_OPTION_NAMES, type Pipeline } from '../shared/pipeline-options';
import { optionNames } from '../../core/known-options';
import { optionsObject } from '../shared/options';
import { isOptionsObject, shownValue } from '../../core/shown-value';
import { tensorNumbers } from '../shared/outputs';
import { resolveModel } from '../shared/resolve-model';
import { finishTiming, now, preprocessAndInfer } from '../shared/run-stages';
import { fixedBatchSize, preprocessAndInferBatch } from './batch-stages';
import type { FeatureExtractionBatchResult, FeatureExtractionOptions, FeatureExtractionResult } from './feature-extraction-types';

const OPTION_NAMES = /* @__PURE__ */ optionNames<FeatureExtractionOptions>()([...BASE_PIPELINE_OPTION_NAMES, 'spec', 'layers', 'output', 'outputLayout', 'batchSize']);

/** Where a pipeline's features come from: a runner (the model, or a cut of it) and its output. */
interface FeatureSource {
  runner: ModelRunner;
  /** The card with `outputs` naming the one output to read (none: the runner's only output). */
  spec: ModelSpec;
  layout: FeatureLayout;
  /** Images per model call in `runBatch`: the model's fixed batch size, else the `batchSize` option. */
  batchSize: number;
  /** The model's fixed batch size (shorter batches are padded to it), 0 when its batch axis is dynamic. */
  fixedBatch: number;
}

/**
 * The pooled, unit-length embeddings of a run's (only) output. Features holding NaN or
 * ±Infinity (a half-precision model that overflowed) are `INFERENCE_FAILED`, naming the model:
 * normalised, every value would be NaN.
 */
function embeddingsOf(outputs: Record<string, RawTensor>, layout: FeatureLayout, spec: ModelSpec, batchStart?: number): Float32Array[] {
  const output = Object.values(outputs)[0];
  const embeddings = pooledEmbeddings({ dims: output.dims, data: tensorNumbers(output) }, layout);
  embeddings.forEach((embedding, i) => {
    if (!embedding.every(Number.isFinite)) {
      throw new VisionError('INFERENCE_FAILED', `model '${spec.id}' gave features holding NaN or ±Infinity${batchStart === undefined ? '' : ` for image ${batchStart + i}`}; they have no direction to compare (a half-precision model that overflowed? run it in float32)`);
    }
  });
  return embeddings;
}

/**
 * Image feature extraction: image → fitted, normalised input → model (or a layer of it) →
 * pooled, L2-normalised embedding. Create it with `pipeline('image-feature-extraction')`;
 * compare embeddings with a dot product or put them in a `SimilarityIndex`.
 *
 * @example
 * ```ts
 * const embedder = await pipeline('image-feature-extraction');
 * const { embedding } = await embedder.run(image); // Float32Array(1536), norm 1
 * const { embeddings } = await embedder.runBatch([a, b, c]);
 * ```
 */
export class FeatureExtractionPipeline extends ModelPipeline implements Pipeline<Record<string, never>, FeatureExtractionResult> {
  readonly task = 'image-feature-extraction';

  constructor(
    spec: ModelSpec,
    runner: ModelRunner,
    ownsRunner: boolean,
    private readonly source: FeatureSource,
    /** Length of every embedding. */
    readonly dim: number,
  ) {
    super(spec, runner, ownsRunner);
  }

  /** The embedding of one image (padded to the model's batch when its batch size is fixed above 1). It takes no run options. */
  async run(input: ImageInput, options?: Record<string, never>): Promise<FeatureExtractionResult> {
    this.assertUsable();
    noRunOptions(options, 'run');
    if (this.source.fixedBatch > 1) {
      const { embeddings, imageSizes, timing } = await this.runBatch([input]);
      return { embedding: embeddings[0], imageSize: imageSizes[0], timing };
    }
    const stage = await preprocessAndInfer(this.source.runner, this.source.spec, input);
    const postStart = now();
    const [embedding] = embeddingsOf(stage.outputs, this.source.layout, this.source.spec);
    return {
      embedding,
      imageSize: { width: stage.transform.sourceWidth, height: stage.transform.sourceHeight },
      timing: finishTiming(stage, postStart),
    };
  }

  /**
   * The embeddings of several images, `batchSize` images per model call, in the order given. A
   * model whose batch size is fixed (e.g. an ONNX input `[8, 3, 224, 224]`) takes exactly that
   * many per call: a shorter last chunk is padded with copies of its last image, whose
   * embeddings are dropped.
   */
  async runBatch(images: readonly ImageInput[], options?: Record<string, never>): Promise<FeatureExtractionBatchResult> {
    this.assertUsable();
    noRunOptions(options, 'runBatch');
    if (!Array.isArray(images)) throw new VisionError('INVALID_INPUT', 'runBatch takes an array of images');
    const started = now();
    const result: FeatureExtractionBatchResult = { embeddings: [], imageSizes: [], timing: { preprocess: 0, inference: 0, postprocess: 0, total: 0 } };
    for (let start = 0; start < images.length; start += this.source.batchSize) {
      const chunk = images.slice(start, start + this.source.batchSize);
      const stage = await preprocessAndInferBatch(this.source.runner, this.source.spec, chunk, start, this.source.fixedBatch);
      const postStart = now();
      result.embeddings.push(...embeddingsOf(stage.outputs, this.source.layout, this.source.spec, start));
      result.imageSizes.push(...stage.transforms.map((t) => ({ width: t.sourceWidth, height: t.sourceHeight })));
      result.timing.preprocess += stage.preprocess;
      result.timing.inference += stage.inference;
      result.timing.postprocess += now() - postStart;
    }
    result.timing.total = now() - started;
    return result;
  }
}

/** Refuses options given to `run` / `runBatch`, which take none (what they could set is set at creation). */
function noRunOptions(options: unknown, method: string): void {
  if (options === undefined) return;
  if (!isOptionsObject(options)) throw new VisionError('INVALID_OPTION', `${method} options are ${shownValue(options)}; ${method} takes none (leave them out)`);
  const given = Object.keys(options).filter((key) => (options as Record<string, unknown>)[key] !== undefined);
  if (given.length > 0) throw new VisionError('INVALID_OPTION', `${method} takes no options; got ${given.join(', ')} (batchSize, layers, output and outputLayout are set when the pipeline is created)`);
}

function checkOptions(options: FeatureExtractionOptions): void {
  optionsObject(options, 'image-feature-extraction options', OPTION_NAMES);
  const { batchSize, outputLayout, layers, output } = options;
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new VisionError('INVALID_OPTION', `batchSize is ${batchSize}; it must be a positive integer`);
  }
  if (outputLayout !== undefined && outputLayout !== 'nhwc' && outputLayout !== 'nchw') {
    throw new VisionError('INVALID_OPTION', `outputLayout is '${String(outputLayout)}'; it must be 'nhwc' or 'nchw'`);
  }
  const layerList = typeof layers === 'string' ? [layers] : layers;
  if (layerList !== undefined && (!Array.isArray(layerList) || layerList.length === 0 || layerList.some((l) => typeof l !== 'string' || l === ''))) {
    throw new VisionError('INVALID_OPTION', 'layers must be a layer name or a non-empty list of layer names');
  }
  if (output !== undefined && (typeof output !== 'string' || output === '')) throw new VisionError('INVALID_OPTION', 'output must be the name of a model output');
}

/** A cut of a tfjs layers model at the named layers (pooled there); shares the runner's weights. */
function layerSource(spec: ModelSpec, runner: ModelRunner, options: FeatureExtractionOptions): { source: FeatureSource; dim: number } {
  if (options.output !== undefined) throw new VisionError('INVALID_OPTION', `model '${spec.id}' takes features from layers (family layer-features); use layers, not output`);
  if (options.outputLayout !== undefined) throw new VisionError('INVALID_OPTION', `model '${spec.id}' takes features from layers (family layer-features, always NHWC); outputLayout is for a named output (family pooled-output)`);
  const model = runner instanceof TfjsRunner ? runner.tfModel : undefined;
  if (!(model instanceof tf.LayersModel)) {
    throw new VisionError('INVALID_OPTION', `model '${spec.id}' has family layer-features, which needs a tfjs layers model; name an output with family pooled-output instead`);
  }
  const layers = typeof options.layers === 'string' ? [options.layers] : [...(options.layers ?? spec.outputs ?? [])];
  const cut = layerFeatureModel(model, layers);
  const fixedBatch = fixedBatchSize(runner);
  const source = { runner: new TfjsRunner(cut, runner.backend), spec: { ...spec, outputs: undefined }, layout: 'nhwc' as const, batchSize: fixedBatch || (options.batchSize ?? 16), fixedBatch };
  return { source, dim: cut.outputs[0].shape[1] as number };
}

/** A named output of any model, pooled after the run. */
function outputSource(spec: ModelSpec, runner: ModelRunner, options: FeatureExtractionOptions): FeatureSource {
  if (options.layers !== undefined) throw new VisionError('INVALID_OPTION', `model '${spec.id}' takes features from a named output (family pooled-output); use output, not layers`);
  const name = options.output ?? spec.outputs?.[0] ?? runner.outputs[0]?.name;
  if (!runner.outputs.some((o) => o.name === name)) {
    throw new VisionError('INVALID_OPTION', `model '${spec.id}' has no output '${String(name)}'; its outputs are ${runner.outputs.map((o) => o.name).join(', ')}`);
  }
  const fixedBatch = fixedBatchSize(runner);
  return {
    runner,
    spec: { ...spec, outputs: [name] },
    layout: options.outputLayout ?? (runner.runtime === 'onnxruntime' ? 'nchw' : 'nhwc'),
    batchSize: fixedBatch || (options.batchSize ?? 16),
    fixedBatch,
  };
}

/**
 * Creates an image-feature-extraction pipeline (default model `mobilenet-v2-features`).
 *
 * @example
 * ```ts
 * const embedder = await createFeatureExtractionPipeline({ backend: 'wasm' });
 * console.log(embedder.dim); // 1536
 * ```
 */
export async function createFeatureExtractionPipeline(options: FeatureExtractionOptions = {}): Promise<FeatureExtractionPipeline> {
  checkOptions(options);
  const model = await resolveModel('image-feature-extraction', MOBILENET_V2_FEATURES.id, options, options.spec);
  return disposeOnFailure([model], async () => {
    const { spec, runner, ownsRunner } = model;
    if (spec.family === 'layer-features') {
      const { source, dim } = layerSource(spec, runner, options);
      return new FeatureExtractionPipeline(spec, runner, ownsRunner, source, dim);
    }
    if (spec.family !== 'pooled-output') {
      throw new VisionError('INVALID_OPTION', `feature extractor family '${spec.family}' is not one of layer-features, pooled-output`);
    }
    const source = outputSource(spec, runner, options);
    const probe = new FeatureExtractionPipeline(spec, runner, false, source, 0);
    const { embedding } = await probe.run({ data: new Uint8Array(spec.input.width * spec.input.height * 4), width: spec.input.width, height: spec.input.height, channels: 4 });
    return new FeatureExtractionPipeline(spec, runner, ownsRunner, source, embedding.length);
  });
}
