import { VisionError } from '../../core/errors';
import { Mask } from '../../core/mask';
import type { InputTransform } from '../../core/types';
import type { SegmentationModelSpec } from '../../models/segmentation-cards';
import { scaleBoxesToSource } from '../../postprocess/box-format';
import { type SparsePlane, thresholdSparse } from '../../postprocess/masks/bilinear';
import { pasteMasks } from '../../postprocess/masks/paste';
import { checkTorchvisionFloats } from '../shared/torchvision-outputs';
import { inputPlaneToSource } from '../../postprocess/masks/to-source';
import { yoloSegMasks } from '../../postprocess/masks/yolo-seg';
import { postprocessYolo } from '../../postprocess/detection/yolo-postprocess';
import type { RawTensor } from '../../runtime/model-runner';
import { outputNamed } from '../shared/outputs';
import { checkSigmoidScores, refuseEndToEndOutput } from '../shared/yolo-output-check';
import type { InstanceSegmentationRunOptions } from './segmentation-types';

/** What an instance decoder gets: the card, the input transform and the run's resolved options. @example `decode(outputs, { spec, transform, threshold: 0.5, iouThreshold: 0.7, maxDetections: 100, maskThreshold: 0.5, options: {} })` */
export interface InstanceDecodeContext {
  spec: SegmentationModelSpec;
  transform: InputTransform;
  threshold: number;
  iouThreshold: number;
  maxDetections: number;
  maskThreshold: number;
  options: InstanceSegmentationRunOptions;
}

/** Decoded instances: boxes in model-input pixels, and owned masks at the source image's size. @example `const { boxes, masks } = INSTANCE_DECODERS.maskrcnn(outputs, ctx);` */
export interface DecodedInstances {
  boxes: Float32Array;
  scores: Float32Array;
  classIds: Int32Array;
  masks: Mask[];
}

/** Turns a family's raw outputs into instances with masks. @example `INSTANCE_DECODERS.maskrcnn(outputs, ctx)` */
export type InstanceDecoder = (outputs: Record<string, RawTensor>, context: InstanceDecodeContext) => DecodedInstances;

function numbers(t: RawTensor): Float64Array {
  const out = new Float64Array(t.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Number(t.data[i]);
  return out;
}

/** Masks already at the model input's size → the source image, thresholded, only over their non-zero area. */
function inputMaskToSource(data: Float32Array, inW: number, inH: number, transform: InputTransform, threshold: number): Mask {
  let minX = inW;
  let minY = inH;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < inH; y++) {
    for (let x = 0; x < inW; x++) {
      if (data[y * inW + x] !== 0) {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        maxY = y;
      }
    }
  }
  const bw = maxX < 0 ? 0 : maxX - minX + 1;
  const bh = maxX < 0 ? 0 : maxY - minY + 1;
  const region = new Float32Array(bw * bh);
  for (let r = 0; r < bh; r++) region.set(data.subarray((minY + r) * inW + minX, (minY + r) * inW + minX + bw), r * bw);
  const plane: SparsePlane = { width: inW, height: inH, bounds: { x: maxX < 0 ? 0 : minX, y: maxX < 0 ? 0 : minY, width: bw, height: bh }, data: region };
  const binary = thresholdSparse(inputPlaneToSource(plane, transform), threshold);
  return Mask.create('binary', transform.sourceWidth, transform.sourceHeight, binary.data, binary.bounds);
}

const maskRcnn: InstanceDecoder = (outputs, { spec, transform, threshold, maxDetections, maskThreshold, options }) => {
  const names = spec.segmentation?.maskRcnnOutputs ?? { boxes: 'boxes', labels: 'labels', scores: 'scores', masks: 'masks' };
  const boxesT = outputNamed(outputs, names.boxes, spec.id);
  const labels = numbers(outputNamed(outputs, names.labels, spec.id));
  const scoresT = outputNamed(outputs, names.scores, spec.id);
  const masksT = outputNamed(outputs, names.masks, spec.id);
  checkTorchvisionFloats(spec.id, { boxes: [names.boxes, boxesT], scores: [names.scores, scoresT] });
  const n = scoresT.data.length;
  const md = masksT.dims;
  if (boxesT.data.length !== n * 4 || labels.length !== n || md.length !== 4 || md[0] !== n || md[1] !== 1) {
    throw new VisionError('MODEL_FORMAT', `model '${spec.id}': Mask R-CNN outputs boxes [${boxesT.dims.join(',')}], labels [${labels.length}], scores [${n}], masks [${md.join(',')}] do not agree; expected [N,4], [N], [N], [N,1,M,M]`);
  }
  const scores = numbers(scoresT);
  const wanted = options.classes ? new Set(options.classes) : undefined;
  // boxes that are not finite are dropped, as the detection decoders drop them
  const finite = (i: number): boolean => [0, 1, 2, 3].every((c) => Number.isFinite(Number(boxesT.data[i * 4 + c])));
  const keep = [...scores.keys()]
    .filter((i) => scores[i] >= threshold && (!wanted || wanted.has(labels[i])) && finite(i))
    .sort((a, b) => scores[b] - scores[a] || a - b)
    .slice(0, maxDetections);
  const boxes = new Float32Array(keep.length * 4);
  keep.forEach((i, k) => {
    for (let c = 0; c < 4; c++) boxes[k * 4 + c] = Number(boxesT.data[i * 4 + c]);
  });
  const [mh, mw] = [md[2], md[3]];
  const size = mh * mw;
  const maskData = masksT.data instanceof Float32Array ? masksT.data : Float32Array.from(numbers(masksT));
  let masks: Mask[];
  if (mh === transform.inputHeight && mw === transform.inputWidth) {
    masks = [];
    try {
      for (const i of keep) masks.push(inputMaskToSource(maskData.subarray(i * size, (i + 1) * size), mw, mh, transform, maskThreshold));
    } catch (error) {
      masks.forEach((m) => m.close());
      throw error;
    }
  } else {
    const kept = new Float32Array(keep.length * size);
    keep.forEach((i, k) => kept.set(maskData.subarray(i * size, (i + 1) * size), k * size));
    // Paste at the source resolution with the boxes mapped there (unclipped, as torchvision's resize_boxes).
    const sourceBoxes = scaleBoxesToSource(boxes, transform, { clip: false });
    masks = pasteMasks({ dims: [keep.length, 1, mh, mw], data: kept }, sourceBoxes, transform.sourceWidth, transform.sourceHeight, { threshold: maskThreshold, layout: 'per-box' });
  }
  return { boxes, scores: Float32Array.from(keep, (i) => scores[i]), classIds: Int32Array.from(keep, (i) => labels[i]), masks };
};

/**
 * The YOLO-seg detection output's candidates after NMS, with their mask coefficients
 * (`extras`, N × nm): the part of YOLO-seg decoding that comes before mask assembly.
 *
 * @throws VisionError `MODEL_FORMAT` when the output carries no mask coefficients.
 * @example
 * ```ts
 * const det = yoloSegDetections(outputs.output0, context);
 * ```
 */
export function yoloSegDetections(detections: RawTensor, { spec, threshold, iouThreshold, maxDetections, options }: InstanceDecodeContext): ReturnType<typeof postprocessYolo> & { extras: Float32Array } {
  refuseEndToEndOutput(detections, spec, spec.head?.numExtras ?? 32);
  const det = postprocessYolo(detections, {
    format: 'v8',
    threshold,
    iouThreshold,
    maxDetections,
    numClasses: spec.labels.length,
    numExtras: spec.head?.numExtras ?? 32,
    layout: spec.head?.layout,
    classes: options.classes,
    agnostic: options.agnostic,
  });
  if (!det.extras || det.numExtras === 0) throw new VisionError('MODEL_FORMAT', `model '${spec.id}': its output has no mask coefficients`);
  checkSigmoidScores(det.scores, spec);
  return { ...det, extras: det.extras };
}

/**
 * The layout of YOLO-seg prototypes of shape `dims` holding `nm` channels: the card's
 * `segmentation.protoLayout`, else what the shape says, and where it fits both
 * (`[1, 32, 32, 32]`, a 128² input) the model input's layout.
 *
 * @example
 * ```ts
 * protoLayoutFor(tfjsCard, [1, 32, 32, 32], 32); // 'nhwc' (the card's input is NHWC)
 * ```
 */
export function protoLayoutFor(spec: SegmentationModelSpec, dims: readonly number[], nm: number): 'nchw' | 'nhwc' | undefined {
  const stated = spec.segmentation?.protoLayout;
  if (stated !== undefined) return stated;
  if (dims.length === 4 && dims[1] === nm && dims[3] === nm) return spec.input.layout === 'nchw' ? 'nchw' : 'nhwc';
  return undefined;
}

/**
 * The YOLO-seg detection and prototype outputs among `outputs` (raw or tensors): by the card's
 * names, else the rank-3 and the rank-4 output.
 *
 * @throws VisionError `MODEL_FORMAT` when either is missing.
 * @example
 * ```ts
 * const { detections, protos } = yoloSegOutputs(outputs, spec, (t) => t.dims.length);
 * ```
 */
export function yoloSegOutputs<T>(outputs: Record<string, T>, spec: SegmentationModelSpec, rank: (t: T) => number): { detections: T; protos: T } {
  const names = spec.segmentation?.yoloOutputs;
  const all = Object.values(outputs);
  const detections = names ? outputs[names.detections] : all.find((t) => rank(t) === 3);
  const protos = names ? outputs[names.protos] : all.find((t) => rank(t) === 4);
  if (!detections || !protos) {
    const shapes = Object.entries(outputs).map(([k, t]) => `${k} (rank ${rank(t)})`).join(', ');
    throw new VisionError('MODEL_FORMAT', `model '${spec.id}': YOLO-seg needs a [1, 4+C+32, N] output and a [1, 32, H/4, W/4] prototype output${names ? ` named '${names.detections}' and '${names.protos}'` : ''}; it has ${shapes || 'none'}`);
  }
  return { detections, protos };
}

const yoloSeg: InstanceDecoder = (outputs, context) => {
  const { spec, transform, maskThreshold, options } = context;
  const { detections, protos } = yoloSegOutputs(outputs, spec, (t) => t.dims.length);
  if (!(protos.data instanceof Float32Array)) throw new VisionError('MODEL_FORMAT', `model '${spec.id}': prototypes are ${protos.dtype}; expected float32`);
  const det = yoloSegDetections(detections, context);
  const protoLayout = protoLayoutFor(spec, protos.dims, det.numExtras);
  const masks = yoloSegMasks({ dims: protos.dims, data: protos.data }, det.extras, det.boxes, transform, { mode: options.maskMode, form: options.maskForm, threshold: maskThreshold, protoLayout });
  return { boxes: det.boxes, scores: det.scores, classIds: det.classIds, masks };
};

/**
 * Instance decoders by model family: `maskrcnn` (torchvision / ONNX-zoo signature) and
 * `yolov8-seg` (v8/v11 -seg).
 *
 * @example
 * ```ts
 * const decode = INSTANCE_DECODERS['yolov8-seg'];
 * ```
 */
export const INSTANCE_DECODERS: Readonly<Record<string, InstanceDecoder>> = /* @__PURE__ */ Object.freeze({
  maskrcnn: maskRcnn,
  'yolov8-seg': yoloSeg,
});
