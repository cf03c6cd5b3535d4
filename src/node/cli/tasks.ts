import type { ModelSpec } from '../../models/model-spec';
import type { TfjsBackendName } from '../../runtime/tfjs-backend';
import { pipeline } from '../../pipelines/registry';
import type { ImageSegmentationResult } from '../../pipelines/segmentation/segmentation-types';
import { writeAnnotatedImage, writeMaskOverlay, writePoseImage } from '../annotate';
import type { CliCommand } from './args';
import { classRow, detectionRow, labelShares, poseRows } from './format';

/**
 * What the CLI reports for one image: table lines, the JSON `result`, and the annotated
 * file written with `--out`.
 *
 * @example
 * ```ts
 * const { lines, result, output } = await task.run('photo.jpg');
 * ```
 */
export interface ImageReport {
  lines: string[];
  result: unknown;
  output?: string;
}

/**
 * A loaded model behind one CLI command: runs images one by one, then is disposed.
 *
 * @example
 * ```ts
 * const task = await createCliTask('pose', { out: 'out' });
 * try { console.log((await task.run('photo.jpg')).lines.join('\n')); } finally { task.dispose(); }
 * ```
 */
export interface CliTask {
  /** The backend the model runs on (`wasm`, `cpu`, …). */
  readonly backend: string;
  /** `outName` is the stem of the annotated file (default: the image's name). */
  run(image: string, outName?: string): Promise<ImageReport>;
  dispose(): void;
}

/**
 * The options a CLI command builds its pipeline from.
 *
 * @example
 * ```ts
 * const settings: TaskSettings = { model: 'movenet-multipose', threshold: 0.3, out: 'out' };
 * ```
 */
export interface TaskSettings {
  model?: string | ModelSpec;
  backend?: TfjsBackendName;
  threshold?: number;
  top?: number;
  out?: string;
}

/** Keypoints scoring below this are neither listed nor drawn. */
const KEYPOINT_THRESHOLD = 0.3;

const ms = (t: number): string => `${t.toFixed(0)} ms`;
const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;

async function detectTask(s: TaskSettings): Promise<CliTask> {
  const p = await pipeline('object-detection', { model: s.model, backend: s.backend, threshold: s.threshold });
  return {
    backend: p.runner.backend,
    async run(image, outName) {
      const result = await p.run(image);
      const output = s.out ? await writeAnnotatedImage(image, result.detections, s.out, outName) : undefined;
      const lines = [`${image}: ${result.detections.length} objects (${ms(result.timing.total)}, ${p.runner.backend})`, ...result.detections.map(detectionRow)];
      return { lines, result, output };
    },
    dispose: () => p.dispose(),
  };
}

async function classifyTask(s: TaskSettings): Promise<CliTask> {
  const p = await pipeline('image-classification', { model: s.model, backend: s.backend, threshold: s.threshold, topK: s.top ?? 3 });
  return {
    backend: p.runner.backend,
    async run(image) {
      const result = await p.run(image);
      return { lines: [`${image}: (${ms(result.timing.total)}, ${p.runner.backend})`, ...result.classes.map(classRow)], result };
    },
    dispose: () => p.dispose(),
  };
}

function closeMasks(r: ImageSegmentationResult): void {
  r.categoryMask?.close();
  r.confidenceMasks?.forEach((m) => m.close());
}

/** Shares by label: of the label map, or of pixels whose probability reaches `threshold`. */
function segmentShares(r: ImageSegmentationResult, threshold: number | undefined): Record<string, number> {
  if (threshold === undefined || !r.confidenceMasks) return labelShares(r.categoryMask?.toUint8Array() ?? new Uint8Array(), r.labels);
  return Object.fromEntries(
    r.confidenceMasks.map((mask, i) => {
      const values = mask.toFloat32Array();
      let count = 0;
      for (const v of values) if (v >= threshold) count++;
      return [r.labels[i], count / Math.max(1, values.length)];
    }),
  );
}

async function segmentTask(s: TaskSettings): Promise<CliTask> {
  const p = await pipeline('image-segmentation', { model: s.model, backend: s.backend });
  return {
    backend: p.runner.backend,
    async run(image, outName) {
      const r = await p.run(image, { outputCategoryMask: true, outputConfidenceMasks: s.threshold !== undefined });
      try {
        const shares = segmentShares(r, s.threshold);
        const output = s.out && r.categoryMask ? await writeMaskOverlay(image, [r.categoryMask], s.out, outName) : undefined;
        const named = Object.entries(shares).filter(([label]) => label !== 'background');
        const summary = named.map(([label, share]) => `${label} ${pct(share)}`).join(', ');
        const lines = [`${image}: ${summary} of pixels (${r.imageSize.width}×${r.imageSize.height}, ${ms(r.timing.total)}, ${p.runner.backend})`];
        return { lines, result: { labels: r.labels, shares, imageSize: r.imageSize, timing: r.timing }, output };
      } finally {
        closeMasks(r);
      }
    },
    dispose: () => p.dispose(),
  };
}

async function poseTask(s: TaskSettings): Promise<CliTask> {
  const p = await pipeline('pose-estimation', { model: s.model, backend: s.backend, threshold: s.threshold });
  return {
    backend: p.runner.backend,
    async run(image, outName) {
      const result = await p.run(image);
      const output = s.out ? await writePoseImage(image, result.poses, s.out, outName, KEYPOINT_THRESHOLD) : undefined;
      const header = `${image}: ${result.poses.length} ${result.poses.length === 1 ? 'person' : 'people'} (${ms(result.timing.total)}, ${p.runner.backend})`;
      return { lines: [header, ...result.poses.flatMap((pose, i) => poseRows(pose, i, KEYPOINT_THRESHOLD))], result, output };
    },
    dispose: () => p.dispose(),
  };
}

const TASKS: Readonly<Record<CliCommand, (s: TaskSettings) => Promise<CliTask>>> = Object.freeze({
  detect: detectTask,
  classify: classifyTask,
  segment: segmentTask,
  pose: poseTask,
});

/**
 * Loads the model of a CLI command (`detect`, `classify`, `segment`, `pose`).
 *
 * @example
 * ```ts
 * const task = await createCliTask('segment', { model: 'meet-segmentation', out: 'out' });
 * ```
 */
export function createCliTask(command: CliCommand, settings: TaskSettings): Promise<CliTask> {
  return TASKS[command](settings);
}
