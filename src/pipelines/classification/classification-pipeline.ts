import { VisionError, toVisionError } from '../../core/errors';
import type { ImageInput } from '../../core/image-input';
import type { ModelSpec } from '../../models/model-spec';
import { type ClassificationDecodeOptions, type ClassifierOutput, decodeClassification, logitProbabilities } from '../../postprocess/classify';
import { sigmoid } from '../../postprocess/activations';
import { imageToTensor } from '../../core/image-tensor';
import type { ModelRunner } from '../../runtime/model-runner';
import { BASE_PIPELINE_OPTION_NAMES, type Pipeline } from '../shared/pipeline-options';
import { optionNames } from '../../core/known-options';
import { ModelPipeline } from '../shared/model-pipeline';
import { resolveModel } from '../shared/resolve-model';
import { optionsObject, runOptionsObject, positiveInteger, unitInterval } from '../shared/options';
import { type StageOutputs, finishTiming, now, preprocessAndInfer } from '../shared/run-stages';
import { disposeOnFailure } from '../shared/dispose-on-failure';
import type { ClassificationResult } from '../../core/results';
import type { ClassificationOptions, ClassificationRunOptions } from './classification-types';
import { type ClassificationTta, type ClassificationView, classificationViews, renderClassificationView } from './classification-tta';

const RUN_OPTION_NAMES = /* @__PURE__ */ optionNames<ClassificationRunOptions>()(['topK', 'threshold', 'tta']);
const OPTION_NAMES = /* @__PURE__ */ optionNames<ClassificationOptions>()([...BASE_PIPELINE_OPTION_NAMES, ...RUN_OPTION_NAMES, 'spec']);

/** A classifier's raw scores as class probabilities (softmax of logits — sigmoid of a single one —, sigmoid per class for multilabel). */
function toProbabilities(values: Float32Array, output: ClassifierOutput): Float32Array {
  if (output === 'logits') return logitProbabilities(values);
  if (output === 'multilabel') return sigmoid(values);
  return values;
}

const OUTPUTS: readonly ClassifierOutput[] = ['probabilities', 'logits', 'multilabel'];

/**
 * The scores per image of an output shaped `shape`: every value after the batch axis (`[1, C]`,
 * a convolutional head's `[1, C, 1, 1]`, `[1, 1, C]`; a bare `[C]`), or -1 while a size is not
 * known. A `[1, 2, C]` output is 2·C values, which no card of C labels fits: its first row alone
 * was read as the scores.
 *
 * @example
 * ```ts
 * classesPerImage([1, 1000, 1, 1]); // 1000
 * ```
 */
export function classesPerImage(shape: readonly number[]): number {
  if (shape.length <= 1) return shape[0] ?? -1;
  const perImage = shape.slice(1);
  return perImage.some((d) => d < 0) ? -1 : perImage.reduce((a, b) => a * b, 1);
}

/** `MODEL_FORMAT` unless the card has one label per class the model scores (a count ≤ 0 is not known yet). */

/**
 * Refuses scores no classifier gives: non-finite ones, and for the `probabilities` family values
 * outside 0–1 (the model gives logits: softmax was never applied).
 */
function checkScores(spec: ModelSpec, scores: Float32Array): void {
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i];
    if (!Number.isFinite(v)) throw new VisionError('MODEL_FORMAT', `model '${spec.id}' gave a score of ${v} for class ${i} (${spec.labels[i] ?? ''}); a classifier's scores are finite numbers`);
    if (spec.family === 'probabilities' && (v < -1e-3 || v > 1 + 1e-3)) {
      throw new VisionError('MODEL_FORMAT', `model '${spec.id}' gave ${v} for class ${i} (${spec.labels[i] ?? ''}) but its card's family is 'probabilities' (0–1); a model whose outputs are logits needs family 'logits'`);
    }
  }
}

function checkLabelCount(spec: ModelSpec, classes: number, where: string): void {
  if (classes > 0 && classes !== spec.labels.length) {
    throw new VisionError('MODEL_FORMAT', `model '${spec.id}' gives ${classes} scores per image (${where}) but its card has ${spec.labels.length} labels; give one label per class (an output of several rows per image is no classifier's)`);
  }
}

/**
 * Image classification: image → fitted, normalised input → model → class scores → top-k
 * labels. Create it with `pipeline('image-classification', options)`.
 *
 * @example
 * ```ts
 * const classifier = await pipeline('image-classification');
 * const { classes } = await classifier.run(image);
 * ```
 */
export class ClassificationPipeline extends ModelPipeline implements Pipeline<ClassificationRunOptions, ClassificationResult> {
  readonly task = 'image-classification';

  constructor(
    spec: ModelSpec,
    runner: ModelRunner,
    ownsRunner: boolean,
    private readonly defaults: ClassificationRunOptions,
  ) {
    super(spec, runner, ownsRunner);
    if (!OUTPUTS.includes(spec.family as ClassifierOutput)) {
      throw new VisionError('INVALID_OPTION', `classifier family '${spec.family}' is not one of ${OUTPUTS.join(', ')}`);
    }
    this.decodeOptions({}); // bad defaults (topK, threshold) fail now, not at the first run
    const output = spec.outputs?.length ? runner.outputs.find((o) => o.name === spec.outputs![0]) : runner.outputs[0];
    if (output && output.shape.length > 0) checkLabelCount(spec, classesPerImage(output.shape), `output '${output.name}'`);
  }

  /** The checked decoding options of a run (its own over the pipeline's defaults). */
  private decodeOptions(options: ClassificationRunOptions): Omit<ClassificationDecodeOptions, 'output'> {
    runOptionsObject(options, RUN_OPTION_NAMES);
    const topK = options.topK ?? this.defaults.topK ?? this.spec.defaults?.topK;
    const threshold = options.threshold ?? this.defaults.threshold ?? this.spec.defaults?.threshold;
    return {
      topK: topK === undefined ? undefined : positiveInteger(topK, 'topK'),
      threshold: threshold === undefined ? undefined : unitInterval(threshold, 'threshold'),
      labels: this.spec.labels,
    };
  }

  async run(input: ImageInput, options: ClassificationRunOptions = {}): Promise<ClassificationResult> {
    this.assertUsable();
    const decode = this.decodeOptions(options);
    const tta = options.tta ?? this.defaults.tta;
    if (tta) return this.runAugmented(input, tta, decode);
    const stage = await preprocessAndInfer(this.runner, this.spec, input);
    const postStart = now();
    const classes = decodeClassification(this.firstImageScores(stage), { ...decode, output: this.spec.family as ClassifierOutput });
    return {
      classes,
      imageSize: { width: stage.transform.sourceWidth, height: stage.transform.sourceHeight },
      timing: finishTiming(stage, postStart),
    };
  }

  /** The model's output for the (single) image of a run. */
  private firstImageScores(stage: StageOutputs): Float32Array {
    const output = Object.values(stage.outputs)[0];
    const perImage = classesPerImage(output.dims);
    checkLabelCount(this.spec, perImage, 'in this run');
    const scores = output.data.subarray(0, perImage) as Float32Array;
    checkScores(this.spec, scores);
    return scores;
  }

  /** Test-time augmentation: the class probabilities of every view, averaged (see {@link ClassificationTta}). */
  private async runAugmented(input: ImageInput, tta: ClassificationTta, decode: Omit<ClassificationDecodeOptions, 'output'>): Promise<ClassificationResult> {
    const started = now();
    const { tensor, owned } = await imageToTensor(input).catch((error: unknown) => {
      throw toVisionError(error, 'INVALID_INPUT', 'could not read the image for test-time augmentation');
    });
    const [height, width] = tensor.shape;
    const timing = { preprocess: 0, inference: 0, postprocess: 0 };
    let sum: Float64Array | undefined;
    let views: ClassificationView[] = [];
    try {
      views = classificationViews(tta, width, height);
      for (const view of views) {
        const picture = renderClassificationView(tensor, view);
        try {
          const stage = await preprocessAndInfer(this.runner, this.spec, picture);
          const postStart = now();
          const probabilities = toProbabilities(this.firstImageScores(stage), this.spec.family as ClassifierOutput);
          sum ??= new Float64Array(probabilities.length);
          probabilities.forEach((p, i) => (sum![i] += p));
          timing.preprocess += stage.timing.preprocess;
          timing.inference += stage.timing.inference;
          timing.postprocess += now() - postStart;
        } finally {
          picture.dispose();
        }
      }
    } finally {
      if (owned) tensor.dispose();
    }
    const postStart = now();
    const classes = decodeClassification(Float32Array.from(sum!, (v) => v / views.length), { ...decode, output: 'probabilities' });
    const end = now();
    return { classes, imageSize: { width, height }, timing: { ...timing, postprocess: timing.postprocess + end - postStart, total: end - started } };
  }
}

/**
 * Creates an image-classification pipeline (default model `nsfw-mobilenet-v2`).
 *
 * @example
 * ```ts
 * const classifier = await createClassificationPipeline({ backend: 'wasm' });
 * ```
 */
export async function createClassificationPipeline(options: ClassificationOptions = {}): Promise<ClassificationPipeline> {
  optionsObject(options, 'image-classification options', OPTION_NAMES);
  const model = await resolveModel('image-classification', 'nsfw-mobilenet-v2', options, options.spec);
  return disposeOnFailure([model], () => {
    const { spec, runner, ownsRunner } = model;
    if (options.tta) classificationViews(options.tta, 2, 2);
    return new ClassificationPipeline(spec, runner, ownsRunner, { topK: options.topK, threshold: options.threshold, tta: options.tta });
  });
}
