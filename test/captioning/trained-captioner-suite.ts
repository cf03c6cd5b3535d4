import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImageToTextPipeline } from '../../src/pipelines/captioning/image-to-text-pipeline';
import { Captioner, type CaptionerConfig } from '../../src/training/captioner/captioner';
import type { TrainCaptionerOptions, TrainedCaptioner } from '../../src/training/captioner/train-captioner';
import { HELD_OUT, captionScenes, isHeldOut } from '../helpers/caption-scenes';
import { scoreHeldOut, trainOnScenes } from './train-and-score';

/**
 * The shared suite of a trained captioner: trains it on generated scenes, then checks that the
 * held-out combinations were never trained on, BLEU-4 ≥ 0.6 on them, and save/load round trips.
 */
export function describeTrainedCaptioner(
  title: string,
  name: string,
  config: CaptionerConfig,
  options: Omit<TrainCaptionerOptions, 'config'> & { train: number },
): void {
  let trained: TrainedCaptioner;

  beforeAll(async () => {
    trained = await trainOnScenes(name, config, options);
  }, 600_000);

  afterAll(() => trained?.captioner.dispose());

  describe(title, () => {
    it('never trains on the held-out subject combinations', () => {
      expect(captionScenes(1200, 11, 'train').some((s) => isHeldOut(s.subject))).toBe(false);
      expect(HELD_OUT.length).toBe(8);
    });

    it('reaches BLEU-4 ≥ 0.6 on held-out scenes whose subject combinations it never saw (greedy, through the pipeline)', async () => {
      const { bleu } = await scoreHeldOut(name, trained, 100);
      expect(bleu[3]).toBeGreaterThanOrEqual(0.6);
    }, 300_000);

    it('saves to plain data and loads back to the same captions; tensor counts stay flat', async () => {
      const saved = JSON.parse(JSON.stringify(trained.captioner.save())) as ReturnType<Captioner['save']>;
      const copy = Captioner.load(saved);
      const scenes = captionScenes(5, 5, 'test');
      const a = await createImageToTextPipeline({ model: trained.captioner.toCaptionModel(), numBeams: 2 });
      const b = await createImageToTextPipeline({ model: copy.toCaptionModel(), numBeams: 2 });
      await a.run(scenes[0].image);
      const before = tf.memory().numTensors;
      for (const s of scenes) expect((await b.run(s.image)).text).toBe((await a.run(s.image)).text);
      expect(tf.memory().numTensors).toBe(before);
      a.dispose();
      b.dispose();
      copy.dispose();
    }, 120_000);
  });
}
