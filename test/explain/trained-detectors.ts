/**
 * Two tiny anchor-free detectors (src/training/detector) trained on generated shape scenes
 * with different seeds, for the TTA / ensemble mAP test. Training takes minutes on 2 cores, so
 * the trained models are cached in the git-ignored `.cache/tta-detectors/` (trained on the
 * first run, loaded afterwards); two test files that need the same model at the same time (one
 * per Vitest worker) train it once: the other waits for it.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { detectorToLayersModel } from '../../src/training/detector/detector-export';
import { TrainableDetector } from '../../src/training/detector/detector-model';
import { trainDetector } from '../../src/training/detector/train-detector';
import { makeOnce } from '../helpers/cache-lock';
import { shapeScenes } from '../helpers/scenes';

export const LABELS = ['circle', 'square', 'triangle'];
const CACHE = join(process.cwd(), '.cache', 'tta-detectors');
/** Scene and weight seeds: both models train on the same scenes, from different initial weights and batch orders. */
const TRAIN_SEED = 31;
/**
 * 4 epochs (100 steps): weak detectors (held-out mAP@0.5 0.29 / 0.34), which is what the TTA and
 * ensemble test needs (measured: flip TTA +0.037 over its single model, WBF ensemble +0.037 over
 * the better one) and enough for detection-gradients (heat inside the box 2.6× its share, 2× needed).
 */
const RECIPE = { scenes: 400, epochs: 4, learningRate: 0.01 };

async function save(model: tf.LayersModel, file: string): Promise<void> {
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const { weightData, ...rest } = artifacts;
    writeFileSync(`${file}.json`, JSON.stringify(rest));
    // the .bin appears last and whole: its presence is what says the model is there
    writeFileSync(`${file}.bin.partial`, new Uint8Array(weightData as ArrayBuffer));
    renameSync(`${file}.bin.partial`, `${file}.bin`);
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
}

async function load(file: string): Promise<tf.LayersModel> {
  const artifacts = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as tf.io.ModelArtifacts;
  const bytes = readFileSync(`${file}.bin`);
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ ...artifacts, weightData }));
}

/** The detector trained with weight seed `seed` (from the cache when it is there); `cached` says which. */
export async function trainedDetector(seed: number): Promise<{ model: tf.LayersModel; cached: boolean; seconds: number }> {
  const file = join(CACHE, `detector-${RECIPE.scenes}x${RECIPE.epochs}-s${TRAIN_SEED}-w${seed}`);
  let trained: { model: tf.LayersModel; seconds: number } | undefined;
  await makeOnce(`${file}.bin`, async () => {
    const train = await shapeScenes(RECIPE.scenes, TRAIN_SEED);
    const detector = new TrainableDetector({ inputSize: 64, labels: LABELS, numPrototypes: 8 }, { seed });
    const result = await trainDetector(detector, train, { epochs: RECIPE.epochs, learningRate: RECIPE.learningRate, seed: seed + 1 });
    const model = detectorToLayersModel(detector);
    detector.dispose();
    mkdirSync(CACHE, { recursive: true });
    await save(model, file);
    trained = { model, seconds: result.seconds };
  });
  if (trained) return { ...trained, cached: false };
  return { model: await load(file), cached: true, seconds: 0 };
}
