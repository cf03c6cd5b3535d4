import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../core/errors';
import { differentiablePrepare } from './differentiable-prepare';
import type { ExplainablePipeline } from './explained-model';

/**
 * The explained score read (with gradient) from the model's first output: a class's output
 * for classifiers ({@link classScore}), a detection's candidate score for detectors.
 *
 * @example
 * ```ts
 * const read: OutputScore = (output) => tf.max(output);
 * ```
 */
export type OutputScore = (output: tf.Tensor) => tf.Scalar;

/**
 * The explained score as a differentiable function of the image's pixels ([H, W, 3] float32,
 * 0–255): the pipeline's own preprocessing (fit, normalisation, channel order, layout) done
 * with ops whose gradients are exact ({@link differentiablePrepare}), the tfjs model, and the
 * score read from its output. Call it inside `tf.grad` or a tidy.
 *
 * @throws VisionError `INVALID_OPTION` for models that take integer input (no gradient).
 * @example
 * ```ts
 * const gradient = tf.grad(scoreOfImage(classifier, model, classScore(3)))(image);
 * ```
 */
export function scoreOfImage(pipeline: ExplainablePipeline, model: tf.GraphModel | tf.LayersModel, readScore: OutputScore): (image: tf.Tensor) => tf.Scalar {
  const { spec, runner } = pipeline;
  if (spec.input.dtype === 'int32' || runner.inputs[0].dtype === 'int32') {
    throw new VisionError('INVALID_OPTION', `model '${spec.id}' takes integer input, which has no gradient: use method 'occlusion'`);
  }
  return (image) => {
    const input = differentiablePrepare(image as tf.Tensor3D, spec.input);
    const feed = runner.inputs[0].shape.length === 3 ? tf.squeeze(input, [0]) : input;
    return readScore(forwardModel(pipeline, model, { [runner.inputs[0].name]: feed }));
  };
}

/**
 * Runs a tfjs model on named inputs (graph models may be fed intermediate nodes) and returns
 * its first output (the one the pipeline reads), recording gradients.
 *
 * @example
 * ```ts
 * const logits = forwardModel(classifier, model, { input_1: batch });
 * ```
 */
export function forwardModel(pipeline: ExplainablePipeline, model: tf.GraphModel | tf.LayersModel, feeds: tf.NamedTensorMap): tf.Tensor {
  if (model instanceof tf.GraphModel) {
    const name = pipeline.spec.outputs?.[0] ?? model.outputs[0].name;
    return model.execute(feeds, name) as tf.Tensor;
  }
  const out = model.apply(Object.values(feeds)[0], { training: false });
  return (Array.isArray(out) ? out[0] : out) as tf.Tensor;
}

/**
 * The class's score out of a classifier output ([1, C] or [C]) as a scalar.
 *
 * @example
 * ```ts
 * const score = classOutput(logits, 2);
 * ```
 */
export function classOutput(output: tf.Tensor, classId: number): tf.Scalar {
  const flat = tf.reshape(output, [-1]);
  return tf.squeeze(tf.slice(flat, [classId], [1])) as tf.Scalar;
}

/**
 * The class's score out of a classifier output, as an {@link OutputScore}.
 *
 * @example
 * ```ts
 * const gradient = tf.grad(scoreOfImage(classifier, model, classScore(2)))(image);
 * ```
 */
export function classScore(classId: number): OutputScore {
  return (output) => classOutput(output, classId);
}
