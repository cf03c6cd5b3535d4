import type { ImageInput } from '../../core/image-input';
import type { ModelSpec } from '../../models/model-spec';
import type { TfjsBackendName } from '../../runtime/tfjs-backend';
import type { FaceDetectorName, HandDetectorName } from './args';
import type { AnnotationDraw } from '../annotate';
import type { LoadedClassifier } from '../classifier-folder';

/**
 * What a CLI task makes of one image or video frame: a one-line summary, table rows, the
 * JSON `result`, how to draw it (for `--out`), and what to free once drawn.
 *
 * @example
 * ```ts
 * const { summary, rows } = await task.analyse('photo.jpg');
 * console.log(`photo.jpg: ${summary}`, ...rows);
 * ```
 */
export interface Analysis {
  summary: string;
  rows: string[];
  result: unknown;
  draw?: AnnotationDraw;
  /** Frees what `draw` still needed (masks). */
  release?: () => void;
}

/**
 * A loaded model behind one CLI command: analyses images (or, with a timestamp, video frames
 * in the pipeline's video mode), then is disposed.
 *
 * @example
 * ```ts
 * const task = await createCliTask('pose', {});
 * try { console.log((await task.analyse('photo.jpg')).summary); } finally { task.dispose(); }
 * ```
 */
export interface CliTask {
  /** The backend the model runs on (`wasm`, `cpu`, …). */
  readonly backend: string;
  /** Annotated images are written as `<name>.<suffix>.png`. */
  readonly suffix: string;
  /** Whether the task takes video files. */
  readonly takesVideo: boolean;
  /** Files it reads besides the inputs (a `--background` image, a `--model` card): no output lands on them. */
  readonly reads?: readonly string[];
  /** With `timestampMs`, runs the pipeline's video mode (tracking, smoothing) where it has one. */
  analyse(input: ImageInput, timestampMs?: number): Promise<Analysis>;
  /** Forgets video-mode state before the next video. */
  reset(): void;
  dispose(): void;
}

/**
 * The most hands (`visionpipe hands`) or faces (`visionpipe face`) per image or frame when
 * `--max` is not given: a photo of a group shows more than the pipelines' default of 2 hands.
 *
 * @example
 * ```ts
 * pipeline('hand-landmarks', { maxHands: settings.max ?? CLI_MAX_PEOPLE });
 * ```
 */
export const CLI_MAX_PEOPLE = 10;

/**
 * The options a CLI command builds its pipeline from.
 *
 * @example
 * ```ts
 * const settings: TaskSettings = { model: 'movenet-multipose', threshold: 0.3 };
 * ```
 */
export interface TaskSettings {
  model?: string | ModelSpec;
  /** classify: a trained classifier folder instead of `model`. */
  classifier?: LoadedClassifier;
  backend?: TfjsBackendName;
  threshold?: number;
  top?: number;
  /** caption: longest caption and beam width. */
  maxTokens?: number;
  beams?: number;
  /** matte: `blur` (default), a CSS colour, or an image file put behind the person. */
  background?: string;
  /** hands: `handtrack` (default) or `palm`. */
  handDetector?: HandDetectorName;
  /** face: `full` (default) or `short`. */
  faceDetector?: FaceDetectorName;
  /** hands, face: the most hands or faces per image or frame (default 10). */
  max?: number;
  /** detect, pose: the tracker's `trackBuffer` in videos (frames at 30 fps); default the tracker's 30. */
  trackBuffer?: number;
}
