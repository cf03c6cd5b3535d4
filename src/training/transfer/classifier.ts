import * as tf from '@tensorflow/tfjs';
import { checkModelId } from '../../core/model-id';
import { VisionError } from '../../core/errors';
import { knownOptions, optionNames } from '../../core/known-options';
import type { ModelSpec } from '../../models/model-spec';
import type { ModelRunner } from '../../runtime/model-runner';
import { TfjsRunner } from '../../runtime/tfjs-runner';
import { checkObject } from '../checks';
import { checkClassNameList } from '../class-names';
import type { FeatureBackbone } from './feature-backbone';
import { KnnClassifier } from './knn';
import { KnnRunner } from './knn-runner';

/**
 * Undoes the use that a symbolic `apply` counts on a layer (tfjs-layers' private `_refCount`),
 * so that the model the layer came from stays the one owner of its weights.
 */
function releaseUse(layer: tf.layers.Layer): void {
  const counted = layer as unknown as { _refCount: number | null };
  if (typeof counted._refCount === 'number' && counted._refCount > 1) counted._refCount--;
}

/**
 * Joins a backbone and a trained head into one flat tfjs layers model (image → class
 * scores) that shares their weights: save it, run it, or fine-tune it end to end. The backbone
 * and the head keep owning their weights: `head.dispose()` frees the head's (the composed
 * model then no longer runs). The composed model owns none: its `dispose()` frees nothing, so
 * disposing it, the head and the backbone in any order is safe (tfjs would otherwise free the
 * backbone's weights with it, and the head's `dispose()` would then throw).
 *
 * @example
 * ```ts
 * const model = composeClassifier(backbone, head);
 * const scores = model.predict(batch) as tf.Tensor2D;
 * ```
 */
export function composeClassifier(extractor: FeatureBackbone, head: tf.LayersModel): tf.LayersModel {
  let x = extractor.model.outputs[0];
  const [, dim] = x.shape;
  if (head.inputs[0].shape[1] !== dim) {
    throw new VisionError('INVALID_OPTION', `the head takes ${String(head.inputs[0].shape[1])} features; the backbone gives ${String(dim)}`);
  }
  for (const layer of head.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    x = layer.apply(x) as tf.SymbolicTensor;
    releaseUse(layer); // else head.dispose() would leave every head weight allocated
  }
  const model = tf.model({ inputs: extractor.model.inputs, outputs: x, name: `${head.name}_classifier` });
  model.dispose = () => ({ refCountAfterDispose: 1, numDisposedVariables: 0 });
  return model;
}

/**
 * A runner over a composed model whose weights belong to a backbone and a head that the
 * caller keeps: `dispose()` only retires the runner (later runs throw `DISPOSED`) and never
 * frees the shared weights — dispose the backbone and the head for that.
 *
 * @example
 * ```ts
 * const runner = new SharedWeightsRunner(composeClassifier(backbone, head));
 * runner.dispose(); // backbone and head still work
 * ```
 */
export class SharedWeightsRunner extends TfjsRunner {
  private retired = false;

  constructor(model: tf.LayersModel) {
    super(model, tf.getBackend());
  }

  override async execute(...args: Parameters<TfjsRunner['execute']>): ReturnType<TfjsRunner['execute']> {
    if (this.retired) throw new VisionError('DISPOSED', 'this classifier runner was disposed');
    return super.execute(...args);
  }

  override dispose(): void {
    this.retired = true;
  }
}

/**
 * A classifier ready for `pipeline('image-classification', { model: runner, spec })`.
 *
 * @example
 * ```ts
 * const { runner, spec } = exportClassifier(backbone, head, { labels: ['cat', 'dog'] });
 * const classifier = await pipeline('image-classification', { model: runner, spec });
 * ```
 */
export interface ExportedClassifier {
  runner: ModelRunner;
  spec: ModelSpec;
  /** The composed layers model (absent for k-NN heads). */
  model?: tf.LayersModel;
}

/**
 * The number of classes a head scores (a k-NN head's, or a layers model's output width).
 *
 * @example
 * ```ts
 * const classes = headClasses(head); // 10
 * ```
 */
export function headClasses(head: tf.LayersModel | KnnClassifier): number {
  return head instanceof KnnClassifier ? head.numClasses : (head.outputs[0].shape[1] as number);
}

/**
 * Checks the class names given for a head: {@link checkClassNameList}, one per class.
 *
 * @throws VisionError `INVALID_OPTION` saying what is wrong.
 * @example
 * ```ts
 * checkClassNames(['cat', 'dog'], headClasses(head));
 * ```
 */
export function checkClassNames(labels: unknown, numClasses: number): void {
  checkClassNameList(labels);
  if (labels.length !== numClasses) throw new VisionError('INVALID_OPTION', `${labels.length} labels for a head with ${numClasses} classes`);
}

/** Every name the options of {@link exportClassifier} have. */
const EXPORT_OPTION_NAMES = /* @__PURE__ */ optionNames<Parameters<typeof exportClassifier>[2]>()(['labels', 'id']);

/**
 * Makes a runner and model card out of a backbone and a trained head (softmax/SVM/MLP
 * layers model → one composed tfjs model with family `logits`; k-NN → a {@link KnnRunner}
 * with family `probabilities`). The card's input is the backbone's. The runner shares the
 * backbone's and head's weights: disposing it frees nothing; dispose those instead.
 * `INVALID_OPTION` for options that are not an object, set a name it does not take (a
 * misspelt `label`), or whose labels are not one class name per class.
 *
 * @example
 * ```ts
 * const { runner, spec } = exportClassifier(backbone, head, { labels: FASHION_LABELS, id: 'fashion' });
 * const { classes } = await (await pipeline('image-classification', { model: runner, spec })).run(photo);
 * ```
 */
export function exportClassifier(extractor: FeatureBackbone, head: tf.LayersModel | KnnClassifier, options: { labels: readonly string[]; id?: string }): ExportedClassifier {
  checkObject(options, 'exportClassifier options');
  knownOptions(options, 'exportClassifier options', EXPORT_OPTION_NAMES);
  if (options.id !== undefined) checkModelId(options.id, 'id');
  const numClasses = headClasses(head);
  checkClassNames(options.labels, numClasses);
  const spec: ModelSpec = {
    id: options.id ?? 'transfer-classifier',
    task: 'image-classification',
    family: head instanceof KnnClassifier ? 'probabilities' : 'logits',
    format: 'tfjs',
    location: { url: 'memory://transfer-classifier' },
    input: extractor.input,
    labels: [...options.labels],
    defaults: { topK: Math.min(5, numClasses) },
  };
  if (head instanceof KnnClassifier) return { runner: new KnnRunner(extractor, head), spec };
  const model = composeClassifier(extractor, head);
  return { runner: new SharedWeightsRunner(model), spec, model };
}
