import * as tf from '@tensorflow/tfjs';
import { VisionError, describeError } from '../core/errors';
import type { InputTransform } from '../core/types';
import type { ExplainablePipeline } from './explained-model';
import { inputMapToImage } from './input-geometry';
import { checkGradientKernels, graphNodesAfter } from './gradient-kernels';
import { type LayerValues, downstreamOf, layerOutputId, layersAfter, walkLayers } from './layers-walk';
import { type OutputScore, forwardModel } from './model-forward';
import { gradientOf } from './differentiate';

/** Activations [1, h, w, k] (or [1, k, h, w]) and the score as a function of them. */
interface SplitModel {
  activations: tf.Tensor;
  scoreOf: (activations: tf.Tensor) => tf.Scalar;
}

function splitLayers(model: tf.LayersModel, input: tf.Tensor, layer: string, readScore: OutputScore): SplitModel {
  const cut = layerOutputId(model, layer);
  const differentiated = layersAfter(model, cut);
  checkGradientKernels('grad-cam', model, (name) => differentiated.has(name));
  const full: LayerValues = new Map([[model.inputs[0].id, input]]);
  walkLayers(model, full);
  const after = downstreamOf(model, cut);
  // keep what does not depend on the cut; the walk recomputes the rest from the substituted activations
  const upstream = [...full].filter(([id]) => !after.has(id));
  return {
    activations: full.get(cut) as tf.Tensor,
    scoreOf: (a) => readScore(walkLayers(model, new Map([...upstream, [cut, a]]))),
  };
}

function splitGraph(pipeline: ExplainablePipeline, model: tf.GraphModel, feeds: tf.NamedTensorMap, layer: string, readScore: OutputScore): SplitModel {
  const after = graphNodesAfter(model, layer);
  checkGradientKernels('grad-cam', model, (name) => after.has(name));
  let activations: tf.Tensor;
  try {
    activations = model.execute(feeds, layer) as tf.Tensor;
  } catch (error) {
    throw new VisionError('INVALID_OPTION', `graph node '${layer}' could not be computed: ${describeError(error)}`, { cause: error });
  }
  return { activations, scoreOf: (a) => readScore(forwardModel(pipeline, model, { ...feeds, [layer]: a })) };
}

/**
 * Grad-CAM (Selvaraju et al. 2017) at a named layer: the layer's activations A (from the
 * pipeline's prepared input), weights αₖ = mean over positions of ∂score/∂Aₖ (the score
 * `readScore` reads from the model's output), map =
 * ReLU(Σₖ αₖ Aₖ), resampled onto the image's pixels through the input transform. Layers
 * models are split at the layer; graph models are fed the node's activations (`layer` is a
 * node name).
 *
 * @throws VisionError `INVALID_OPTION` for an unknown layer or one without a spatial [1, h, w, k] output.
 * @example
 * ```ts
 * const cam = gradCamSaliency(classifier, model, prepared.input, prepared.transform, 'conv_3', classScore(1));
 * ```
 */
export function gradCamSaliency(
  pipeline: ExplainablePipeline,
  model: tf.GraphModel | tf.LayersModel,
  input: tf.Tensor,
  transform: InputTransform,
  layer: string,
  readScore: OutputScore,
): Float32Array {
  const nchw = pipeline.spec.input.layout === 'nchw';
  const { cam, width, height } = tf.tidy(() => {
    const feed = pipeline.runner.inputs[0].shape.length === 3 ? tf.squeeze(input, [0]) : input;
    const split = model instanceof tf.GraphModel
      ? splitGraph(pipeline, model, { [pipeline.runner.inputs[0].name]: feed }, layer, readScore)
      : splitLayers(model, feed, layer, readScore);
    const a = split.activations;
    if (a.rank !== 4 || a.shape[0] !== 1) {
      throw new VisionError('INVALID_OPTION', `layer '${layer}' outputs shape [${a.shape.join(',')}]; Grad-CAM needs a spatial [1, h, w, channels] layer`);
    }
    const channelsLast = nchw ? tf.transpose(a, [0, 2, 3, 1]) : a;
    const gradient = gradientOf((x: tf.Tensor) => split.scoreOf(nchw ? tf.transpose(x, [0, 3, 1, 2]) : x), channelsLast, `use a layer after that op, or method 'occlusion'`);
    const weights = tf.mean(gradient, [1, 2], true);
    const map = tf.relu(tf.sum(tf.mul(channelsLast, weights), -1));
    return { cam: map.dataSync() as Float32Array, width: channelsLast.shape[2] as number, height: channelsLast.shape[1] as number };
  });
  return inputMapToImage(cam, width, height, transform);
}
