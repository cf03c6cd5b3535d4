/**
 * Each camera and photo pipeline on tfjs-wasm with the SDK's kernels against the same pipeline
 * with tfjs-wasm's own (every kernel `useFastWasmKernels` replaced, swapped back in the
 * registry around each call), interleaved in one run; each pipeline's result is checked to be
 * the same under both (keypoints, boxes, scores, matte values).
 */
import * as tf from '@tensorflow/tfjs';
import { decodeImageFile, pipeline } from '../src/node/index';
import { replacedWasmKernel } from '../src/runtime/wasm-kernel-link';
import { facePhoto, fixturePhoto, packageFile } from '../test/helpers/photos';
import type { Section } from './report';
import { compare, pairedRatio } from './timing';

const REPLACED = ['FusedBatchNorm', 'Maximum', 'Minimum', 'Slice', 'Unpack', 'SplitV', 'StridedSlice', 'Equal', 'Add', 'Multiply', 'Mean'];

/** A result as text: numbers as they are, typed arrays as their length and sum (enough to see any change). */
function fingerprint(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => {
    if (!ArrayBuffer.isView(v) || v instanceof DataView) return v;
    const values = v as unknown as ArrayLike<number>;
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[i];
    return { length: values.length, sum };
  });
}

type Runner = { run(frame: unknown, options?: object): Promise<object>; dispose(): void };

/** The `--only=wasm-kernels` pipeline section: every listed pipeline, SDK kernels against tfjs-wasm's. */
export async function pipelineSections(quick: boolean): Promise<Section[]> {
  const tfjs = REPLACED.map((name) => replacedWasmKernel(name));
  if (tfjs.some((k) => !k)) throw new Error("the SDK's wasm kernels are not registered (select the backend through selectTfjsBackend)");
  const sdk = REPLACED.map((name) => tf.getKernel(name, 'wasm')!);
  const swap = (list: readonly tf.KernelConfig[]): void => list.forEach((c) => (tf.unregisterKernel(c.kernelName, 'wasm'), tf.registerKernel(c)));
  const group = await decodeImageFile(facePhoto(1));
  const hand = await decodeImageFile(packageFile('@vladmandic/face-api', 'demo/sample2.jpg'));
  const cat = await decodeImageFile(fixturePhoto('chelsea'));
  const tasks: [string, object, unknown, object?][] = [
    ['hand-landmarks', {}, hand],
    ['face-landmarks', {}, group],
    ['object-detection', {}, group],
    ['pose-estimation', {}, group],
    ['video-matting', {}, group, { refine: false }],
    ['face-embedding', {}, group],
    ['image-classification', {}, cat],
  ];
  const rows = [];
  const summary: Record<string, string> = {};
  for (const [task, options, frame, runOptions] of tasks) {
    const p = (await pipeline(task as never, { backend: 'wasm', ...options } as never)) as unknown as Runner;
    const once = async (kernels: readonly tf.KernelConfig[] | null): Promise<string> => {
      if (kernels) swap(kernels);
      try {
        const result = (await p.run(frame, runOptions)) as { timing?: unknown; dispose?: () => void };
        const text = fingerprint({ ...result, timing: undefined });
        result.dispose?.();
        return text;
      } finally {
        if (kernels) swap(sdk);
      }
    };
    const same = (await once(null)) === (await once(tfjs as tf.KernelConfig[]));
    const stats = await compare(
      [
        { name: `${task}: SDK kernels`, fn: () => once(null) },
        { name: `${task}: tfjs-wasm's kernels`, fn: () => once(tfjs as tf.KernelConfig[]) },
      ],
      { warmup: 1, rounds: quick ? 2 : 4, perRound: quick ? 1 : 3 },
    );
    p.dispose();
    rows.push(...stats);
    summary[`${task}: tfjs' kernels / SDK kernels`] = `${pairedRatio(stats[1], stats[0]).toFixed(3)} (${stats[0].median.toFixed(1)} vs ${stats[1].median.toFixed(1)} ms), result ${same ? 'identical' : 'DIFFERENT'}`;
  }
  return [
    {
      id: 'wasm-kernels-pipelines',
      title: '11d. Pipelines `run` on photos (wasm): all of the SDK kernels against tfjs-wasm’s own',
      reference: rows[0].name,
      rows,
      summary,
      notes: ['photos: face-api sample1 (1920×1280, 3 people) for faces, detection, pose, matting and embeddings; sample2 (hand) for hands; chelsea for classification'],
    },
  ];
}
