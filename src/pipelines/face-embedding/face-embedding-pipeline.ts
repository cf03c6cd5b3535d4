import { VisionError } from '../../core/errors';
import { optionalBoolean } from '../../core/optional-boolean';
import { VideoClock } from '../shared/video-clock';
import type { ImageInput } from '../../core/image-input';
import { FACERES, FACE_EMBEDDING_CARDS, type FaceEmbeddingModelSpec } from '../../models/face-embedding-cards';
import type { RawImage } from '../../core/raw-image';
import { sampleTarget } from '../../preprocess/prepare-input';
import { type OpenFrame, openFrame } from '../../preprocess/sampling/open-frame';
import { decodeFaceResAge, decodeGender, l2Normalize } from '../../postprocess/face-embedding/face-descriptor';
import type { ModelRunner, RawTensor } from '../../runtime/model-runner';
import { type DetectionPipeline, createDetectionPipeline } from '../detection/detection-pipeline';
import type { DetectionResult } from '../detection/detection-types';
import { disposeOnFailure } from '../shared/dispose-on-failure';
import { ModelPipeline } from '../shared/model-pipeline';
import { definedOnly, optionsObject, runOptionsObject, positiveInteger, unitInterval } from '../shared/options';
import { BASE_PIPELINE_OPTION_NAMES, LOAD_OPTION_NAMES, type Pipeline } from '../shared/pipeline-options';
import { optionNames } from '../../core/known-options';
import { resolveModel } from '../shared/resolve-model';
import { ownEntry } from '../../core/own-entry';
import { now } from '../shared/run-stages';
import { cropFaces, faceCropOf } from './face-crop';
import type { FaceEmbedding, FaceEmbeddingOptions, FaceEmbeddingResult, FaceEmbeddingRunOptions } from './face-embedding-types';

const RUN_OPTION_NAMES = /* @__PURE__ */ optionNames<FaceEmbeddingRunOptions>()(['threshold', 'maxFaces', 'align']);
const OPTION_NAMES = /* @__PURE__ */ optionNames<FaceEmbeddingOptions>()([...BASE_PIPELINE_OPTION_NAMES, ...RUN_OPTION_NAMES, 'spec', 'detector']);

/** The detector keypoints a face crop is levelled by (BlazeFace's names). */
const FACE_DETECTOR_KEYPOINTS = ['right eye', 'left eye'];

function isFaceEmbeddingSpec(spec: unknown): spec is FaceEmbeddingModelSpec {
  return typeof spec === 'object' && spec !== null && typeof (spec as FaceEmbeddingModelSpec).faceEmbedding === 'object';
}

/**
 * The image to hand the detector so that it does not open the input a second time: the opened
 * frame's tensor, or its pixels in memory (a decoded file, raw pixels, a picture read on the
 * CPU backends); otherwise (a picture on the GPU) the input itself.
 */
function reopenable(frame: OpenFrame, input: ImageInput): ImageInput {
  if (frame.tensor) return frame.tensor;
  if (frame.pixels) return { data: frame.pixels() as RawImage['data'], width: frame.width, height: frame.height, channels: frame.channels as RawImage['channels'] };
  return input;
}

interface ResolvedRunOptions {
  threshold: number | undefined;
  maxFaces: number;
  align: boolean;
}

/**
 * Face embedding: detect faces (BlazeFace), cut a square crop around each (turned so the eyes
 * are level), describe it with a face-descriptor model (FaceRes: 1024-d, age, gender) →
 * per face: box, score, landmarks and a unit-length embedding. Compare embeddings with
 * {@link FaceMatcher} or a dot product. Create it with `pipeline('face-embedding', options)`.
 * No face is an empty result, not an error.
 *
 * @example
 * ```ts
 * const describer = await pipeline('face-embedding');
 * const { faces } = await describer.run(photo);
 * console.log(faces.map((f) => `${f.gender} ${f.age}`));
 * describer.dispose();
 * ```
 */
export class FaceEmbeddingPipeline extends ModelPipeline implements Pipeline<FaceEmbeddingRunOptions, FaceEmbeddingResult> {
  readonly task = 'face-embedding';
  /** Counts `reset()`s: a video frame that spans one is the old video's and is not tracked. */
  private generation = 0;
  /** Orders video frames (replaced by `reset()`; a frame queued on the old one stays the old video's). */
  private videoClock = new VideoClock();

  constructor(
    readonly faceSpec: FaceEmbeddingModelSpec,
    runner: ModelRunner,
    ownsRunner: boolean,
    /** The face detector this pipeline owns. */
    readonly detector: DetectionPipeline,
    private readonly defaults: FaceEmbeddingRunOptions,
  ) {
    super(faceSpec, runner, ownsRunner);
    const known = new Set(runner.outputs.map((o) => o.name));
    const { embeddingOutput, ageOutput, genderOutput } = faceSpec.faceEmbedding;
    const missing = [embeddingOutput, ageOutput, genderOutput].filter((name): name is string => name !== undefined && !known.has(name));
    if (missing.length > 0) {
      throw new VisionError('MODEL_FORMAT', `model '${faceSpec.id}' lacks output(s) ${missing.join(', ')} named in its card; it has ${[...known].join(', ')}`);
    }
    const eyes = detector.spec.head?.ssd?.keypointNames ?? [];
    if (!FACE_DETECTOR_KEYPOINTS.every((name) => eyes.includes(name))) {
      throw new VisionError('INVALID_OPTION', `detector '${detector.spec.id}' gives no ${FACE_DETECTOR_KEYPOINTS.join(' / ')} keypoints; face embedding needs a face detector with eye keypoints (e.g. 'blazeface')`);
    }
    this.resolve({}); // bad defaults (maxFaces, threshold, align) fail now, not on the first frame
  }

  private resolve(options: FaceEmbeddingRunOptions): ResolvedRunOptions {
    runOptionsObject(options, RUN_OPTION_NAMES);
    const merged = { ...definedOnly(this.defaults), ...definedOnly(options) };
    const maxFaces = positiveInteger(merged.maxFaces ?? 20, 'maxFaces');
    const align = optionalBoolean(merged.align, 'align') ?? true;
    return { threshold: merged.threshold === undefined ? undefined : unitInterval(merged.threshold, 'threshold'), maxFaces, align };
  }

  /**
   * Finds and describes the faces of one image.
   *
   * @example
   * ```ts
   * const { faces } = await describer.run(photo, { maxFaces: 3 });
   * ```
   */
  async run(input: ImageInput, options: FaceEmbeddingRunOptions = {}): Promise<FaceEmbeddingResult> {
    return this.describe(input, this.resolve(options), (image, detect) => this.detector.run(image, detect));
  }

  /**
   * Video mode: as {@link run}, with the detector's tracker (ByteTrack) giving each face a stable
   * `trackId`. As in detection, a face that appears after the stream's first frame is reported
   * from its second frame on (its track is confirmed when it is seen again), so a recognition loop
   * meets a newcomer one frame late. Timestamps (ms) must increase; {@link reset} starts over.
   *
   * @example
   * ```ts
   * const { faces } = await describer.runForVideo(videoFrame, performance.now());
   * ```
   */
  async runForVideo(input: ImageInput, timestampMs: number, options: FaceEmbeddingRunOptions = {}): Promise<FaceEmbeddingResult> {
    const generation = this.generation;
    const resolved = this.resolve(options);
    // a reset() before the detector is reached: this frame must not become the new video's first
    const detect = (image: ImageInput, detectOptions: { threshold?: number; maxDetections: number }): Promise<DetectionResult> =>
      generation === this.generation ? this.detector.runForVideo(image, timestampMs, detectOptions) : this.detector.run(image, detectOptions);
    // frames reach the detector's tracker in call order, whichever opens first (a file before a raw frame)
    return this.videoClock.frame(timestampMs, () => this.describe(input, resolved, detect));
  }

  /** Forgets video-mode face tracks (a frame still being analysed leaves none for the next video). @example `describer.reset();` */
  reset(): void {
    this.generation++;
    this.videoClock = new VideoClock();
    this.detector.reset();
  }

  /** Frees the descriptor model and the face detector. @example `describer.dispose();` */
  override dispose(): void {
    super.dispose();
    this.detector.dispose();
  }

  private async describe(
    input: ImageInput,
    options: ResolvedRunOptions,
    detect: (image: ImageInput, detectOptions: { threshold?: number; maxDetections: number }) => Promise<DetectionResult>,
  ): Promise<FaceEmbeddingResult> {
    this.assertUsable();
    const started = now();
    const frame = await openFrame(input);
    try {
      const found = await detect(reopenable(frame, input), definedOnly({ threshold: options.threshold, maxDetections: options.maxFaces }) as { maxDetections: number });
      const timing = { ...found.timing };
      const detections = found.detections.slice(0, options.maxFaces);
      if (detections.length === 0) return { faces: [], imageSize: found.imageSize, timing: { ...timing, total: now() - started } };
      const crops = detections.map((d) => faceCropOf(d, this.faceSpec.faceEmbedding.cropScale, options.align));
      const t0 = now();
      const batch = cropFaces(frame, crops, sampleTarget(this.faceSpec.input));
      const t1 = now();
      let outputs: Record<string, RawTensor>;
      try {
        outputs = await this.runner.run({ [this.runner.inputs[0]?.name ?? 'input']: batch }, { outputs: this.outputNames() });
      } finally {
        batch.dispose();
      }
      const t2 = now();
      const faces = detections.map((d, i): FaceEmbedding => ({
        box: d.box,
        score: d.score,
        keypoints: d.keypoints ?? [],
        angle: (crops[i] as { angle: number }).angle,
        ...this.decodeFace(outputs, i, detections.length),
        ...(d.trackId === undefined ? {} : { trackId: d.trackId }),
      }));
      return {
        faces,
        imageSize: found.imageSize,
        timing: { preprocess: timing.preprocess + t1 - t0, inference: timing.inference + t2 - t1, postprocess: timing.postprocess + now() - t2, total: now() - started },
      };
    } finally {
      frame.release();
    }
  }

  private outputNames(): string[] {
    const { embeddingOutput, ageOutput, genderOutput } = this.faceSpec.faceEmbedding;
    return [embeddingOutput, ageOutput, genderOutput].filter((name): name is string => name !== undefined);
  }

  /** Face `index`'s embedding (and age, gender) from the batched outputs. */
  private decodeFace(outputs: Record<string, RawTensor>, index: number, count: number): Pick<FaceEmbedding, 'embedding' | 'age' | 'gender' | 'genderScore'> {
    const { embeddingOutput, ageOutput, genderOutput } = this.faceSpec.faceEmbedding;
    const row = (name: string): ArrayLike<number> => {
      const output = outputs[name];
      if (!output) throw new VisionError('MODEL_FORMAT', `model '${this.faceSpec.id}' gave no '${name}' output`);
      const size = output.data.length / count;
      return (output.data as Float32Array).subarray(index * size, (index + 1) * size);
    };
    const face: Pick<FaceEmbedding, 'embedding' | 'age' | 'gender' | 'genderScore'> = { embedding: l2Normalize(row(embeddingOutput)) };
    if (ageOutput) face.age = decodeFaceResAge(row(ageOutput));
    if (genderOutput) {
      const { gender, score } = decodeGender(row(genderOutput)[0] as number);
      face.gender = gender;
      face.genderScore = score;
    }
    return face;
  }
}

/**
 * Creates a face-embedding pipeline. `model` may be a face-embedding card (default
 * {@link FACERES}), its id (`faceres`), or a ready runner with `spec`;
 * `detector` a detection card or id with eye keypoints (default `blazeface`).
 *
 * @example
 * ```ts
 * const describer = await createFaceEmbeddingPipeline({ model: 'faceres', threshold: 0.6 });
 * ```
 */
export async function createFaceEmbeddingPipeline(options: FaceEmbeddingOptions = {}): Promise<FaceEmbeddingPipeline> {
  optionsObject(options, 'face-embedding options', OPTION_NAMES);
  const requested = typeof options.model === 'string' ? (ownEntry(FACE_EMBEDDING_CARDS, options.model) ?? options.model) : options.model ?? FACERES;
  const model = await resolveModel('face-embedding', FACERES.id, { ...options, model: requested }, options.spec);
  return disposeOnFailure([model], async () => {
    const { spec, runner, ownsRunner } = model;
    if (!isFaceEmbeddingSpec(spec)) throw new VisionError('INVALID_OPTION', `model '${spec.id}' has no face-embedding settings; pass a FaceEmbeddingModelSpec (with 'faceEmbedding': outputs and crop scale)`);
    // the detector is a model of its own: its card and location, not the descriptor's source or format
    const loading = Object.fromEntries(LOAD_OPTION_NAMES.filter((name) => name !== 'format').map((name) => [name, options[name]]));
    const detector = await createDetectionPipeline({ ...loading, modelBaseUrl: options.modelBaseUrl, model: options.detector ?? 'blazeface' });
    try {
      const { threshold, maxFaces, align } = options;
      return new FaceEmbeddingPipeline(spec, runner, ownsRunner, detector, { threshold, maxFaces, align });
    } catch (error) {
      detector.dispose();
      throw error;
    }
  });
}
