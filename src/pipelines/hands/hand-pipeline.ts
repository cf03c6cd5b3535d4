import { smoothingSettings } from '../shared/smoothing-settings';
import { optionalBoolean } from '../../core/optional-boolean';
import { VisionError } from '../../core/errors';
import type { ImageInput } from '../../core/image-input';
import { HANDLANDMARK_FULL, HAND_MODEL_CARDS, type HandModelSpec, PALM_DETECTOR } from '../../models/hand-cards';
import { HAND_KEYPOINT_NAMES } from '../../postprocess/hands/hand-keypoints';
import { iou } from '../../postprocess/nms/iou';
import { rotatedRegionBounds } from '../../preprocess/rotated-region';
import { type OpenFrame, openFrame } from '../../preprocess/sampling/open-frame';
import type { ModelRunner } from '../../runtime/model-runner';
import { disposeOnFailure } from '../shared/dispose-on-failure';
import { ModelPipeline } from '../shared/model-pipeline';
import { definedOnly, optionsObject, runOptionsObject, positiveInteger, unitInterval } from '../shared/options';
import { shownValue } from '../../core/shown-value';
import { BASE_PIPELINE_OPTION_NAMES, type Pipeline } from '../shared/pipeline-options';
import { optionNames } from '../../core/known-options';
import { resolveModel } from '../shared/resolve-model';
import { ownEntry } from '../../core/own-entry';
import { now } from '../shared/run-stages';
import { VideoClock } from '../shared/video-clock';
import { DEFAULT_WORLD_SMOOTHING, type OneEuroOptions } from '../../track/one-euro';
import { type HandDetection, type SourceHand, type StageClock, detectHands, landmarkHand } from './hand-stages';
import type { Hand, HandLandmarkOptions, HandResult, HandRunOptions, HandWorldKeypoint } from './hand-types';
import { DEFAULT_HAND_SMOOTHING, type FollowedHand, HandVideoState, SAME_HAND_OVERLAP, sameHandRegion } from './hand-video';
import { nextHandRegion, rotatedHandRegion } from './next-hand-region';
import { detectPalms } from './palm-stage';

const RUN_OPTION_NAMES = /* @__PURE__ */ optionNames<HandRunOptions>()(['threshold', 'presenceThreshold', 'maxHands', 'iouThreshold']);
const OPTION_NAMES = /* @__PURE__ */ optionNames<HandLandmarkOptions>()([...BASE_PIPELINE_OPTION_NAMES, ...RUN_OPTION_NAMES, 'spec', 'detector', 'smoothing', 'worldSmoothing', 'detectorInterval', 'rotateCrops']);

/** Frames smaller than this (either side, pixels) have no hands. */
const MIN_IMAGE_SIZE = 16;

interface ResolvedHandOptions {
  threshold: number;
  presenceThreshold: number;
  maxHands: number;
  iouThreshold: number;
}

function checkDetector(detector: unknown): 'handtrack' | 'palm' {
  if (detector === undefined || detector === 'handtrack' || detector === 'palm') return detector ?? 'handtrack';
  throw new VisionError('INVALID_OPTION', `detector is ${shownValue(detector)}; allowed: 'handtrack' (default) or 'palm'`);
}

function isHandSpec(spec: unknown): spec is HandModelSpec {
  const s = spec as HandModelSpec;
  return typeof spec === 'object' && spec !== null && s.task === 'hand-landmarks' && typeof s.hand === 'object' && s.hand !== null && typeof s.hand.detector === 'object';
}

/** Named points from 21 × (x, y, z) values. */
const named = (values: Float32Array): HandWorldKeypoint[] => HAND_KEYPOINT_NAMES.map((name, k) => ({ x: values[k * 3], y: values[k * 3 + 1], z: values[k * 3 + 2], name }));

/** The box the keypoints span. */
function extentOf(keypoints: readonly { x: number; y: number }[]): Hand['box'] {
  const xs = keypoints.map((k) => k.x);
  const ys = keypoints.map((k) => k.y);
  return { x1: Math.min(...xs), y1: Math.min(...ys), x2: Math.max(...xs), y2: Math.max(...ys) };
}

/** A plain-data hand from source-pixel keypoints (and world keypoints when the model gave them); the box is the keypoints' extent. */
function toHand(raw: SourceHand, label: string): Hand {
  const keypoints = named(raw.keypoints);
  const right = raw.rightProbability >= 0.5;
  return {
    keypoints,
    ...(raw.world ? { worldKeypoints: named(raw.world) } : {}),
    handedness: { label: right ? 'right' : 'left', score: right ? raw.rightProbability : 1 - raw.rightProbability },
    score: raw.score,
    box: extentOf(keypoints),
    label,
  };
}

/**
 * A hand the landmark model found in a video frame: in a followed hand's crop (`track`) or in a
 * detection's (`detection`: it may continue a hand resting too small to follow, or a followed one
 * lost this frame). Its track is decided once repeats are dropped, so a repeat takes no ID.
 */
type Sighting = {
  hand: Hand;
  /** The crop that follows it into the next frame; null when it is too small to follow. */
  next: Pick<FollowedHand, 'region' | 'rotated'> | null;
} & ({ track: FollowedHand } | { detection: HandDetection });

/** A box as the 4 corner numbers the shared IoU reads. */
const corners = (b: Hand['box']): number[] => [b.x1, b.y1, b.x2, b.y2];

/**
 * The sightings without repeats of one hand: a sighting whose landmarks span the same place as an
 * earlier one's (their boxes' IoU over {@link SAME_HAND_OVERLAP}) is that hand seen again, from
 * another crop. Earlier ones win: followed hands come first, so a hand keeps its track.
 */
function withoutRepeats(sightings: readonly Sighting[]): Sighting[] {
  const kept: Sighting[] = [];
  for (const s of sightings) if (!kept.some((k) => iou(corners(k.hand.box), 0, corners(s.hand.box), 0) > SAME_HAND_OVERLAP)) kept.push(s);
  return kept;
}

const finite = (raw: SourceHand): boolean => Number.isFinite(raw.score) && raw.keypoints.every(Number.isFinite) && (raw.world?.every(Number.isFinite) ?? true);

/**
 * Hand landmarks: frame → HandTrack hand boxes → MediaPipe hand landmark model on each
 * (enlarged) box → 21 named keypoints with depth, handedness and score per hand, in source
 * pixels, and the same keypoints in metres about the hand (`worldKeypoints`, full and lite models). Create it with `pipeline('hand-landmarks', options)`. `run` treats every image on its
 * own; `runForVideo` follows each hand with the crop its landmarks give for the next frame
 * (running the detector only when no hand is followed, every `detectorInterval` frames while
 * fewer than `maxHands` are, at once when a followed hand's presence drops below
 * `presenceThreshold`, and in the next frame for a hand too small to follow, which keeps its ID) — a crop turned so that the hand stands upright in it, as
 * MediaPipe's hand landmarker does (`rotateCrops`, default on) —, gives hands stable `trackId`s
 * and smooths keypoints and world keypoints (One-Euro).
 *
 * @example
 * ```ts
 * const handLandmarker = await pipeline('hand-landmarks', { maxHands: 2 });
 * const { hands } = await handLandmarker.run(photo);
 * for (const [a, b] of HAND_CONNECTIONS) drawLine(hands[0].keypoints[a], hands[0].keypoints[b]);
 * ```
 */
export class HandLandmarkPipeline extends ModelPipeline implements Pipeline<HandRunOptions, HandResult> {
  readonly task = 'hand-landmarks';
  /** Video-mode state and clock: replaced (not cleared) by `reset()`, so a frame in flight then writes into the old ones. */
  private video: HandVideoState;
  private videoClock = new VideoClock();
  private readonly smoothing: OneEuroOptions | false;
  private readonly worldSmoothing: OneEuroOptions | false;
  private readonly detectorInterval: number;
  private readonly rotateCrops: boolean;
  private readonly palm: boolean;

  constructor(
    readonly handSpec: HandModelSpec,
    runner: ModelRunner,
    ownsRunner: boolean,
    /** The hand detector's runner. */
    readonly detector: ModelRunner,
    private readonly ownsDetector: boolean,
    private readonly defaults: HandRunOptions,
    options: Pick<HandLandmarkOptions, 'smoothing' | 'worldSmoothing' | 'detectorInterval' | 'rotateCrops' | 'detector'> = {},
  ) {
    super(handSpec, runner, ownsRunner);
    this.detectorInterval = positiveInteger(options.detectorInterval ?? 10, 'detectorInterval');
    this.smoothing = smoothingSettings(options.smoothing, DEFAULT_HAND_SMOOTHING, 'smoothing');
    this.worldSmoothing = smoothingSettings(options.worldSmoothing, DEFAULT_WORLD_SMOOTHING, 'worldSmoothing');
    this.rotateCrops = optionalBoolean(options.rotateCrops, 'rotateCrops') ?? true;
    this.palm = checkDetector(options.detector) === 'palm';
    this.video = new HandVideoState(this.smoothing, this.worldSmoothing);
    this.resolve({});
  }

  private resolve(options: HandRunOptions): ResolvedHandOptions {
    runOptionsObject(options, RUN_OPTION_NAMES);
    const merged: HandRunOptions = { ...definedOnly(this.defaults), ...definedOnly(options) };
    const maxHands = positiveInteger(merged.maxHands ?? this.handSpec.defaults?.maxDetections ?? 2, 'maxHands');
    const threshold = unitInterval(merged.threshold ?? this.handSpec.defaults?.threshold ?? 0.5, 'threshold');
    return {
      threshold,
      presenceThreshold: merged.presenceThreshold === undefined ? threshold : unitInterval(merged.presenceThreshold, 'presenceThreshold'),
      iouThreshold: unitInterval(merged.iouThreshold ?? this.handSpec.defaults?.iouThreshold ?? 0.2, 'iouThreshold'),
      maxHands,
    };
  }

  private async detect(frame: OpenFrame, options: ResolvedHandOptions, clock: StageClock): Promise<HandDetection[]> {
    if (this.palm) return detectPalms(this.detector, PALM_DETECTOR, frame, options, clock);
    const outputs = this.handSpec.hand.detector.outputs;
    if (!outputs || outputs.length !== 2) throw new VisionError('INVALID_OPTION', `hand detector '${this.handSpec.hand.detector.id}' must name two outputs: boxes, then class scores`);
    return detectHands(this.detector, outputs, frame, options, clock);
  }

  private async withFrame(input: ImageInput, work: (frame: OpenFrame, clock: StageClock) => Promise<Hand[]>): Promise<HandResult> {
    this.assertUsable();
    const started = now();
    const clock: StageClock = { preprocess: 0, inference: 0, postprocess: 0 };
    const frame = await openFrame(input);
    clock.preprocess += now() - started;
    try {
      const small = frame.width < MIN_IMAGE_SIZE || frame.height < MIN_IMAGE_SIZE;
      const hands = small ? [] : await work(frame, clock);
      return { hands, imageSize: { width: frame.width, height: frame.height }, timing: { ...clock, total: now() - started } };
    } finally {
      frame.release();
    }
  }

  /**
   * Finds the hands in one image (no state: each call stands alone), best first.
   *
   * @example
   * ```ts
   * const { hands } = await handLandmarker.run(photo, { maxHands: 4 });
   * ```
   */
  async run(input: ImageInput, options: HandRunOptions = {}): Promise<HandResult> {
    const resolved = this.resolve(options);
    return this.withFrame(input, async (frame, clock) => {
      const hands: Hand[] = [];
      for (const found of await this.detect(frame, resolved, clock)) {
        const raw = await landmarkHand(this.runner, this.handSpec, frame, found.rotated ?? found.region, clock);
        if (finite(raw) && raw.score >= resolved.presenceThreshold) hands.push(toHand(raw, found.label));
      }
      return hands.sort((a, b) => b.score - a.score);
    });
  }

  /**
   * Video mode: finds the hands in one frame of a stream, following each hand from the previous
   * frame's landmarks (see the class), with stable `trackId`s and smoothed keypoints.
   * Timestamps (ms) must increase; calls that overlap are analysed one after another, in call order. {@link reset} starts over.
   *
   * @example
   * ```ts
   * const { hands } = await handLandmarker.runForVideo(videoFrame, performance.now());
   * ```
   */
  async runForVideo(input: ImageInput, timestampMs: number, options: HandRunOptions = {}): Promise<HandResult> {
    // this frame's stream: a reset() while it is analysed starts a new one that it leaves alone
    const { video, videoClock } = this;
    const resolved = this.resolve(options);
    return videoClock.frame(timestampMs, () => this.withFrame(input, async (frame, clock) => {
      video.frameSize(frame.width, frame.height);
      const followed = video.tracks;
      const sightings: Sighting[] = [];
      const look = async (crop: Pick<HandDetection, 'region' | 'rotated' | 'label'>, from: { track: FollowedHand } | { detection: HandDetection }): Promise<void> => {
        const raw = await landmarkHand(this.runner, this.handSpec, frame, crop.rotated ?? crop.region, clock);
        if (!finite(raw) || raw.score < resolved.presenceThreshold) return;
        sightings.push({ hand: toHand(raw, crop.label), next: this.nextCrop(raw.keypoints, frame.width, frame.height), ...from });
      };
      for (const track of followed) await look(track, { track });
      // the detector runs when it is due, and at once when a followed hand was lost (it is looked for in this frame, not the next)
      if (video.needsDetector(resolved.maxHands, this.detectorInterval) || sightings.length < followed.length) {
        // detections where a hand found this frame goes next are that hand (a lost hand's old crop holds none)
        const keptRegions = sightings.flatMap((s) => (s.next ? [s.next.region] : []));
        for (const found of await this.detect(frame, resolved, clock)) if (!keptRegions.some((r) => sameHandRegion(r, found.region))) await look(found, { detection: found });
        video.markDetected();
      }
      // a detection of a followed hand whose region did not match its crop's (another detector, another shape) found it twice: the followed one stays
      const distinct = withoutRepeats(sightings);
      const t0 = now();
      const unclaimed = followed.filter((t) => !distinct.some((s) => 'track' in s && s.track === t));
      const results = distinct.map((sighting) => {
        const { hand, next } = sighting;
        const base = 'track' in sighting ? sighting.track : video.trackFor(sighting.detection, unclaimed);
        // a hand too small to follow is still reported; the detector looks for it next frame
        return { hand, track: next ? { ...base, ...next, follow: true } : { ...base, follow: false } };
      });
      results.sort((a, b) => b.hand.score - a.hand.score);
      const kept = results.slice(0, resolved.maxHands);
      const dropped = video.follow(kept.map((r) => r.track));
      const hands = kept
        .filter((r) => !dropped.has(r.track.trackId))
        .map(({ hand, track }) => {
          const keypoints = video.smooth(track, hand.keypoints, timestampMs, frame.width, frame.height);
          // the box spans the smoothed keypoints returned, not the raw ones
          return { ...hand, trackId: track.trackId, keypoints, box: extentOf(keypoints), ...(hand.worldKeypoints ? { worldKeypoints: video.smoothWorld(track, hand.worldKeypoints, timestampMs) } : {}) };
        });
      clock.postprocess += now() - t0;
      return hands;
    }));
  }

  /** The crop that follows a hand into the next frame: rotated (MediaPipe's rule) or axis-aligned (`@vladmandic/human`'s); null when too small. */
  private nextCrop(keypoints: Float32Array, width: number, height: number): Pick<FollowedHand, 'region' | 'rotated'> | null {
    if (!this.rotateCrops) {
      const region = nextHandRegion(keypoints, width, height);
      return region && { region, rotated: undefined };
    }
    const rotated = rotatedHandRegion(keypoints, width, height);
    return rotated && { region: rotatedRegionBounds(rotated, width, height), rotated };
  }

  /**
   * Forgets video-mode state (followed hands, filters, IDs, the last timestamp); a frame still
   * being analysed then leaves nothing for the next video. @example `handLandmarker.reset();`
   */
  reset(): void {
    this.video = new HandVideoState(this.smoothing, this.worldSmoothing);
    this.videoClock = new VideoClock();
  }

  /** Frees the landmark model and the detector (those it loaded). @example `handLandmarker.dispose();` */
  override dispose(): void {
    super.dispose();
    if (this.ownsDetector) this.detector.dispose();
  }
}

/**
 * Creates a hand-landmark pipeline. `model` may be a hand card (default
 * {@link HANDLANDMARK_FULL}), a card id (`handlandmark-full`, `handlandmark-lite`), or a ready
 * runner with `spec`; the card's detector (HandTrack), or MediaPipe's palm detector with
 * `detector: 'palm'`, is loaded with it.
 *
 * @example
 * ```ts
 * const handLandmarker = await createHandLandmarkPipeline({ model: 'handlandmark-lite', maxHands: 4 });
 * ```
 */
export async function createHandLandmarkPipeline(options: HandLandmarkOptions = {}): Promise<HandLandmarkPipeline> {
  optionsObject(options, 'hand-landmarks options', OPTION_NAMES);
  const requested = typeof options.model === 'string' ? (ownEntry(HAND_MODEL_CARDS, options.model) ?? options.model) : (options.model ?? HANDLANDMARK_FULL);
  const model = await resolveModel('hand-landmarks', HANDLANDMARK_FULL.id, { ...options, model: requested }, options.spec);
  return disposeOnFailure([model], async (adopt) => {
    const { spec, runner, ownsRunner } = model;
    if (!isHandSpec(spec)) throw new VisionError('INVALID_OPTION', `model '${spec.id}' is not a hand landmark card; pass a HandModelSpec (with 'hand': outputs and detector), e.g. 'handlandmark-full'`);
    // the detector is a model of its own: its card, its location and format (not the landmark model's)
    const detectorSpec = checkDetector(options.detector) === 'palm' ? PALM_DETECTOR : spec.hand.detector;
    const detector = adopt(await resolveModel('hand-landmarks', detectorSpec.id, { ...options, model: detectorSpec, modelSource: undefined, format: undefined }));
    const { threshold, presenceThreshold, maxHands, iouThreshold } = options;
    return new HandLandmarkPipeline(spec, runner, ownsRunner, detector.runner, detector.ownsRunner, { threshold, presenceThreshold, maxHands, iouThreshold }, options);
  });
}
