import { VisionError } from '../../core/errors';
import type { InputSpec } from '../../preprocess/prepare';

const numbers = (value: unknown): number[] | undefined => (Array.isArray(value) && value.every((v) => typeof v === 'number') ? value : undefined);

/** A `size` or `crop_size` of a preprocessor config: a side, `{ height, width }` or `{ shortest_edge }`. */
type HfSize = { width: number; height: number } | { shortestEdge: number };

function sizeOf(value: unknown): HfSize | undefined {
  if (typeof value === 'number') return { width: value, height: value };
  if (typeof value !== 'object' || value === null) return undefined;
  const { width, height, shortest_edge: edge } = value as Record<string, unknown>;
  if (typeof width === 'number' && typeof height === 'number') return { width, height };
  if (typeof edge === 'number') return { shortestEdge: edge };
  return undefined;
}

/**
 * The input size and normalisation a Hugging Face `preprocessor_config.json` (an image
 * processor: ViT, DeiT, BEiT, ConvNeXt…) gives, in the image processor's order: resize to `size`,
 * centre crop to `crop_size` when `do_center_crop`, rescale by `rescale_factor` (1/255) unless
 * `do_rescale` is false, normalise by `image_mean` / `image_std` unless `do_normalize` is false.
 * A shortest-edge resize followed by a square crop is `fit: 'center-crop'` with `cropFraction`
 * crop ÷ edge, as the processor computes it. The resize is Pillow's, as the processor's:
 * `resample` 0 (nearest) is `interpolation: 'nearest'`; bilinear (2, the default) is the
 * antialiased bilinear resize; bicubic, Lanczos, box and Hamming (3, 1, 4, 5) are approximated by it.
 *
 * @throws VisionError `MODEL_FORMAT` for a resize and crop visionpipe cannot reproduce (a
 *   `{ height, width }` stretch then a smaller crop, a crop larger than the resize or not square).
 * @example
 * ```ts
 * inputFromPreprocessor({ size: { shortest_edge: 256 }, do_center_crop: true, crop_size: 224 });
 * // { antialias: true, width: 224, height: 224, fit: 'center-crop', cropFraction: 0.875 }
 * ```
 */
export function inputFromPreprocessor(config: Record<string, unknown>, path = 'preprocessor_config.json'): Partial<InputSpec> {
  // Pillow shrinks with a filter as wide as the scale (antialiased); sampling 2 × 2 pixels moved the input of a photo by up to 74 levels
  const input: Partial<InputSpec> = config.resample === 0 ? { interpolation: 'nearest' } : { antialias: true };
  const size = sizeOf(config.size);
  const crop = config.do_center_crop === true ? sizeOf(config.crop_size) : undefined;
  const unsupported = (what: string) => new VisionError('MODEL_FORMAT', `${path}: ${what}; visionpipe reads a plain resize, or a shortest-edge resize then a square centre crop`);
  if (crop) {
    if (!('width' in crop) || crop.width !== crop.height) throw unsupported(`crop_size ${JSON.stringify(config.crop_size)} is not a square`);
    if (size && 'shortestEdge' in size) {
      if (crop.width > size.shortestEdge) throw unsupported(`the ${crop.width}-pixel crop is larger than the ${size.shortestEdge}-pixel resize`);
      Object.assign(input, { width: crop.width, height: crop.height, fit: 'center-crop', cropFraction: crop.width / size.shortestEdge });
    } else if (size && size.width === crop.width && size.height === crop.height) {
      Object.assign(input, { width: size.width, height: size.height }); // the crop takes the whole resized image
    } else {
      throw unsupported(`a resize to ${size ? `${size.width}×${size.height}` : 'no size'} then a ${crop.width}×${crop.height} centre crop`);
    }
  } else if (size) {
    Object.assign(input, 'shortestEdge' in size ? { width: size.shortestEdge, height: size.shortestEdge } : size);
  }
  const scale = config.do_rescale === false ? 1 : typeof config.rescale_factor === 'number' ? config.rescale_factor : 1 / 255;
  const mean = numbers(config.image_mean);
  const std = numbers(config.image_std);
  if (config.do_normalize === false) input.normalization = { scale };
  else if (mean?.length === 3 && std?.length === 3) input.normalization = { scale, mean, std };
  else if (scale !== 1 / 255) input.normalization = { scale };
  return input;
}
