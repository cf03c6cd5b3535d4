import { VisionError } from '../../core/errors';
import type { ImageInput } from '../../core/image-input';
import type { ModelSpec } from '../../models/model-spec';
import { type ClassifierOutput, decodeClassification } from '../../postprocess/classify';
import type { ModelRunner } from '../../runtime/model-runner';
import type { Pipeline } from '../shared/pipeline-options';
import { ModelPipeline } from '../shared/model-pipeline';
import { resolveModel } from '../shared/resolve-model';
import { finishTiming, now, preprocessAndInfer } from '../shared/run-stages';
import { disposeOnFailure } from '../shared/dispose-on-failure';
import type { ClassificationOptions, ClassificationResult, ClassificationRunOptions } from './classification-types';

const OUTPUTS: readonly ClassifierOutput[] = ['probabilities', 'logits', 'multilabel'];

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
  }

  async run(input: ImageInput, options: ClassificationRunOptions = {}): Promise<ClassificationResult> {
    this.assertUsable();
    const stage = await preprocessAndInfer(this.runner, this.spec, input);
    const postStart = now();
    const output = Object.values(stage.outputs)[0];
    const perImage = output.dims[output.dims.length - 1];
    const classes = decodeClassification(output.data.subarray(0, perImage) as Float32Array, {
      output: this.spec.family as ClassifierOutput,
      labels: this.spec.labels,
      topK: options.topK ?? this.defaults.topK ?? this.spec.defaults?.topK,
      threshold: options.threshold ?? this.defaults.threshold,
    });
    return {
      classes,
      imageSize: { width: stage.transform.sourceWidth, height: stage.transform.sourceHeight },
      timing: finishTiming(stage, postStart),
    };
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
  const model = await resolveModel('image-classification', 'nsfw-mobilenet-v2', options, options.spec);
  return disposeOnFailure([model], () => {
    const { spec, runner, ownsRunner } = model;
    return new ClassificationPipeline(spec, runner, ownsRunner, { topK: options.topK, threshold: options.threshold });
  });
}
