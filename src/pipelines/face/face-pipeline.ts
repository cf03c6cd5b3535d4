import { smoothingSettings } from '../shared/smoothing-settings';
import { optionalBoolean } from '../../core/optional-boolean';
import { VisionError } from '../../core/errors';
import type { ImageInput } from '../../core/image-input';
import { FACE_DETECTOR_CARDS, FACE_DETECTOR_SHORT, FACE_MODEL_CARDS, FACEMESH, type FaceDetectorSpec, type FaceMeshModelSpec } from '../../models/face-cards';
import { type OpenFrame, openFrame } from '../../preprocess/sampling/open-frame';
import type { ModelRunner } from '../../runtime/model-runner';
import { TFJS_BACKENDS } from '../../runtime/tfjs-backend';
import { disposeOnFailure } from '../shared/dispose-on-failure';
import { ModelPipeline } from '../shared/model-pipeline';
import { definedOnly, optionsObject, runOptionsObject, positiveInteger, unitInterval } from '../shared/options';
import { BASE_PIPELINE_OPTION_NAMES, type Pipeline } from '../shared/pipeline-options';
import { optionNames } from '../../core/known-options';
import { resolveModel } from '../shared/resolve-model';
import { ownEntry } from '../../core/own-entry';
import { now } from '../shared/run-stages';
import { VideoClock } from '../shared/video-clock';
import type { OneEuroOptions } from '../../track/one-euro';
import { type FaceCandidate, type FaceClock, detectFaces, meshesInCrops } from './face-stages';
import type { Face, FaceLandmarksOptions, FaceLandmarksResult, FaceLandmarksRunOptions, FacePoint } from './face-types';
import { DEFAULT_FACE_SMOOTHING, FaceVideoState, type VideoCandidate, boxOfPoints } from './face-video';

const RUN_OPTION_NAMES = /* @__PURE__ */ optionNames<FaceLandmarksRunOptions>()(['threshold', 'detectorThreshold', 'maxFaces']);
const OPTION_NAMES = /* @__PURE__ */ optionNames<FaceLandmarksOptions>()([...BASE_PIPELINE_OPTION_NAMES, ...RUN_OPTION_NAMES, 'spec', 'detector', 'detectorFit', 'rotateCrops', 'iris', 'smoothing']);

/** Frames smaller than this (either side, pixels) give no faces. */
const MIN_IMAGE_SIZE = 16;

interface Resolved {
  threshold: number;
  detectorThreshold: number;
  maxFaces: number;
}

function isFaceSpec(spec: unknown): spec is FaceMeshModelSpec {
  return typeof spec === 'object' && spec !== null && (spec as FaceMeshModelSpec).task === 'face-landmarks' && typeof (spec as FaceMeshModelSpec).face === 'object';
}

function toFace(points: Float32Array, score: number, detectorScore: number): Face {
  const count = points.length / 3;
  const list = new Array<FacePoint>(count);
  for (let k = 0, i = 0; k < count; k++, i += 3) list[k] = { x: points[i], y: points[i + 1], z: points[i + 2] };
  return { points: list, box: boxOfPoints(list), score, detectorScore };
}

/**
 * Face landmarks: frame → BlazeFace detector → square face crops → FaceMesh (468 points, and
 * 10 iris points with `iris: true` or the attention model) mapped back to the image. Create it
 * with `pipeline('face-landmarks', options)`. `run` treats every image on its own;
 * `runForVideo` crops each face from its previous mesh (the detector runs only to find new
 * faces), keeps a `trackId` per face and smooths points (One-Euro).
 *
 * @example
 * ```ts
 * const landmarker = await pipeline('face-landmarks', { iris: true });
 * const { faces } = await landmarker.run(photo);
 * for (const [a, b] of FACE_MESH_CONNECTIONS.faceOval) drawLine(faces[0].points[a], faces[0].points[b]);
 * ```
 */
export class FaceLandmarksPipeline extends ModelPipeline implements Pipeline<FaceLandmarksRunOptions, FaceLandmarksResult> {
  readonly task = 'face-landmarks';
  /** Video-mode state and clock: replaced (not cleared) by `reset()`, so a frame in flight then writes into the old ones. */
  private video: FaceVideoState;
  private videoClock = new VideoClock();
  private readonly smoothing: OneEuroOptions | false;
  private readonly detectorFit: 'letterbox' | 'stretch';
  private readonly rotateCrops: boolean;

  constructor(
    readonly faceSpec: FaceMeshModelSpec,
    runner: ModelRunner,
    ownsRunner: boolean,
    readonly detectorSpec: FaceDetectorSpec,
    private readonly detector: ModelRunner,
    private readonly defaults: FaceLandmarksRunOptions,
    options: Pick<FaceLandmarksOptions, 'smoothing' | 'detectorFit' | 'rotateCrops'> = {},
    private readonly iris?: { runner: ModelRunner; size: number },
  ) {
    super(faceSpec, runner, ownsRunner);
    const fit = options.detectorFit ?? 'letterbox';
    if (fit !== 'letterbox' && fit !== 'stretch') throw new VisionError('INVALID_OPTION', `detectorFit is '${String(fit)}'; allowed: letterbox, stretch`);
    this.detectorFit = fit;
    this.rotateCrops = optionalBoolean(options.rotateCrops, 'rotateCrops') ?? false;
    const smoothing = smoothingSettings(options.smoothing, DEFAULT_FACE_SMOOTHING, 'smoothing');
    this.video = new FaceVideoState(smoothing, this.rotateCrops);
    this.smoothing = smoothing;
    this.resolve({}); // bad defaults (maxFaces, thresholds) fail now, not on the first frame
  }

  /** Number of points per face: 468, or 478 with irises. @example `landmarker.pointCount // 478` */
  get pointCount(): number {
    return this.iris || this.faceSpec.family === 'facemesh-attention' ? 478 : 468;
  }

  private resolve(options: FaceLandmarksRunOptions): Resolved {
    runOptionsObject(options, RUN_OPTION_NAMES);
    const merged = { ...definedOnly(this.defaults), ...definedOnly(options) };
    const maxFaces = positiveInteger(merged.maxFaces ?? this.faceSpec.defaults?.maxDetections ?? 10, 'maxFaces');
    return {
      threshold: unitInterval(merged.threshold ?? this.faceSpec.defaults?.threshold ?? 0.2, 'threshold'),
      detectorThreshold: unitInterval(merged.detectorThreshold ?? this.detectorSpec.defaults?.threshold ?? 0.2, 'detectorThreshold'),
      maxFaces,
    };
  }

  private detect(frame: OpenFrame, options: Resolved, clock: FaceClock): Promise<FaceCandidate[]> {
    return detectFaces(frame, this.detector, this.detectorSpec, {
      fit: this.detectorFit,
      threshold: options.detectorThreshold,
      iouThreshold: this.detectorSpec.defaults?.iouThreshold ?? 0.1,
      maxFaces: options.maxFaces,
      roiScale: this.faceSpec.face.roiScale ?? 1.4,
      rotate: this.rotateCrops,
    }, clock);
  }

  /** The meshes found in the candidates' crops (those above the threshold), as faces with the candidate each came from. */
  private async meshes(frame: OpenFrame, candidates: VideoCandidate[], options: Resolved, clock: FaceClock): Promise<Array<{ face: Face; candidate: VideoCandidate }>> {
    const meshOptions = { threshold: options.threshold, iris: this.iris?.runner, irisSize: this.iris?.size };
    const meshes = await meshesInCrops(frame, candidates.map((c) => c.crop), this.runner, this.faceSpec, meshOptions, clock);
    const t0 = now();
    const found: Array<{ face: Face; candidate: VideoCandidate }> = [];
    meshes.forEach((mesh, k) => {
      if (mesh) found.push({ face: toFace(mesh.points, mesh.score, candidates[k].detectorScore), candidate: candidates[k] });
    });
    clock.postprocess += now() - t0;
    return found;
  }

  /** The faces of one frame; with `video` (the stream's state), tracked across frames. */
  private async landmarks(input: ImageInput, options: Resolved, video?: FaceVideoState, timestampMs = 0): Promise<FaceLandmarksResult> {
    this.assertUsable();
    const started = now();
    const clock: FaceClock = { preprocess: 0, inference: 0, postprocess: 0 };
    const frame = await openFrame(input, { resizeOnCapture: false });
    clock.preprocess += now() - started;
    try {
      const imageSize = { width: frame.width, height: frame.height };
      if (frame.width < MIN_IMAGE_SIZE || frame.height < MIN_IMAGE_SIZE) return { faces: [], imageSize, timing: { ...clock, total: now() - started } };
      video?.frameSize(frame.width, frame.height);
      const detected = !video || video.needsDetection(options.maxFaces);
      const detections = detected ? await this.detect(frame, options, clock) : undefined;
      const candidates: VideoCandidate[] = video ? video.candidates(detections) : detections!;
      const found = await this.meshes(frame, candidates, options, clock);
      if (video && !detected && found.length < candidates.length) {
        // a tracked face was lost: look for it (and for new faces) in this frame, not the next
        const kept = found.map((f) => f.candidate);
        const lost = candidates.filter((c) => !kept.includes(c));
        found.push(...(await this.meshes(frame, video.recover(await this.detect(frame, options, clock), kept, lost), options, clock)));
      }
      const t1 = now();
      const faces = video ? video.update(found, timestampMs, frame.width, frame.height, options.maxFaces) : found.map((f) => f.face).sort((a, b) => b.score - a.score);
      clock.postprocess += now() - t1;
      return { faces: faces.slice(0, options.maxFaces), imageSize, timing: { ...clock, total: now() - started } };
    } finally {
      frame.release();
    }
  }

  /**
   * Finds the faces in one image and their meshes (no state: each call stands alone).
   *
   * @example
   * ```ts
   * const { faces } = await landmarker.run(photo, { maxFaces: 3 });
   * ```
   */
  async run(input: ImageInput, options: FaceLandmarksRunOptions = {}): Promise<FaceLandmarksResult> {
    return this.landmarks(input, this.resolve(options));
  }

  /**
   * Video mode: meshes of the faces in one frame of a stream. Each tracked face is cropped
   * from its previous mesh; the detector runs when nothing is tracked, every 10 frames while
   * fewer than `maxFaces` are, and at once when a tracked face is lost (it keeps its `trackId`
   * when found again). Faces keep a `trackId`; points are smoothed (One-Euro). When the frame
   * size changes, the tracked faces are carried over to the same place in the new frame.
   * Timestamps (ms) must increase; calls that overlap are analysed one after another, in call order. {@link reset} starts over.
   *
   * @example
   * ```ts
   * const { faces } = await landmarker.runForVideo(videoFrame, performance.now());
   * ```
   */
  async runForVideo(input: ImageInput, timestampMs: number, options: FaceLandmarksRunOptions = {}): Promise<FaceLandmarksResult> {
    // this frame's stream: a reset() while it is analysed starts a new one that it leaves alone
    const { video, videoClock } = this;
    const resolved = this.resolve(options);
    return videoClock.frame(timestampMs, () => this.landmarks(input, resolved, video, timestampMs));
  }

  /**
   * Forgets video-mode state (tracked faces, IDs, filters, the last timestamp); a frame still
   * being analysed then leaves nothing for the next video. @example `landmarker.reset();`
   */
  reset(): void {
    this.video = new FaceVideoState(this.smoothing, this.rotateCrops);
    this.videoClock = new VideoClock();
  }

  /** Frees the mesh model, its detector and the Iris model. @example `landmarker.dispose();` */
  override dispose(): void {
    super.dispose();
    this.detector.dispose();
    this.iris?.runner.dispose();
  }
}

/**
 * Creates a face-landmarks pipeline. `model` may be a face card (default {@link FACEMESH}), a
 * card id (`facemesh`, `facemesh-attention`) or a ready runner with `spec`; `detector` a
 * detector card or id; `iris: true` loads the Iris model (`facemesh` family).
 *
 * @example
 * ```ts
 * const landmarker = await createFaceLandmarksPipeline({ iris: true, detector: 'facemesh-detection-full' });
 * ```
 */
export async function createFaceLandmarksPipeline(options: FaceLandmarksOptions = {}): Promise<FaceLandmarksPipeline> {
  optionsObject(options, 'face-landmarks options', OPTION_NAMES);
  optionalBoolean(options.iris, 'iris');
  const requested = typeof options.model === 'string' ? (ownEntry(FACE_MODEL_CARDS, options.model) ?? options.model) : options.model ?? FACEMESH;
  const detectorSpec = typeof options.detector === 'string' ? ownEntry(FACE_DETECTOR_CARDS, options.detector) : options.detector;
  if (options.detector !== undefined && (!detectorSpec || !Array.isArray(detectorSpec.anchors?.strides))) {
    throw new VisionError('INVALID_OPTION', `detector must be a face detector card or one of ${Object.keys(FACE_DETECTOR_CARDS).join(', ')}; got ${typeof options.detector === 'string' ? `'${options.detector}'` : 'a card without anchors'}`);
  }
  const model = await resolveModel('face-landmarks', FACEMESH.id, { ...options, model: requested }, options.spec);
  return disposeOnFailure([model], async (adopt) => {
    const { spec, runner, ownsRunner } = model;
    if (!isFaceSpec(spec)) throw new VisionError('INVALID_OPTION', `model '${spec.id}' has no face settings; pass a FaceMeshModelSpec (with 'face': outputs and detector)`);
    if (options.iris && spec.family !== 'facemesh') throw new VisionError('INVALID_OPTION', `iris: true needs the 'facemesh' family; '${spec.id}' (${spec.family}) gives irises itself`);
    // the detector and Iris are models of their own: their cards, locations and formats, on the
    // backend the mesh model got (tfjs has one active backend; the mesh card may rule some out)
    const backend = TFJS_BACKENDS.find((name) => name === runner.backend) ?? options.backend;
    const own = { ...options, backend, modelSource: undefined, format: undefined };
    const detectorCard = detectorSpec ?? spec.face.detector ?? FACE_DETECTOR_SHORT;
    const detector = adopt(await resolveModel('face-landmarks', detectorCard.id, { ...own, model: detectorCard })).runner;
    const irisCard = options.iris ? spec.face.iris : undefined;
    if (options.iris && !irisCard) throw new VisionError('INVALID_OPTION', `model '${spec.id}' names no Iris model (face.iris)`);
    const iris = irisCard ? { runner: adopt(await resolveModel('face-landmarks', irisCard.id, { ...own, model: irisCard })).runner, size: irisCard.input.width } : undefined;
    const { threshold, detectorThreshold, maxFaces } = options;
    return new FaceLandmarksPipeline(spec, runner, ownsRunner, detectorCard, detector, { threshold, detectorThreshold, maxFaces }, options, iris);
  });
}
