import { VisionError } from '../../core/errors';
import { optionalBoolean } from '../../core/optional-boolean';
import type { ImageInput } from '../../core/image-input';
import type { ModelSpec } from '../../models/model-spec';
import type { SegmentationModelSpec } from '../../models/segmentation-cards';
import { normalizeBoxes, scaleBoxesToSource } from '../../postprocess/box-format';
import type { ModelRunner } from '../../runtime/model-runner';
import { ModelPipeline } from '../shared/model-pipeline';
import { BASE_PIPELINE_OPTION_NAMES, type Pipeline } from '../shared/pipeline-options';
import { optionNames } from '../../core/known-options';
import { resolveModel } from '../shared/resolve-model';
import { type StageOutputs, finishTiming, now, preprocessAndExecute, preprocessAndInfer } from '../shared/run-stages';
import { definedOnly, optionsObject, runOptionsObject, unitInterval } from '../shared/options';
import { disposeOnFailure } from '../shared/dispose-on-failure';
import { outputDecodeError } from '../shared/outputs';
import { shownList, shownValue } from '../../core/shown-value';
import { canAssembleMasksOnGpu, decodeWithGpuMasks, inferKeepingProtos } from './gpu-masks';
import { type DecodedInstances, INSTANCE_DECODERS, type InstanceDecodeContext, type InstanceDecoder } from './instance-decoders';
import { checkInstanceHead, checkWholeImageInput } from './segmentation-card-check';
import type { InstanceSegmentationOptions, InstanceSegmentationResult, InstanceSegmentationRunOptions, SegmentedInstance } from './segmentation-types';
import { ownEntry } from '../../core/own-entry';

const RUN_OPTION_NAMES = /* @__PURE__ */ optionNames<InstanceSegmentationRunOptions>()(['threshold', 'iouThreshold', 'maxDetections', 'classes', 'agnostic', 'maskThreshold', 'maskMode', 'maskForm', 'gpuMasks']);
const OPTION_NAMES = /* @__PURE__ */ optionNames<InstanceSegmentationOptions>()([...BASE_PIPELINE_OPTION_NAMES, ...RUN_OPTION_NAMES, 'spec']);

/**
 * Instance segmentation: image → fitted input → model → family decoder (Mask R-CNN paste or
 * YOLO-seg prototypes) → boxes and full-frame masks on the original image. Each instance's
 * `mask` is an owned {@link Mask}: close it when done.
 *
 * @example
 * ```ts
 * const segmenter = await createInstanceSegmentationPipeline({ model: yoloSegModel({ url: 'yolov8n-seg.onnx' }) });
 * const { instances } = await segmenter.run(photo);
 * instances.forEach((i) => i.mask.close());
 * ```
 */
export class InstanceSegmentationPipeline extends ModelPipeline implements Pipeline<InstanceSegmentationRunOptions, InstanceSegmentationResult> {
  readonly task = 'instance-segmentation';
  private readonly decode: InstanceDecoder;

  constructor(
    spec: ModelSpec,
    runner: ModelRunner,
    ownsRunner: boolean,
    private readonly defaults: InstanceSegmentationRunOptions,
  ) {
    super(spec, runner, ownsRunner);
    const decode = ownEntry(INSTANCE_DECODERS, spec.family);
    if (!decode) throw new VisionError('INVALID_OPTION', `no instance-segmentation decoder for family '${spec.family}'; known: ${Object.keys(INSTANCE_DECODERS).join(', ')}`);
    this.decode = (outputs, context) => {
      try {
        return decode(outputs, context);
      } catch (error) {
        throw outputDecodeError(error, spec.id);
      }
    };
    // bad defaults fail now, not at the first run
    this.resolve(undefined);
  }

  /** The run's settings: its options over the pipeline's defaults over the card's, each checked. */
  private resolve(options: InstanceSegmentationRunOptions | undefined): Omit<InstanceDecodeContext, 'spec' | 'transform'> & { gpuMasks: boolean } {
    const merged: InstanceSegmentationRunOptions = { ...this.spec.defaults, ...definedOnly(this.defaults), ...definedOnly(runOptionsObject(options, RUN_OPTION_NAMES)) };
    const threshold = unitInterval(merged.threshold ?? 0.25, 'threshold');
    const iouThreshold = unitInterval(merged.iouThreshold ?? 0.7, 'iouThreshold');
    const maskThreshold = unitInterval(merged.maskThreshold ?? 0.5, 'maskThreshold');
    optionalBoolean(merged.agnostic, 'agnostic');
    const maxDetections = merged.maxDetections ?? 100;
    if (!Number.isInteger(maxDetections) || maxDetections < 0) throw new VisionError('INVALID_OPTION', `maxDetections is ${shownValue(maxDetections)}; it must be a non-negative integer`);
    if (merged.classes !== undefined && !(Array.isArray(merged.classes) && merged.classes.every((c) => Number.isInteger(c) && c >= 0))) {
      throw new VisionError('INVALID_OPTION', `classes is ${shownList(merged.classes)}; it must be an array of class ids (non-negative integers)`);
    }
    if (merged.maskMode !== undefined && merged.maskMode !== 'upsample' && merged.maskMode !== 'native') {
      throw new VisionError('INVALID_OPTION', `maskMode is ${shownValue(merged.maskMode)}; allowed: upsample, native`);
    }
    const maskForm = merged.maskForm === undefined ? 'logits' : merged.maskForm;
    if (maskForm !== 'logits' && maskForm !== 'sigmoid') throw new VisionError('INVALID_OPTION', `maskForm is ${shownValue(maskForm)}; allowed: logits, sigmoid`);
    if (this.spec.family === 'yolov8-seg' && maskForm === 'logits' && !(maskThreshold > 0 && maskThreshold < 1)) {
      throw new VisionError('INVALID_OPTION', `maskThreshold is ${maskThreshold}; YOLO-seg masks of maskForm 'logits' are cut at its logit, so it must be strictly between 0 and 1 (maskForm 'sigmoid' takes 0 and 1)`);
    }
    const gpuMasks = optionalBoolean(merged.gpuMasks, 'gpuMasks') ?? false;
    return { threshold, iouThreshold, maxDetections, maskThreshold, options: merged, gpuMasks };
  }

  /**
   * Segments the objects in one image: boxes, scores, labels and a full-frame binary mask each.
   *
   * @throws VisionError `INVALID_INPUT` (bad image), `INVALID_OPTION` (thresholds outside
   * [0, 1], classes that are not class ids, an unknown maskMode), `MODEL_FORMAT` (outputs that are not this family's), `DISPOSED`.
   * @example
   * ```ts
   * const { instances } = await segmenter.run(video, { threshold: 0.5, maskMode: 'native' });
   * ```
   */
  async run(input: ImageInput, options?: InstanceSegmentationRunOptions): Promise<InstanceSegmentationResult> {
    this.assertUsable();
    const { gpuMasks: wantGpuMasks, ...context } = this.resolve(options);
    const { stage, postStart, decoded, gpuMasks } = await this.inferAndDecode(input, context, wantGpuMasks);
    const { sourceWidth: width, sourceHeight: height } = stage.transform;
    const boxes = scaleBoxesToSource(decoded.boxes, stage.transform);
    const normalized = normalizeBoxes(boxes, width, height);
    const instances: SegmentedInstance[] = decoded.masks.map((mask, k) => {
      const box = (a: Float32Array) => ({ x1: a[k * 4], y1: a[k * 4 + 1], x2: a[k * 4 + 2], y2: a[k * 4 + 3] });
      const classId = decoded.classIds[k];
      return { box: box(boxes), boxNormalized: box(normalized), score: decoded.scores[k], classId, label: this.spec.labels[classId] ?? `class ${classId}`, mask };
    });
    const result: InstanceSegmentationResult = { instances, imageSize: { width, height }, timing: finishTiming(stage, postStart) };
    return gpuMasks ? { ...result, gpuMasks } : result;
  }

  /** Preprocess, inference and the family decoder; with `gpuMasks` (YOLO-seg on tfjs-webgpu) the masks are assembled on the GPU. */
  private async inferAndDecode(input: ImageInput, settings: Omit<InstanceDecodeContext, 'spec' | 'transform'>, gpuMasks: boolean): Promise<{ stage: Omit<StageOutputs, 'outputs'>; postStart: number; decoded: DecodedInstances; gpuMasks?: InstanceSegmentationResult['gpuMasks'] }> {
    const spec: SegmentationModelSpec = this.spec;
    const runner = this.runner;
    if (gpuMasks && canAssembleMasksOnGpu(runner, spec)) {
      const stage = await preprocessAndExecute(runner, spec, input, {}, (feeds) => inferKeepingProtos(runner, spec, feeds));
      const postStart = now();
      try {
        const { decoded, maskBytesRead } = await decodeWithGpuMasks(stage.result, { ...settings, spec, transform: stage.transform }).catch((error: unknown) => {
          throw outputDecodeError(error, spec.id);
        });
        return { stage, postStart, decoded, gpuMasks: { bytesRead: stage.result.bytesRead + maskBytesRead, maskBytesRead } };
      } finally {
        stage.result.protos.dispose();
      }
    }
    const stage = await preprocessAndInfer(runner, spec, input);
    const postStart = now();
    return { stage, postStart, decoded: this.decode(stage.outputs, { ...settings, spec, transform: stage.transform }) };
  }
}

/**
 * Creates an instance-segmentation pipeline. There is no offline default model: pass
 * `model` (a {@link maskRcnnModel} or {@link yoloSegModel} card, with `modelSource` if the
 * card has no location you can reach, or a ready runner with `spec`).
 *
 * @throws VisionError `INVALID_OPTION` without a model.
 * @example
 * ```ts
 * const segmenter = await createInstanceSegmentationPipeline({ model: maskRcnnModel({ url: 'maskrcnn.onnx', width: 800, height: 800 }) });
 * ```
 */
export async function createInstanceSegmentationPipeline(options: InstanceSegmentationOptions = {}): Promise<InstanceSegmentationPipeline> {
  optionsObject(options, 'instance-segmentation options', OPTION_NAMES);
  if (options.model === undefined) {
    throw new VisionError('INVALID_OPTION', 'instance segmentation has no built-in model: pass model: maskRcnnModel({...}) or yoloSegModel({...}) (and modelSource)');
  }
  const model = await resolveModel('instance-segmentation', '', options, options.spec);
  return disposeOnFailure([model], () => {
    const { spec, runner, ownsRunner } = model;
    checkWholeImageInput(spec, 'instance-segmentation');
    checkInstanceHead(spec, runner);
    const { threshold, iouThreshold, maxDetections, classes, agnostic, maskThreshold, maskMode, maskForm, gpuMasks } = options;
    return new InstanceSegmentationPipeline(spec, runner, ownsRunner, { threshold, iouThreshold, maxDetections, classes, agnostic, maskThreshold, maskMode, maskForm, gpuMasks });
  });
}
