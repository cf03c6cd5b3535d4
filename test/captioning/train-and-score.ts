/** Shared by the captioner training tests: train on generated scenes, caption held-out scenes through the pipeline, score BLEU. */
import { corpusBleu } from '../../src/eval/bleu';
import { createImageToTextPipeline } from '../../src/pipelines/captioning/image-to-text-pipeline';
import { selectTfjsBackend } from '../../src/runtime/tfjs-backend';
import type { CaptionerConfig } from '../../src/training/captioner/captioner';
import { type TrainCaptionerOptions, type TrainedCaptioner, trainCaptioner } from '../../src/training/captioner/train-captioner';
import { type CaptionScene, captionScenes } from '../helpers/caption-scenes';

export interface CaptionerScore {
  trained: TrainedCaptioner;
  bleu: number[];
  exact: number;
  msPerCaption: number;
  test: CaptionScene[];
  captions: string[];
}

export async function trainOnScenes(name: string, config: CaptionerConfig, options: Omit<TrainCaptionerOptions, 'config'> & { train: number }): Promise<TrainedCaptioner> {
  // The encoder's strided convolutions are matMuls, so training needs no Conv2DBackpropFilter and runs on wasm (~5× the cpu backend).
  await selectTfjsBackend({ backend: 'wasm' });
  const { train: count, ...training } = options;
  const train = captionScenes(count, 11, 'train');
  const trained = await trainCaptioner(train, {
    ...training,
    config,
    onEpochEnd: (p) => console.log(`${name} epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(4)} ${p.encoderFrozen ? '(frozen encoder, cached features) ' : ''}${p.seconds.toFixed(1)} s`),
  });
  console.log(`${name} captioner: ${trained.captioner.params.count()} weights, ${options.train} scenes, trained in ${trained.seconds.toFixed(1)} s`);
  return trained;
}

export async function scoreHeldOut(name: string, trained: TrainedCaptioner, count: number, numBeams = 1): Promise<Omit<CaptionerScore, 'trained'>> {
  const pipeline = await createImageToTextPipeline({ model: trained.captioner.toCaptionModel(), maxTokens: 12, numBeams });
  const test = captionScenes(count, 99, 'test');
  const t0 = Date.now();
  const captions: string[] = [];
  for (const scene of test) captions.push((await pipeline.run(scene.image)).text);
  const msPerCaption = (Date.now() - t0) / count;
  pipeline.dispose();
  const { bleu } = corpusBleu(captions, test.map((s) => [s.caption]));
  const exact = captions.filter((c, i) => c === test[i].caption).length / count;
  console.log(`${name} held-out (${numBeams > 1 ? `beam ${numBeams}` : 'greedy'}): BLEU-1..4 ${bleu.map((b) => b.toFixed(3)).join(' ')}, exact ${exact.toFixed(3)}, ${msPerCaption.toFixed(0)} ms/caption`);
  test.slice(0, 4).forEach((s, i) => console.log(`  ${s.caption}  →  ${captions[i]}`));
  return { bleu, exact, msPerCaption, test, captions };
}
