import { VisionError } from '../core/errors';
import { checkOptionsObject, optionNames } from '../core/known-options';
import { shownValue } from '../core/shown-value';
import type { ModelLocation, ModelSpec } from './model-spec';

/** YOLO export generations: `v8` covers v8/v9/v11 anchor-free heads; `end2end` the NMS-free v10/YOLO26 exports. @example `const v: YoloVersion = 'v8';` */
export type YoloVersion = 'v5' | 'v8' | 'v11' | 'end2end';

/**
 * What {@link yoloModel} needs to describe an Ultralytics/YOLOv5 export.
 *
 * @example
 * ```ts
 * const card = yoloModel({ url: '/models/yolo11n.onnx', version: 'v11' });
 * ```
 */
export interface YoloCardOptions {
  /** Where the export is (URL or, in Node, a path), or a full location. */
  url?: string;
  location?: ModelLocation;
  version: YoloVersion;
  /** Square input size the model was exported with (default 640). */
  inputSize?: number;
  /** Class names; default: read from the ONNX metadata (`names`) that Ultralytics writes. */
  labels?: readonly string[];
  /** `onnx` (NCHW) or `tfjs` (Ultralytics' TF.js export: NHWC). Default `onnx`. */
  format?: 'onnx' | 'tfjs';
  id?: string;
  /** Values after the class scores (32 for -seg); default: found from the output shape. */
  numExtras?: number;
  /**
   * Which axis of the output holds each candidate's vector (v5/v8/v11; not `end2end`):
   * `'channels-first'` `[1, 4+C, N]` or `'channels-last'` `[1, N, 4+C]`. Default: from the
   * output shape; a square output (`[1, 84, 84]` at `inputSize` 64) is read as the version
   * exports it (channels-last for v5, channels-first otherwise).
   */
  layout?: 'channels-first' | 'channels-last';
  /** SPDX licence of the weights (default `NOASSERTION`; Ultralytics' own weights are `AGPL-3.0`). */
  license?: string;
  /** Where the weights come from (shown by the CLI). */
  source?: string;
}

const YOLO_VERSIONS: readonly YoloVersion[] = ['v5', 'v8', 'v11', 'end2end'];
/** Every option {@link yoloModel} takes (a misspelt `inputsize` made a 640 card whose size error named no option). */
const YOLO_OPTION_NAMES = /* @__PURE__ */ optionNames<YoloCardOptions>()(['url', 'location', 'version', 'inputSize', 'labels', 'format', 'id', 'numExtras', 'layout', 'license', 'source']);

/**
 * `INVALID_OPTION` for options that are not an object, a name `names` lacks, or a `version`
 * (required where `versions` has no `undefined`) not in `versions`.
 *
 * @example
 * ```ts
 * checkYoloOptions(options, 'yoloModel', YOLO_OPTION_NAMES, ['v5', 'v8', 'v11', 'end2end']);
 * ```
 */
export function checkYoloOptions(options: unknown, owner: string, names: readonly string[], versions: readonly (string | undefined)[]): void {
  if (options === undefined) throw new VisionError('INVALID_OPTION', `${owner} needs options { url, version }`);
  checkOptionsObject(options, owner, names);
  const { version } = options as { version?: unknown };
  if (!versions.includes(version as string | undefined)) {
    throw new VisionError('INVALID_OPTION', `${owner}: version is ${shownValue(version)}; allowed: ${versions.filter((v) => v !== undefined).map((v) => `'${v}'`).join(', ')}`);
  }
}

/**
 * Builds the model card of a YOLO export with Ultralytics' conventions: letterbox to a square
 * input padded with 114, RGB scaled to 0–1, NCHW for ONNX (NHWC for tfjs), confidence 0.25,
 * IoU 0.7 (0.45 for v5), at most 300 detections.
 *
 * @example
 * ```ts
 * const detector = await pipeline('object-detection', { model: yoloModel({ url: 'yolov8n.onnx', version: 'v8' }) });
 * ```
 */
export function yoloModel(options: YoloCardOptions): ModelSpec {
  checkYoloOptions(options, 'yoloModel', YOLO_OPTION_NAMES, YOLO_VERSIONS);
  const location = options.location ?? (options.url ? { url: options.url } : undefined);
  if (!location) throw new VisionError('INVALID_OPTION', 'yoloModel needs url or location');
  const size = options.inputSize ?? 640;
  if (!Number.isInteger(size) || size <= 0 || size % 32 !== 0) {
    throw new VisionError('INVALID_OPTION', `inputSize is ${size}; YOLO inputs are positive multiples of 32`);
  }
  const family = options.version === 'v5' ? 'yolov5' : options.version === 'end2end' ? 'yolo-end2end' : 'yolov8';
  const { layout, numExtras } = options;
  if (layout !== undefined && (options.version === 'end2end' || (layout !== 'channels-first' && layout !== 'channels-last'))) {
    throw new VisionError(
      'INVALID_OPTION',
      options.version === 'end2end'
        ? `yoloModel: layout does not apply to end-to-end exports ([1, N, 6]); leave it out`
        : `yoloModel: layout must be 'channels-first' or 'channels-last'; got ${shownValue(layout)}`,
    );
  }
  const head = { ...(numExtras === undefined ? {} : { numExtras }), ...(layout === undefined ? {} : { layout }) };
  const format = options.format ?? 'onnx';
  return {
    id: options.id ?? `yolo-${options.version}`,
    task: 'object-detection',
    family,
    format,
    location,
    input: { width: size, height: size, fit: 'letterbox', padValue: 114, normalization: 'unit', layout: format === 'onnx' ? 'nchw' : 'nhwc' },
    labels: options.labels ?? [],
    head: Object.keys(head).length === 0 ? undefined : head,
    defaults: { threshold: 0.25, iouThreshold: options.version === 'v5' ? 0.45 : 0.7, maxDetections: 300 },
    license: options.license ?? 'NOASSERTION',
    source: options.source ?? 'your Ultralytics YOLO export (Ultralytics weights are AGPL-3.0)',
  };
}
