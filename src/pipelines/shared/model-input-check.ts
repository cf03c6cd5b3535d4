/**
 * Whether a model's image input fits its card, checked once at creation: a model and card that
 * disagree (a fixed batch of 2, one channel, the other layout, a size or element type the card
 * does not say) would otherwise fail every run with an error blaming the image.
 */
import { VisionError } from '../../core/errors';
import { shownValue } from '../../core/shown-value';
import type { ModelSpec } from '../../models/model-spec';
import { isIdentityNormalization } from '../../preprocess/normalize';
import type { ModelRunner } from '../../runtime/model-runner';

/** Element types of an image input the pipelines can feed (float16 and uint8 are converted by the runner). */
const PIXEL_TYPES = ['float32', 'float16', 'int32', 'uint8'];

/**
 * Checks the runner's inputs against the card: one input (RVM's recurrent ones aside), of rank 3
 * (one unbatched image) or 4; a batch
 * axis of 1 or any size (pipelines feed one image a run; feature extraction, which batches,
 * takes a fixed batch too); three channels where the card's `layout` puts them; the card's
 * width and height where the model fixes them; and an element type the card's `dtype` can feed.
 *
 * @throws VisionError `MODEL_FORMAT` for a model no image pipeline can feed (more inputs than the image, a fixed batch over 1,
 * other than three channels, a non-pixel element type); `INVALID_OPTION` where the card is what
 * is wrong (its layout, size or dtype), naming the fix.
 * @example
 * ```ts
 * checkModelInput(spec, runner); // throws for a card saying nhwc on a [1,3,640,640] model
 * ```
 */
export function checkModelInput(spec: ModelSpec, runner: ModelRunner): void {
  const input = runner.inputs[0];
  if (!input) throw new VisionError('MODEL_FORMAT', `model '${spec.id}' has no inputs`);
  // RVM takes its recurrent states and downsample ratio too; every other pipeline feeds the image alone
  const extra = spec.family === 'rvm' ? [] : runner.inputs.slice(1);
  if (extra.length > 0) {
    throw new VisionError('MODEL_FORMAT', `model '${spec.id}' takes ${runner.inputs.length} inputs (${runner.inputs.map((i) => `'${i.name}'`).join(', ')}); ${spec.task} feeds the image alone: export the model with one image input`);
  }
  const { shape } = input;
  const what = `model '${spec.id}' input '${input.name}' [${shape.join(',')}]`;
  const rank = shape.length;
  if (rank !== 4 && rank !== 3) {
    throw new VisionError('MODEL_FORMAT', `model '${spec.id}' input '${input.name}' has shape [${shape.join(',')}]; image models take [N,H,W,C], [N,C,H,W] or one unbatched image`);
  }
  if (rank === 4 && shape[0] > 1 && spec.task !== 'image-feature-extraction') {
    throw new VisionError('MODEL_FORMAT', `${what} takes batches of exactly ${shape[0]} images; this pipeline feeds one image a run: export the model with a batch of 1 or a dynamic batch`);
  }
  const first = rank - 3; // the first image axis after an optional batch axis
  const nchw = spec.input.layout === 'nchw';
  const [channels, otherChannels] = nchw ? [shape[first], shape[first + 2]] : [shape[first + 2], shape[first]];
  if (channels > 0 && channels !== 3) {
    if (otherChannels === 3) {
      const actual = nchw ? 'nhwc' : 'nchw';
      throw new VisionError('INVALID_OPTION', `${what} is laid out ${actual} (channels ${nchw ? 'last' : 'first'}) but its card says layout '${nchw ? 'nchw' : 'nhwc'}'; set input.layout: '${actual}'`);
    }
    throw new VisionError('MODEL_FORMAT', `${what} takes ${channels}-channel images; image pipelines feed RGB (3 channels)`);
  }
  const [h, w] = nchw ? [shape[first + 1], shape[first + 2]] : [shape[first], shape[first + 1]];
  if ((h > 0 && h !== spec.input.height) || (w > 0 && w !== spec.input.width)) {
    const fix = typeof spec.family === 'string' && spec.family.startsWith('yolo') && h === w ? `; give yoloModel inputSize: ${w} (or set the card's input.width and input.height)` : `; set the card's input.width and input.height to the model's`;
    throw new VisionError('INVALID_OPTION', `model '${spec.id}' takes ${w}×${h} images but its spec says ${spec.input.width}×${spec.input.height}${fix}`);
  }
  checkPixelType(spec, input.dtype, what);
}

function checkPixelType(spec: ModelSpec, modelType: string, what: string): void {
  if (!PIXEL_TYPES.includes(modelType)) {
    throw new VisionError('MODEL_FORMAT', `${what} takes ${modelType} values; image pipelines feed ${PIXEL_TYPES.join(', ')} pixels`);
  }
  const integer = modelType === 'int32' || modelType === 'uint8';
  const given = spec.input.dtype;
  if ((given === 'int32' && !integer) || (given === 'float32' && integer)) {
    throw new VisionError('INVALID_OPTION', `${what} takes ${modelType} values but its card says dtype '${given}'; set input.dtype: '${integer ? 'int32' : 'float32'}' (or leave it out)`);
  }
  // whole numbers carry pixels 0–255 as they are: a scaled 0–1 image would reach the model as 0s and 1s
  const normalization = spec.input.normalization ?? 'none';
  if ((integer || given === 'int32') && !isIdentityNormalization(normalization)) {
    throw new VisionError('INVALID_OPTION', `${what} takes whole-number pixels (${integer ? modelType : 'int32'}, 0–255) but its card normalises them (${shownValue(normalization)}); set input.normalization: 'none'`);
  }
}
