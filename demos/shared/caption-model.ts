// The caption page's model: a small visionpipe captioner (CNN encoder + GRU decoder with
// attention) trained on generated shape scenes ("two red circles left of a blue square").
// No pretrained captioning model is available offline, so scripts/serve-demos.mjs trains this
// one once (Node, wasm backend, about half a minute on 2 cores) into the git-ignored
// .cache/demo-captioner/ and serves it to the page as /captioner/captioner.json.
import { type CaptionEpoch, type CaptionerConfig, type SavedCaptioner, selectTfjsBackend, trainCaptioner } from 'visionpipe';
import { captionScenes } from 'visionpipe/testing';

/**
 * Architecture: 32×32 scenes, 8×8 patches of 64 features, a GRU decoder with attention.
 *
 * @example
 * ```ts
 * const captioner = Captioner.create(DEMO_CAPTIONER_CONFIG, vocabulary);
 * ```
 */
export const DEMO_CAPTIONER_CONFIG: CaptionerConfig = {
  encoder: { imageSize: 32, patch: 4, channels: [24, 48], dim: 64 },
  decoder: { type: 'gru', embedding: 32, hidden: 96, attention: 64 },
};

/**
 * How many generated scenes the demo captioner trains on, and their seed (page scenes use other seeds).
 *
 * @example
 * ```ts
 * const scenes = captionScenes(DEMO_TRAINING.scenes, DEMO_TRAINING.seed, 'train');
 * ```
 */
export const DEMO_TRAINING = { scenes: 1500, seed: 11, epochs: 12, freezeEncoderAfter: 8 } as const;

/**
 * Trains the demo captioner on generated scenes (the training split: 8 subject combinations
 * are held out, so the page can show captions of combinations it never saw) and returns it as
 * plain data.
 *
 * @example
 * ```ts
 * const saved = await trainDemoCaptioner((p) => console.log(p.epoch, p.loss));
 * ```
 */
export async function trainDemoCaptioner(onEpochEnd: (progress: CaptionEpoch) => void): Promise<SavedCaptioner> {
  await selectTfjsBackend({ backend: 'wasm' });
  const { captioner } = await trainCaptioner(captionScenes(DEMO_TRAINING.scenes, DEMO_TRAINING.seed, 'train'), {
    config: DEMO_CAPTIONER_CONFIG,
    epochs: DEMO_TRAINING.epochs,
    freezeEncoderAfter: DEMO_TRAINING.freezeEncoderAfter,
    batchSize: 32,
    learningRate: 4e-3,
    seed: 3,
    onEpochEnd,
  });
  try {
    return captioner.save();
  } finally {
    captioner.dispose();
  }
}
