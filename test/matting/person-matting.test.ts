/**
 * The default video-matting pipeline (MediaPipe Selfie / Meet person segmentation, Apache-2.0)
 * on real weights (tfjs wasm): the matte on the astronaut photo (person high, background low;
 * unrefined it equals the image-segmentation pipeline's person mask), guided-filter
 * refinement, temporal smoothing in video mode, bad input (1×1 and 8000×8000 frames) and
 * flat tensor / mask counts.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RawImage, decodeImageFile, pipeline } from '../../src/node/index';
import { Mask } from '../../src/core/mask';
import { CENTERNET_COCO } from '../../src/models/catalog';
import { MEET_SEGMENTATION } from '../../src/models/segmentation-cards';
import { type VideoMattingPipeline, createVideoMattingPipeline } from '../../src/pipelines/matting/video-matting-pipeline';
import { guidedFilter } from '../../src/postprocess/masks/guided-filter';
import { PlanePool } from '../../src/core/plane-pool';
import { fixturePhoto } from '../helpers/photos';
import { firstBitDifference } from '../helpers/differences';

const mae = (a: Float32Array, b: Float32Array): number => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;

/** Mean of a plane over a box [x1, y1, x2, y2) of a `width`-wide image. */
function boxMean(plane: Float32Array, width: number, [x1, y1, x2, y2]: readonly number[]): number {
  let sum = 0;
  for (let y = y1; y < y2; y++) for (let x = x1; x < x2; x++) sum += plane[y * width + x];
  return sum / ((x2 - x1) * (y2 - y1));
}

/** The astronaut (512×512): her face and suit, and the background at the top right. */
const PERSON_BOX = [160, 80, 280, 400] as const;
const BACKGROUND_BOX = [400, 0, 512, 120] as const;

describe('video matting with Selfie (default) and Meet (real weights, wasm)', () => {
  let matting: VideoMattingPipeline;
  let astronaut: RawImage;

  beforeAll(async () => {
    matting = await pipeline('video-matting', { backend: 'wasm' });
    astronaut = await decodeImageFile(fixturePhoto('astronaut'));
  });
  afterAll(() => matting?.dispose());

  it('astronaut: person high, background low; unrefined it is the image-segmentation person mask; refined it stays close', async () => {
    expect(matting.spec.id).toBe('selfie-segmentation');
    expect(matting.isRecurrent).toBe(false);
    const refined = await matting.run(astronaut);
    const raw = await matting.run(astronaut, { refine: false });
    const segmenter = await pipeline('image-segmentation', { model: matting.runner, spec: matting.spec });
    const seg = await segmenter.run(astronaut, { outputCategoryMask: false });
    const alpha = refined.alpha.toFloat32Array();
    const plain = raw.alpha.toFloat32Array();
    expect([refined.alpha.width, refined.alpha.height, refined.alpha.kind]).toEqual([512, 512, 'probability']);
    expect(refined.foreground).toBeUndefined();
    // the same resize (half-pixel bilinear), the matte's rows blended in float32 by the SIMD kernel
    const person = seg.confidenceMasks![1].toFloat32Array();
    expect(plain.length).toBe(person.length);
    expect(plain.every((v, i) => Math.abs(v - person[i]) < 1e-6)).toBe(true);
    const figures = { personIn: boxMean(alpha, 512, PERSON_BOX), background: boxMean(alpha, 512, BACKGROUND_BOX), refinedVsRaw: mae(alpha, plain) };
    console.log(`Selfie astronaut: ${JSON.stringify(figures)}`);
    expect(figures.personIn).toBeGreaterThan(0.85);
    expect(figures.background).toBeLessThan(0.1);
    expect(figures.refinedVsRaw).toBeLessThan(0.05);
    for (const m of [refined.alpha, raw.alpha, ...seg.confidenceMasks!]) m.close();
    segmenter.dispose();
  });

  it('refinement: gridSide as large as the frame is the full guided filter of the unrefined matte; the default fast filter stays close to it', async () => {
    const { data, width, height } = astronaut;
    const luma = Float32Array.from({ length: width * height }, (_, i) => (0.299 * data[3 * i] + 0.587 * data[3 * i + 1] + 0.114 * data[3 * i + 2]) / 255);
    const results = [await matting.run(astronaut, { refine: false }), await matting.run(astronaut, { refine: { gridSide: 512 } }), await matting.run(astronaut)];
    const [plain, full, fast] = results.map((r) => r.alpha.toFloat32Array());
    // default radius at 512 px: 512 / 128 = 4
    const expected = guidedFilter(luma, plain, width, height, { radius: 4, epsilon: 1e-3 }).map((v) => Math.min(Math.max(v, 0), 1));
    let worst = 0;
    let fastWorst = 0;
    for (let i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(full[i] - expected[i]));
      fastWorst = Math.max(fastWorst, Math.abs(fast[i] - full[i]));
    }
    console.log(`Selfie astronaut, fast (128-px grid) vs full guided filter: MAE ${(mae(fast, full) * 255).toFixed(2)}/255, max ${(fastWorst * 255).toFixed(1)}/255`);
    expect(worst).toBeLessThan(1e-5);
    expect(mae(fast, full)).toBeLessThan(2 / 255);
    for (const r of results) r.alpha.close();
  });

  it('Meet on the astronaut: person high, background low', async () => {
    const meet = await createVideoMattingPipeline({ model: MEET_SEGMENTATION, backend: 'wasm' });
    const { alpha } = await meet.run(astronaut);
    const plane = alpha.toFloat32Array();
    console.log(`Meet astronaut: person ${boxMean(plane, 512, PERSON_BOX).toFixed(2)}, background ${boxMean(plane, 512, BACKGROUND_BOX).toFixed(2)}`);
    expect(boxMean(plane, 512, PERSON_BOX)).toBeGreaterThan(0.8);
    expect(boxMean(plane, 512, BACKGROUND_BOX)).toBeLessThan(0.15);
    alpha.close();
    meet.dispose();
  });

  it('video mode blends unsure pixels with the previous frame; reset() and a new size start over; counts stay flat', async () => {
    const shifted: RawImage = { ...astronaut, data: astronaut.data.map((_, i) => astronaut.data[(i + 3 * 24) % astronaut.data.length]) };
    const alone = await matting.run(shifted);
    matting.reset();
    (await matting.runForVideo(astronaut, 0)).alpha.close();
    const after = await matting.runForVideo(shifted, 33);
    const blended = mae(after.alpha.toFloat32Array(), alone.alpha.toFloat32Array());
    console.log(`Selfie video: shifted frame after the photo vs alone, MAE ${blended.toExponential(2)}`);
    expect(blended).toBeGreaterThan(1e-4);
    matting.reset();
    const fresh = await matting.runForVideo(shifted, 66);
    expect(mae(fresh.alpha.toFloat32Array(), alone.alpha.toFloat32Array())).toBe(0);
    for (const m of [alone.alpha, after.alpha, fresh.alpha]) m.close();
    const frame: RawImage = { data: new Uint8Array(160 * 120 * 3).map((_, i) => (i * 7) % 255), width: 160, height: 120, channels: 3 };
    (await matting.runForVideo(frame, 99)).alpha.close();
    const tensors = tf.memory().numTensors;
    const masks = Mask.openCount;
    for (let i = 0; i < 10; i++) (await matting.runForVideo(frame, 100 + i * 33)).alpha.close();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(Mask.openCount).toBe(masks);
  });

  it('bad input: a 1×1 and an 8000×8000 frame give mattes of their size; broken images are INVALID_INPUT; bad options INVALID_OPTION', async () => {
    const one = await matting.runForVideo({ data: new Uint8Array([10, 20, 30]), width: 1, height: 1, channels: 3 }, 0);
    expect([one.alpha.width, one.alpha.height]).toEqual([1, 1]);
    expect(Number.isFinite(one.alpha.toFloat32Array()[0])).toBe(true);
    one.alpha.close();
    const huge = await matting.run({ data: new Uint8Array(8000 * 8000 * 3).fill(90), width: 8000, height: 8000, channels: 3 });
    console.log(`8000×8000 frame: ${JSON.stringify(huge.timing)}`);
    expect([huge.alpha.width, huge.alpha.height]).toEqual([8000, 8000]);
    huge.alpha.close();
    await expect(matting.run({ data: new Uint8Array(3), width: 0, height: 1, channels: 3 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(matting.runForVideo(astronaut, Number.NaN)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(matting.run(astronaut, { refine: { radius: 0.5 } })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    // a misspelt refinement setting ran with the default radius
    await expect(matting.run(astronaut, { refine: { radious: 4 } as never })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('refine has unknown option(s) radious') });
    await expect(createVideoMattingPipeline({ model: matting.runner, spec: matting.spec, refine: { eps: 1e-2 } as never })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(createVideoMattingPipeline({ model: matting.runner, spec: matting.spec, smoothing: 2 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(createVideoMattingPipeline({ model: CENTERNET_COCO })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    // options of the wrong type are refused naming the option (before: TypeErrors, or silently taken)
    await expect(matting.run(astronaut, null as unknown as object)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('run options must be an object') });
    await expect(matting.run(astronaut, { refine: 'x' as unknown as false })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('refine is "x"') });
    await expect(matting.run(astronaut, { outputForeground: 'no' as unknown as boolean })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('outputForeground') });
    await expect(createVideoMattingPipeline({ model: matting.runner, spec: matting.spec, smoothing: true as unknown as number })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('smoothing is true') });
    await expect(createVideoMattingPipeline({ model: matting.runner, spec: matting.spec, downsampleRatio: 5 })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('downsampleRatio is 5') });
    await expect(createVideoMattingPipeline({ model: 'meet' })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/unknown model 'meet'; video matting takes .*selfie-segmentation.*meet-segmentation/) });
    for (const name of ['constructor', '__proto__']) {
      await expect(createVideoMattingPipeline({ model: name }), name).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining(`unknown model '${name}'; video matting takes selfie-segmentation`) });
    }
    // absurd pixels (1e30, which overflowed the guided filter's variance) are not pixels: refused, and the next frame works
    const absurd = tf.fill([24, 32, 3], 1e30, 'float32') as tf.Tensor3D;
    await expect(matting.run(absurd)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('outside 0–255') });
    absurd.dispose();
    const ok = await matting.run({ data: new Uint8Array(32 * 24 * 3).fill(128), width: 32, height: 24, channels: 3 });
    ok.alpha.close();
  });

  it('reset() while a video frame is in flight (a new video starts): that frame is not the new video\'s previous matte', async () => {
    const shifted: RawImage = { ...astronaut, data: astronaut.data.map((_, i) => astronaut.data[(i + 3 * 24) % astronaut.data.length]) };
    const alone = await matting.run(shifted);
    matting.reset();
    (await matting.runForVideo(astronaut, 0)).alpha.close();
    const inflight = matting.runForVideo(astronaut, 33);
    matting.reset();
    (await inflight).alpha.close();
    // the old video's last frame used to be kept after reset() and blended into this one
    const fresh = await matting.runForVideo(shifted, 0);
    expect(mae(fresh.alpha.toFloat32Array(), alone.alpha.toFloat32Array())).toBe(0);
    for (const m of [alone.alpha, fresh.alpha]) m.close();
    matting.reset();
  });

  it('overlapping runForVideo calls are matted one after another in call order (a slow file before a quick raw frame); a bad frame among them fails alone', async () => {
    const mirrored: RawImage = { ...astronaut, data: new Uint8Array(astronaut.data.length) };
    for (let y = 0; y < 512; y++) for (let x = 0; x < 512; x++) for (let c = 0; c < 3; c++) mirrored.data[(y * 512 + x) * 3 + c] = astronaut.data[(y * 512 + 511 - x) * 3 + c];
    const bad: RawImage = { data: new Uint8Array(5), width: 4, height: 4, channels: 3 };
    matting.reset();
    (await matting.runForVideo(mirrored, 0)).alpha.close();
    const inTurn = [await matting.runForVideo(fixturePhoto('astronaut'), 33), await matting.runForVideo(mirrored, 66)];
    matting.reset();
    (await matting.runForVideo(mirrored, 0)).alpha.close();
    // the file is decoded while the raw frame would already be matted: before, the raw frame blended first
    const settled = await Promise.allSettled([matting.runForVideo(fixturePhoto('astronaut'), 33), matting.runForVideo(bad, 50), matting.runForVideo(mirrored, 66)]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'INVALID_INPUT' });
    const overlapped = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    overlapped.forEach((r, i) => expect(mae(r.alpha.toFloat32Array(), inTurn[i].alpha.toFloat32Array())).toBe(0));
    for (const r of [...inTurn, ...overlapped]) r.alpha.close();
    matting.reset();
  });

  it('every option is checked whatever the model: RVM options with Selfie, Selfie options with RVM (before loading)', async () => {
    await expect(createVideoMattingPipeline({ model: matting.runner, spec: matting.spec, maxInputSide: 10 })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('maxInputSide is 10') });
    for (const bad of [{ smoothing: 2 }, { smoothing: 'a' }, { refine: { radius: 0 } }, { refine: { epsilon: -1 } }, { refine: { gridSide: 8 } }]) {
      await expect(pipeline('video-matting', { model: 'rvm', ...(bad as object) })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    }
    await expect(matting.runForVideo(astronaut, '40' as unknown as number)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: 'timestampMs must be a finite number; got "40"' });
  });

  it('overlapping refined calls (one reused workspace) give what calls one at a time give', async () => {
    const small: RawImage = { data: new Uint8Array(160 * 120 * 3).map((_, i) => (i * 13) % 251), width: 160, height: 120, channels: 3 };
    const alone = [await matting.run(astronaut), await matting.run(small)];
    const together = await Promise.all([matting.run(astronaut), matting.run(small), matting.run(astronaut)]);
    expect(firstBitDifference(together[0].alpha.toFloat32Array(), alone[0].alpha.toFloat32Array())).toBe(-1);
    expect(firstBitDifference(together[1].alpha.toFloat32Array(), alone[1].alpha.toFloat32Array())).toBe(-1);
    expect(firstBitDifference(together[2].alpha.toFloat32Array(), alone[0].alpha.toFloat32Array())).toBe(-1);
    for (const r of [...alone, ...together]) r.alpha.close();
  });

  it('a closed frame\'s matte array is filled again for a later frame (refined and not); an open one is never touched', async () => {
    const give = vi.spyOn(PlanePool.prototype, 'give');
    const take = vi.spyOn(PlanePool.prototype, 'take');
    try {
      for (const refine of [{}, false as const]) {
        matting.reset();
        const first = await matting.runForVideo(astronaut, 0, { refine });
        const kept = first.alpha.toFloat32Array();
        const second = await matting.runForVideo(astronaut, 33, { refine });
        // the first mask is open: its values are what they were
        expect(firstBitDifference(first.alpha.toFloat32Array(), kept)).toBe(-1);
        second.alpha.close();
        const given = give.mock.calls.at(-1)![0];
        expect(given.length).toBe(512 * 512);
        const third = await matting.runForVideo(astronaut, 66, { refine });
        expect(take.mock.results.at(-1)!.value).toBe(given);
        // a recycled array gives the values a fresh one does (every value written)
        const fresh = await createVideoMattingPipeline({ backend: 'wasm' });
        for (const t of [0, 33]) (await fresh.runForVideo(astronaut, t, { refine })).alpha.close();
        const reference = await fresh.runForVideo(astronaut, 66, { refine });
        expect(firstBitDifference(third.alpha.toFloat32Array(), reference.alpha.toFloat32Array())).toBe(-1);
        for (const m of [first.alpha, third.alpha, reference.alpha]) m.close();
        fresh.dispose();
      }
    } finally {
      give.mockRestore();
      take.mockRestore();
    }
  });
});
