import { pipeline } from '../../pipeline';
import type { ImageSegmentationResult } from '../../pipelines/segmentation/segmentation-types';
import { drawCaption } from '../../render/caption';
import { drawDetections } from '../../render/detections';
import { drawKeypoints } from '../../render/keypoints';
import { drawMasks } from '../../render/masks';
import { colorFor } from '../../render/colors';
import { drawHands } from '../../render/hands';
import { loadBuiltInGestures } from '../../training/gestures/builtin-gestures';
import type { CliCommand } from './args';
import { createCaptionTask } from './caption-task';
import { createMatteTask } from './matte-task';
import { modelCardFile } from './model-arg';
import { createFaceTask } from './face-task';
import { classRow, detectionRow, handRows, labelShares, poseRows } from './format';
import { type Analysis, CLI_MAX_PEOPLE, type CliTask, type TaskSettings } from './task-types';

/** Keypoints scoring below this are neither listed nor drawn. */
const KEYPOINT_THRESHOLD = 0.3;

const ms = (t: number): string => `${t.toFixed(0)} ms`;
const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;

async function detectTask(s: TaskSettings): Promise<CliTask> {
  const p = await pipeline('object-detection', { model: s.model, backend: s.backend, threshold: s.threshold, tracker: { trackBuffer: s.trackBuffer } });
  return {
    backend: p.runner.backend,
    suffix: 'annotated',
    takesVideo: true,
    async analyse(input, timestampMs) {
      const result = timestampMs === undefined ? await p.run(input) : await p.runForVideo(input, timestampMs);
      const { detections } = result;
      return {
        summary: `${detections.length} ${detections.length === 1 ? 'object' : 'objects'} (${ms(result.timing.total)}, ${p.runner.backend})`,
        rows: detections.map(detectionRow),
        result,
        draw: (ctx, imageSize) => void drawDetections(ctx, detections, { imageSize }),
      };
    },
    reset: () => p.reset(),
    dispose: () => p.dispose(),
  };
}

async function classifyTask(s: TaskSettings): Promise<CliTask> {
  const options = { backend: s.backend, threshold: s.threshold, topK: s.top ?? 3 };
  const { classifier } = s;
  let p;
  try {
    p = classifier ? await pipeline('image-classification', { ...options, model: classifier.runner, spec: classifier.spec }) : await pipeline('image-classification', { ...options, model: s.model });
  } catch (error) {
    classifier?.dispose();
    throw error;
  }
  return {
    backend: p.runner.backend,
    suffix: 'annotated',
    takesVideo: true,
    async analyse(input) {
      const result = await p.run(input);
      const top = result.classes.map((c) => `${c.label} ${c.score.toFixed(2)}`).join(', ');
      return {
        summary: `(${ms(result.timing.total)}, ${p.runner.backend})`,
        rows: result.classes.map(classRow),
        result,
        draw: (ctx) => void drawCaption(ctx, top, { position: 'top', maxLines: 1 }),
      };
    },
    reset() {},
    dispose() {
      p.dispose();
      classifier?.dispose();
    },
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

/** Whether a label names the background (`background`, torchvision's `__background__`, `bg`, any case): left untinted and unlisted. */
const isBackground = (label: string | undefined): boolean => label !== undefined && /^[\s_-]*(background|bg)[\s_-]*$/i.test(label);

/** The overlay's colour per category: the printed shares' classes (all but the background, at any index), in their label colour. */
const shownCategories = (labels: readonly string[]) => (c: number): string | undefined => (isBackground(labels[c]) ? undefined : colorFor(c));

async function segmentTask(s: TaskSettings): Promise<CliTask> {
  const p = await pipeline('image-segmentation', { model: s.model, backend: s.backend });
  return {
    backend: p.runner.backend,
    suffix: 'mask',
    takesVideo: true,
    async analyse(input) {
      const r = await p.run(input, { outputCategoryMask: true, outputConfidenceMasks: s.threshold !== undefined });
      try {
        const shares = segmentShares(r, s.threshold);
        const named = Object.entries(shares).filter(([label]) => !isBackground(label));
        const summary = `${named.map(([label, share]) => `${label} ${pct(share)}`).join(', ')} of pixels (${r.imageSize.width}×${r.imageSize.height}, ${ms(r.timing.total)}, ${p.runner.backend})`;
        // with --threshold the overlay shows the pixels the shares count: each label's probability at or above it
        const thresholded = s.threshold !== undefined && r.confidenceMasks ? r.confidenceMasks.flatMap((mask, classId) => (isBackground(r.labels[classId]) ? [] : [{ mask, classId }])) : undefined;
        const mask = r.categoryMask;
        const draw: Analysis['draw'] = thresholded
          ? (ctx, imageSize, createCanvas) => void drawMasks(ctx, thresholded, { imageSize, opacity: 0.55, threshold: s.threshold, createCanvas })
          : mask
            ? (ctx, imageSize, createCanvas) => void drawMasks(ctx, [mask], { imageSize, opacity: 0.55, createCanvas, categoryColor: shownCategories(r.labels) })
            : undefined;
        return {
          summary,
          rows: [],
          result: { labels: r.labels, shares, imageSize: r.imageSize, timing: r.timing },
          draw,
          release: () => closeMasks(r),
        };
      } catch (error) {
        closeMasks(r);
        throw error;
      }
    },
    reset() {},
    dispose: () => p.dispose(),
  };
}

async function poseTask(s: TaskSettings): Promise<CliTask> {
  const p = await pipeline('pose-estimation', { model: s.model, backend: s.backend, threshold: s.threshold, tracker: { trackBuffer: s.trackBuffer } });
  return {
    backend: p.runner.backend,
    suffix: 'pose',
    takesVideo: true,
    async analyse(input, timestampMs) {
      const result = timestampMs === undefined ? await p.run(input) : await p.runForVideo(input, timestampMs);
      const { poses } = result;
      return {
        summary: `${poses.length} ${poses.length === 1 ? 'person' : 'people'} (${ms(result.timing.total)}, ${p.runner.backend})`,
        rows: poses.flatMap((pose, i) => poseRows(pose, i, KEYPOINT_THRESHOLD)),
        result,
        draw: (ctx, imageSize) => void drawKeypoints(ctx, poses, { imageSize, threshold: KEYPOINT_THRESHOLD }),
      };
    },
    reset: () => p.reset(),
    dispose: () => p.dispose(),
  };
}

/** Hands with the built-in gesture classifier's answer for each (`gesture`: label and score). */
async function handsTask(s: TaskSettings): Promise<CliTask> {
  const p = await pipeline('hand-landmarks', { model: s.model, backend: s.backend, threshold: s.threshold, detector: s.handDetector, maxHands: s.max ?? CLI_MAX_PEOPLE });
  const gestures = await loadBuiltInGestures().catch((error: unknown) => {
    p.dispose();
    throw error;
  });
  return {
    backend: p.runner.backend,
    suffix: 'hands',
    takesVideo: true,
    async analyse(input, timestampMs) {
      const result = timestampMs === undefined ? await p.run(input) : await p.runForVideo(input, timestampMs);
      const found = await gestures.classifyMany(result.hands);
      const hands = result.hands.map((hand, i) => ({ ...hand, gesture: { label: found[i].label, score: found[i].score } }));
      return {
        summary: `${hands.length} ${hands.length === 1 ? 'hand' : 'hands'} (${ms(result.timing.total)}, ${p.runner.backend})`,
        rows: hands.flatMap((hand, i) => handRows(hand, i, hand.gesture)),
        result: { ...result, hands },
        draw: (ctx, imageSize) => void drawHands(ctx, hands, { imageSize }),
      };
    },
    reset: () => p.reset(),
    dispose: () => {
      p.dispose();
      gestures.dispose();
    },
  };
}

/**
 * The CLI commands that run a task model over inputs (all but `train`, `embed` and `search`).
 *
 * @example
 * ```ts
 * const command: TaskCommand = 'caption';
 * ```
 */
export type TaskCommand = Exclude<CliCommand, 'train' | 'embed' | 'search' | 'map'>;

const TASKS: Readonly<Record<TaskCommand, (s: TaskSettings) => Promise<CliTask>>> = Object.freeze({
  detect: detectTask,
  classify: classifyTask,
  segment: segmentTask,
  pose: poseTask,
  hands: handsTask,
  face: createFaceTask,
  caption: createCaptionTask,
  matte: createMatteTask,
});

/**
 * Loads the model of a CLI command (`detect`, `classify`, `segment`, `pose`, `hands`, `caption`,
 * `face`, `matte`). A model read from a card file lists that file in the task's `reads`.
 *
 * @example
 * ```ts
 * const task = await createCliTask('segment', { model: 'meet-segmentation' });
 * ```
 */
export async function createCliTask(command: TaskCommand, settings: TaskSettings): Promise<CliTask> {
  const task = await TASKS[command](settings);
  const card = modelCardFile(settings.model);
  return card === undefined ? task : { ...task, reads: [...(task.reads ?? []), card] };
}
