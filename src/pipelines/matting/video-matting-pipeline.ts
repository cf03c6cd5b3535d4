import { VisionError } from '../../core/errors';
import { optionalBoolean } from '../../core/optional-boolean';
import type { ImageInput } from '../../core/image-input';
import { Mask } from '../../core/mask';
import { recycleOnClose } from '../../core/mask-recycling';
import { RgbaImage } from '../../core/rgba-image';
import { MODEL_CATALOG } from '../../models/catalog';
import type { RecurrentMattingSpec } from '../../models/matting-cards';
import type { ModelSpec, TaskName } from '../../models/model-spec';
import { SELFIE_SEGMENTATION, type SegmentationModelSpec } from '../../models/segmentation-cards';
import type { ModelRunner } from '../../runtime/model-runner';
import { disposeOnFailure } from '../shared/dispose-on-failure';
import { withMapOutput } from '../shared/map-output';
import { checkSegmentationHead, checkWholeImageInput } from '../segmentation/segmentation-card-check';
import { ModelPipeline } from '../shared/model-pipeline';
import { definedOnly, optionsObject, runOptionsObject } from '../shared/options';
import { isOptionsObject, shownValue } from '../../core/shown-value';
import { BASE_PIPELINE_OPTION_NAMES, type Pipeline } from '../shared/pipeline-options';
import { optionNames } from '../../core/known-options';
import { catalogueIdsFor, isModelRunner, resolveModel } from '../shared/resolve-model';
import type { MatteOutput, VideoMattingOptions, VideoMattingResult, VideoMattingRunOptions } from './matting-types';
import { DEFAULT_MATTE_SMOOTHING, PersonMatting, checkMatteSmoothing, resolveRefine } from './person-matting';
import { DEFAULT_MAX_INPUT_SIDE, RecurrentMatting, checkMaxInputSide } from './recurrent-matting';

const RUN_OPTION_NAMES = /* @__PURE__ */ optionNames<VideoMattingRunOptions>()(['refine', 'downsampleRatio', 'outputForeground']);
const OPTION_NAMES = /* @__PURE__ */ optionNames<VideoMattingOptions>()([...BASE_PIPELINE_OPTION_NAMES, ...RUN_OPTION_NAMES, 'spec', 'smoothing', 'maxInputSide']);

/** Run options checked, whatever the model (those it does not use too). */
function checkRunOptions(options: VideoMattingRunOptions): VideoMattingRunOptions {
  runOptionsObject(options, RUN_OPTION_NAMES);
  const { refine, downsampleRatio } = options;
  if (refine !== undefined && refine !== false && !isOptionsObject(refine)) {
    throw new VisionError('INVALID_OPTION', `refine is ${shownValue(refine)}; it must be guided-filter options ({ radius, epsilon, maxSide, gridSide }, {} for the defaults) or false`);
  }
  if (refine) resolveRefine(refine);
  if (downsampleRatio !== undefined && !(typeof downsampleRatio === 'number' && downsampleRatio > 0 && downsampleRatio <= 1)) {
    throw new VisionError('INVALID_OPTION', `downsampleRatio is ${shownValue(downsampleRatio)}; it must be a number in (0, 1]`);
  }
  optionalBoolean(options.outputForeground, 'outputForeground');
  return options;
}

/** Every option checked, also those the chosen model does not use (a typo fails whatever the model). */
function checkMattingOptions(defaults: VideoMattingRunOptions, options: Pick<VideoMattingOptions, 'smoothing' | 'maxInputSide'>): void {
  checkRunOptions(defaults);
  if (options.smoothing !== undefined) checkMatteSmoothing(options.smoothing);
  if (options.maxInputSide !== undefined) checkMaxInputSide(options.maxInputSide);
}

function isRecurrentSpec(spec: ModelSpec): spec is RecurrentMattingSpec {
  const m = (spec as RecurrentMattingSpec).matting;
  return typeof m === 'object' && m !== null && Array.isArray(m.statesIn) && Array.isArray(m.statesOut);
}

/**
 * Video matting: an alpha matte (1 = person) at the frame's size, and the foreground colours
 * where the model gives them. Create it with `pipeline('video-matting', options)`.
 *
 * - Default: MediaPipe Selfie (or Meet) person segmentation, Apache-2.0 — the person
 *   probability refined with a guided filter on the frame; `runForVideo` also blends unsure
 *   pixels with the previous frame's matte (MediaPipe's segmentation smoothing).
 * - Opt-in `rvm` (Robust Video Matting, **GPL-3.0** upstream): a true matte and foreground;
 *   `runForVideo` carries its four recurrent states frame to frame (freed by `reset()`,
 *   `dispose()` and a change of frame size), `downsample_ratio` chosen from the frame size.
 *
 * @example
 * ```ts
 * const matting = await pipeline('video-matting'); // Selfie
 * ctx.drawImage(videoFrame, 0, 0); // the frame on the canvas, then its background blurred
 * const { alpha } = await matting.runForVideo(videoFrame, performance.now());
 * drawBackgroundBlur(ctx, alpha, { radius: 12 });
 * alpha.close();
 * ```
 */
export class VideoMattingPipeline extends ModelPipeline implements Pipeline<VideoMattingRunOptions, VideoMattingResult> {
  readonly task = 'video-matting';
  private readonly person?: PersonMatting;
  private readonly recurrent?: RecurrentMatting;

  constructor(
    spec: ModelSpec,
    runner: ModelRunner,
    ownsRunner: boolean,
    private readonly defaults: VideoMattingRunOptions,
    options: Pick<VideoMattingOptions, 'smoothing' | 'maxInputSide'> = {},
  ) {
    super(spec, runner, ownsRunner);
    checkMattingOptions(defaults, options);
    if (isRecurrentSpec(spec)) this.recurrent = new RecurrentMatting(spec, runner, options.maxInputSide ?? DEFAULT_MAX_INPUT_SIDE);
    else this.person = new PersonMatting(spec as SegmentationModelSpec, runner, options.smoothing === undefined ? DEFAULT_MATTE_SMOOTHING : options.smoothing);
  }

  /** Whether this pipeline's model is recurrent (RVM) and so returns a foreground. @example `if (matting.isRecurrent) draw(result.foreground!);` */
  get isRecurrent(): boolean {
    return this.recurrent !== undefined;
  }

  private async matte(input: ImageInput, options: VideoMattingRunOptions, video: boolean): Promise<VideoMattingResult> {
    this.assertUsable();
    const merged: VideoMattingRunOptions = { ...definedOnly(this.defaults), ...definedOnly(checkRunOptions(options)) };
    const out: MatteOutput = this.recurrent
      ? await this.recurrent.matte(input, { video, foreground: merged.outputForeground ?? true, downsampleRatio: merged.downsampleRatio })
      : await this.person!.matte(input, { video, refine: merged.refine ?? {} });
    const { width, height } = out;
    const alpha = Mask.create('probability', width, height, out.alpha);
    if (out.recycle) recycleOnClose(alpha, out.recycle);
    const result: VideoMattingResult = { alpha, imageSize: { width, height }, timing: out.timing };
    if (out.foreground) result.foreground = RgbaImage.create(width, height, out.foreground);
    if (out.downsampleRatio !== undefined) result.downsampleRatio = out.downsampleRatio;
    return result;
  }

  /**
   * The matte of one image, on its own (no state is read or kept).
   *
   * @throws VisionError `INVALID_INPUT` (bad image), `INVALID_OPTION`, `DISPOSED`.
   * @example
   * ```ts
   * const { alpha } = await matting.run(photo, { refine: { radius: 8 } });
   * ```
   */
  run(input: ImageInput, options: VideoMattingRunOptions = {}): Promise<VideoMattingResult> {
    return this.matte(input, options, false);
  }

  /**
   * Video mode: the matte of one frame of a stream, using what the previous frames left — RVM's
   * recurrent states, or the previous matte for temporal smoothing. A new frame size starts
   * over. {@link reset} starts over too (call it on a new video). The timestamp must be a finite
   * number; matting does not use time (frames are blended in the order they come), so unlike
   * the tracking tasks it need not increase. Overlapping calls (frames sent without awaiting the
   * previous one) are matted one after another, in the order they were made.
   *
   * @throws VisionError `INVALID_INPUT` (bad frame or timestamp), `INVALID_OPTION`, `DISPOSED`.
   * @example
   * ```ts
   * const { alpha, foreground } = await matting.runForVideo(videoFrame, performance.now());
   * ```
   */
  runForVideo(input: ImageInput, timestampMs: number, options: VideoMattingRunOptions = {}): Promise<VideoMattingResult> {
    if (!Number.isFinite(timestampMs)) return Promise.reject(new VisionError('INVALID_INPUT', `timestampMs must be a finite number; got ${shownValue(timestampMs)}`));
    return this.matte(input, options, true);
  }

  /** Forgets video-mode state (frees RVM's recurrent tensors). @example `matting.reset();` */
  reset(): void {
    this.recurrent?.reset();
    this.person?.reset();
  }

  /** Frees the model (unless passed in ready-made) and the recurrent state. @example `matting.dispose();` */
  override dispose(): void {
    this.recurrent?.dispose();
    this.person?.dispose();
    super.dispose();
  }
}

/** The task a `model` option's card is for: matting cards, or person-segmentation cards reused for matting. */
function cardTask(options: VideoMattingOptions): TaskName {
  const model = options.model ?? SELFIE_SEGMENTATION;
  if (typeof model === 'string' && !Object.hasOwn(MODEL_CATALOG, model)) {
    const isPersonCard = (id: string): boolean => MODEL_CATALOG[id].task === 'video-matting' || (MODEL_CATALOG[id].family === 'semantic' && MODEL_CATALOG[id].labels.includes('person'));
    const usable = catalogueIdsFor(['video-matting', 'image-segmentation']).filter(isPersonCard);
    throw new VisionError('INVALID_OPTION', `unknown model '${model}'; video matting takes ${usable.join(', ')}, or a matting / person-segmentation card`);
  }
  const card = isModelRunner(model) ? options.spec : typeof model === 'string' ? MODEL_CATALOG[model] : model;
  const task = card && typeof card === 'object' ? card.task : 'video-matting';
  if (task !== 'video-matting' && task !== 'image-segmentation') {
    throw new VisionError('INVALID_OPTION', `model '${card?.id}' is for ${task}; video matting takes a matting card (rvm) or a person-segmentation card (selfie-segmentation, meet-segmentation)`);
  }
  return task;
}

/**
 * Creates a video-matting pipeline. `model`: `selfie-segmentation` (default),
 * `meet-segmentation`, `rvm` (opt-in, GPL-3.0 upstream), a card, or a ready runner with `spec`.
 *
 * @example
 * ```ts
 * const matting = await createVideoMattingPipeline({ model: 'rvm', backend: 'wasm' });
 * ```
 */
export async function createVideoMattingPipeline(options: VideoMattingOptions = {}): Promise<VideoMattingPipeline> {
  optionsObject(options, 'video-matting options', OPTION_NAMES);
  const { refine, downsampleRatio, outputForeground } = options;
  checkMattingOptions({ refine, downsampleRatio, outputForeground }, options);
  const task = cardTask(options);
  const model = await resolveModel(task, SELFIE_SEGMENTATION.id, { ...options, model: options.model ?? SELFIE_SEGMENTATION }, options.spec);
  return disposeOnFailure([model], () => {
    const { runner, ownsRunner } = model;
    const spec = model.spec.task === 'image-segmentation' ? withMapOutput(model.spec, runner, 'video matting') : model.spec;
    if (spec.task === 'image-segmentation' && spec.family !== 'semantic') {
      throw new VisionError('INVALID_OPTION', `model '${spec.id}' is a ${spec.family} model; video matting takes a semantic person-segmentation card`);
    }
    if (spec.task === 'video-matting' && !isRecurrentSpec(spec)) {
      throw new VisionError('INVALID_OPTION', `model '${spec.id}' has no 'matting' head (input, ratio, state and output names); see RVM_MOBILENETV3`);
    }
    checkWholeImageInput(spec, 'video-matting');
    if (spec.task === 'image-segmentation') checkSegmentationHead(spec.id, (spec as SegmentationModelSpec).segmentation);
    return new VideoMattingPipeline(spec, runner, ownsRunner, { refine, downsampleRatio, outputForeground }, options);
  });
}
