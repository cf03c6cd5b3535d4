/**
 * A Hugging Face `preprocessor_config.json` read as its image processor applies it: resize,
 * centre crop (`do_center_crop`, `crop_size`), rescale (`do_rescale`, `rescale_factor`) and
 * normalise (`do_normalize`, `image_mean`, `image_std`), with Pillow's resize (`resample`). The crop and `do_normalize: false` were
 * ignored: a DeiT-style export was refused as a usage error, and its pixels were normalised anyway.
 */
import { describe, expect, it } from 'vitest';
import { inputFromPreprocessor } from '../../src/node/cli/hf-preprocessor';

const MEAN = [0.5, 0.5, 0.5];
const STD = [0.5, 0.5, 0.5];

describe('inputFromPreprocessor', () => {
  it('a plain resize and mean/std: the size, stretched, in 0–1 units normalised', () => {
    expect(inputFromPreprocessor({ size: { height: 384, width: 384 }, image_mean: MEAN, image_std: STD })).toEqual({ antialias: true, width: 384, height: 384, normalization: { scale: 1 / 255, mean: MEAN, std: STD } });
    expect(inputFromPreprocessor({ size: 224, do_center_crop: false, crop_size: 200 })).toEqual({ antialias: true, width: 224, height: 224 });
  });

  it('a shortest-edge resize and a square centre crop: the crop, cut from the image scaled so its short side is the edge (Resize(256) + CenterCrop(224))', () => {
    expect(inputFromPreprocessor({ size: { shortest_edge: 256 }, do_center_crop: true, crop_size: { height: 224, width: 224 } })).toEqual({ antialias: true, width: 224, height: 224, fit: 'center-crop', cropFraction: 0.875 });
    // a crop as large as a {height, width} resize takes it whole
    expect(inputFromPreprocessor({ size: { height: 32, width: 32 }, do_center_crop: true, crop_size: 32 })).toEqual({ antialias: true, width: 32, height: 32 });
  });

  it('rescaling and normalising as the processor flags say', () => {
    expect(inputFromPreprocessor({ size: 32, do_normalize: false, image_mean: MEAN, image_std: STD })).toEqual({ antialias: true, width: 32, height: 32, normalization: { scale: 1 / 255 } });
    expect(inputFromPreprocessor({ size: 32, do_rescale: false, image_mean: [127.5, 127.5, 127.5], image_std: [127.5, 127.5, 127.5] })).toEqual({ antialias: true, width: 32, height: 32, normalization: { scale: 1, mean: [127.5, 127.5, 127.5], std: [127.5, 127.5, 127.5] } });
    expect(inputFromPreprocessor({ size: 32, rescale_factor: 1 / 127.5, do_normalize: false })).toEqual({ antialias: true, width: 32, height: 32, normalization: { scale: 1 / 127.5 } });
  });

  it("resizes as Pillow does for the processor's resample: antialiased bilinear (the default and the filters it approximates), or nearest (it sampled 2 × 2 pixels, up to 74 levels off)", () => {
    for (const resample of [undefined, 2, 3, 1, 4, 5]) expect(inputFromPreprocessor({ size: 32, resample }), String(resample)).toEqual({ antialias: true, width: 32, height: 32 });
    expect(inputFromPreprocessor({ size: 32, resample: 0 })).toEqual({ interpolation: 'nearest', width: 32, height: 32 });
  });

  it('a resize and crop visionpipe cannot reproduce is MODEL_FORMAT, naming the file and what it asks', () => {
    const refused = (config: Record<string, unknown>, what: string) =>
      expect(() => inputFromPreprocessor(config, 'm/preprocessor_config.json')).toThrow(expect.objectContaining({ code: 'MODEL_FORMAT', message: `m/preprocessor_config.json: ${what}; visionpipe reads a plain resize, or a shortest-edge resize then a square centre crop` }));
    refused({ size: { height: 40, width: 40 }, do_center_crop: true, crop_size: { height: 32, width: 32 } }, 'a resize to 40×40 then a 32×32 centre crop');
    refused({ size: { shortest_edge: 200 }, do_center_crop: true, crop_size: 224 }, 'the 224-pixel crop is larger than the 200-pixel resize');
    refused({ size: { shortest_edge: 256 }, do_center_crop: true, crop_size: { height: 224, width: 200 } }, 'crop_size {"height":224,"width":200} is not a square');
  });
});
