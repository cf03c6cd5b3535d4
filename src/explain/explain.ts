import * as tf from '@tensorflow/tfjs';
import { VisionError, throwIfAborted } from '../core/errors';
import type { ImageInput } from '../core/image-input';
import { DetectionPipeline } from '../pipelines/detection/detection-pipeline';
import type { PreparedInput } from '../preprocess/prepare';
import type { RawTensor } from '../runtime/model-runner';
import { imageToTensor } from '../core/image-tensor';
import { type ExplainSettings, checkExplainOptions } from './explain-options';
import type { ExplainOptions, Explanation } from './explain-types';
import { type ExplainablePipeline, checkExplainable, prepareModelInput, runModel, tfjsModelOf } from './explained-model';
import { gradCamSaliency } from './grad-cam';
import { gradientSaliency, smoothGradSaliency } from './gradients';
import { HeatMap } from './heat-map';
import { occlusionGrid, occlusionSaliency } from './occlusion';
import { type ScoreTarget, classificationTarget, detectionTarget } from './target-score';
import { checkGradientDetector, detectionScore } from './detection-score';
import { type OutputScore, classScore } from './model-forward';

/** The image as a float [H, W, 3] tensor (0–255) for the gradient methods; the caller disposes it. */
async function imageAsFloats(image: ImageInput): Promise<tf.Tensor3D> {
  const { tensor, owned } = await imageToTensor(image);
  const floats = tf.cast(tensor, 'float32') as tf.Tensor3D;
  if (owned) tensor.dispose();
  return floats;
}

async function gradientMethod(pipeline: ExplainablePipeline, image: ImageInput, readScore: OutputScore, settings: ExplainSettings, options: ExplainOptions): Promise<Float32Array> {
  const model = tfjsModelOf(pipeline, settings.method);
  const pixels = await imageAsFloats(image);
  try {
    if (settings.method === 'gradients') return gradientSaliency(pipeline, model, pixels, readScore);
    return await smoothGradSaliency(pipeline, model, pixels, readScore, { samples: settings.samples, sigma: settings.sigma, seed: settings.seed, signal: options.signal, onProgress: options.onProgress });
  } finally {
    pixels.dispose();
  }
}

/** What the gradient methods differentiate: the class's output, or the detection's best overlapping candidate score. */
function outputScoreOf(pipeline: ExplainablePipeline, baseOutputs: Record<string, RawTensor>, prepared: PreparedInput, target: ScoreTarget, settings: ExplainSettings, options: ExplainOptions): OutputScore {
  if (!(pipeline instanceof DetectionPipeline)) return classScore(target.classId);
  return detectionScore(pipeline, baseOutputs, prepared.transform, options.target!, settings.iouThreshold);
}

async function saliencyOf(pipeline: ExplainablePipeline, image: ImageInput, prepared: PreparedInput, readScore: () => OutputScore, target: ScoreTarget, score: number, settings: ExplainSettings, options: ExplainOptions): Promise<Float32Array> {
  const { sourceWidth, sourceHeight } = prepared.transform;
  switch (settings.method) {
    case 'occlusion': {
      const grid = occlusionGrid(sourceWidth, sourceHeight, settings.patchSize, settings.stride);
      return occlusionSaliency(pipeline, prepared, target, score, { ...grid, fill: settings.fill, batchSize: settings.batchSize, signal: options.signal, onProgress: options.onProgress });
    }
    case 'grad-cam':
      return gradCamSaliency(pipeline, tfjsModelOf(pipeline, 'grad-cam'), prepared.input, prepared.transform, options.layer as string, readScore());
    default:
      return gradientMethod(pipeline, image, readScore(), settings, options);
  }
}

/**
 * Explains one prediction of a classification or detection pipeline with a saliency heat map
 * at the image's size: which pixels the score depends on. Methods: `occlusion` (default; any
 * model and runtime: patches painted over the model input in batches, heat = score drop),
 * and for tfjs models `gradients`, `smoothgrad` and `grad-cam` (at `layer`). Gradients
 * go through the pipeline's own preprocessing, so the map lines up with the image whatever
 * the resize / letterbox / crop. Classifiers explain `classId` (default: the top class);
 * detectors explain `target` (a detection's box and class); their gradient methods follow
 * the largest raw candidate score of that class among candidates overlapping the box (IoU ≥
 * `iouThreshold`), for YOLO-style raw outputs (families yolov5, yolov8 — the trainable
 * detector's export too). Nothing leaks: the tensor count
 * is the same after the call; the heat map is owned (`close()` it, or `pack()` it to send
 * to another thread).
 *
 * @throws VisionError `INVALID_OPTION` for bad options (also one the method does not use), a
 * method the model cannot do, or a target detection the detector does not find;
 * `INVALID_INPUT` for unreadable images; `DISPOSED` for a disposed pipeline; `ABORTED` when
 * `signal` fires.
 * @example
 * ```ts
 * const detector = await pipeline('object-detection');
 * const { detections } = await detector.run(photo);
 * const { heatMap } = await explain(detector, photo, { target: detections[0], patchSize: 48 });
 * drawHeatMap(ctx, heatMap, { opacity: 0.6 });
 * heatMap.close();
 * ```
 */
export async function explain(pipeline: ExplainablePipeline, image: ImageInput, options: ExplainOptions = {}): Promise<Explanation> {
  checkExplainable(pipeline);
  pipeline.assertUsable();
  const detector = pipeline instanceof DetectionPipeline;
  const settings = checkExplainOptions(options, detector);
  if (pipeline instanceof DetectionPipeline && settings.method !== 'occlusion') checkGradientDetector(pipeline, settings.method);
  throwIfAborted(options.signal, 'explain');
  const prepared = await prepareModelInput(pipeline, image);
  try {
    const baseOutputs = await runModel(pipeline, prepared.input);
    const target = pipeline instanceof DetectionPipeline
      ? detectionTarget(pipeline, options.target!, settings.iouThreshold)
      : classificationTarget(pipeline, baseOutputs, options.classId);
    const score = target.scores(baseOutputs, 1, prepared.transform)[0];
    if (detector && score === 0) {
      throw new VisionError('INVALID_OPTION', `the detector finds no ${target.label} overlapping the target box with IoU ≥ ${settings.iouThreshold} in this image`);
    }
    const readScore = () => outputScoreOf(pipeline, baseOutputs, prepared, target, settings, options);
    const saliency = await saliencyOf(pipeline, image, prepared, readScore, target, score, settings, options);
    const { sourceWidth: width, sourceHeight: height } = prepared.transform;
    return { heatMap: HeatMap.fromSaliency(width, height, saliency), method: settings.method, classId: target.classId, label: target.label, score, imageSize: { width, height } };
  } finally {
    prepared.input.dispose();
  }
}
