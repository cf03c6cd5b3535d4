import { describe, expect, it } from 'vitest';
import { refusal } from '../helpers/refusal';
import {
  BLAZEFACE_FRONT_ANCHORS,
  GuidedFilterWorkspace,
  Mask,
  SSDLITE320_DEFAULT_BOXES,
  clipBoxes,
  decodeBlazePoseDetector,
  decodeCenterNet,
  decodeClassification,
  decodeFaceDetector,
  decodeGfl,
  decodeKeypointRcnn,
  decodeMediapipeRows,
  decodeMediapipeSsd,
  decodePalmDetector,
  decodePoseNetMulti,
  decodeTfObjectDetection,
  decodeTorchvisionBoxes,
  decodeTorchvisionSsd,
  decodeYoloEnd2End,
  decodeYoloV5,
  decodeYoloV8,
  fastGuidedFilter,
  fastGuidedFilterInto,
  findContours,
  guidedFilter,
  maskToPolygons,
  mediapipeSsdAnchors,
  pasteMasks,
  postprocessYolo,
  resolveGeneration,
  scaleBoxesToSource,
  torchvisionDefaultBoxes,
  weightedNms,
  yoloSegMaskPlan,
  yoloSegMasks,
} from '../../src/index';
import type { FastGuidedFilterWorkspace, InputTransform } from '../../src/index';

// The public decoders and post-processing functions refuse option names they do not take
// (another library's spelling ran with the defaults) and required values that are missing or
// out of range, with INVALID_OPTION naming the function and the option.

const transform: InputTransform = { sourceWidth: 64, sourceHeight: 64, inputWidth: 64, inputHeight: 64, scaleX: 1, scaleY: 1, padX: 0, padY: 0, cropX: 0, cropY: 0 };
const yolo = { dims: [1, 84, 1], data: new Float32Array(84) };
const posenet = { gridWidth: 1, gridHeight: 1, numKeypoints: 17, stride: 16, heatmaps: new Float32Array(17), offsets: new Float32Array(34) };
const keypointRcnn = { boxes: [], scores: [], keypoints: [], keypointsScores: [], numKeypoints: 17 };
const mask = Mask.create('binary', 4, 4, new Uint8Array(16));

describe('decoders and post-processing functions refuse option names they do not take', () => {
  const cases: [string, () => unknown][] = [
    ['clipBoxes options has unknown option(s) in_place', () => clipBoxes([0, 0, 1, 1], 10, 10, { in_place: true } as never)],
    ['scaleBoxesToSource options has unknown option(s) clipped', () => scaleBoxesToSource([0, 0, 1, 1], transform, { clipped: false } as never)],
    ['decodeClassification options has unknown option(s) top_k', () => decodeClassification([0.2, 0.8], { output: 'probabilities', labels: ['a', 'b'], top_k: 1 } as never)],
    ['decodeCenterNet options has unknown option(s) conf', () => decodeCenterNet([], { threshold: 0.3, numClasses: 80, conf: 0.5 } as never)],
    ['decodeGfl options has unknown option(s) reg_max', () => decodeGfl([], { numClasses: 80, regMax: 7, threshold: 0.3, reg_max: 10 } as never)],
    ['decodeYoloV8 options has unknown option(s) conf', () => decodeYoloV8(yolo, { conf: 0.5 } as never)],
    ['decodeYoloV5 options has unknown option(s) nc', () => decodeYoloV5(yolo, { nc: 80 } as never)],
    ['decodeYoloEnd2End options has unknown option(s) max_det', () => decodeYoloEnd2End({ dims: [1, 1, 6], data: new Float32Array(6) }, { max_det: 10 } as never)],
    ['postprocessYolo options has unknown option(s) iou', () => postprocessYolo(yolo, { format: 'v8', iou: 0.5 } as never)],
    ['mediapipeSsdAnchors options has unknown option(s) stride', () => mediapipeSsdAnchors({ ...BLAZEFACE_FRONT_ANCHORS, stride: 8 } as never)],
    ['torchvisionDefaultBoxes options has unknown option(s) min_ratio', () => torchvisionDefaultBoxes({ ...SSDLITE320_DEFAULT_BOXES, min_ratio: 0.1 } as never)],
    ['decodeMediapipeSsd options has unknown option(s) x_scale', () => decodeMediapipeSsd([], [], [], { inputWidth: 1, inputHeight: 1, xScale: 1, yScale: 1, wScale: 1, hScale: 1, x_scale: 2 } as never)],
    ['decodeMediapipeRows options has unknown option(s) threshold', () => decodeMediapipeRows([], BLAZEFACE_FRONT_ANCHORS, { what: 'x', keypoints: 6, minScore: 0.5, iouThreshold: 0.3, maxDetections: 1, threshold: 0.9 } as never)],
    ['decodePalmDetector options has unknown option(s) maxHands', () => decodePalmDetector([], BLAZEFACE_FRONT_ANCHORS, { maxHands: 2 } as never)],
    ['decodeFaceDetector options has unknown option(s) threshold', () => decodeFaceDetector([], BLAZEFACE_FRONT_ANCHORS, { threshold: 0.9 } as never)],
    ['decodeTorchvisionBoxes options has unknown option(s) bbox_xform_clip', () => decodeTorchvisionBoxes([], [], { bbox_xform_clip: 4 } as never)],
    ['postprocessTorchvisionSsd options has unknown option(s) score_thresh', () => decodeTorchvisionSsd({ bboxRegression: [], clsLogits: [] }, [], { imageWidth: 1, imageHeight: 1, score_thresh: 0.5 } as never)],
    ['decodeTfObjectDetection options has unknown option(s) minScore', () => decodeTfObjectDetection(new Float32Array(0), 1, new Float32Array(0), { threshold: 0.5, inputWidth: 1, inputHeight: 1, minScore: 0.9 } as never)],
    ['weightedNms options has unknown option(s) iou', () => weightedNms([0, 0, 1, 1], [1], { iou: 0.5 } as never)],
    ['decodePoseNetMulti options has unknown option(s) maxDetections', () => decodePoseNetMulti(posenet, { maxDetections: 2 } as never)],
    ['decodeBlazePoseDetector options has unknown option(s) maxPoses', () => decodeBlazePoseDetector([], { maxPoses: 2 } as never)],
    ['decodeKeypointRcnn options has unknown option(s) threshold', () => decodeKeypointRcnn(keypointRcnn, { threshold: 0.5 } as never)],
    ['pasteMasks options has unknown option(s) mask_threshold', () => pasteMasks({ dims: [0, 1, 28, 28], data: [] }, [], 10, 10, { mask_threshold: 0.5 } as never)],
    ['yoloSegMasks options has unknown option(s) retina_masks', () => yoloSegMasks({ dims: [1, 32, 16, 16], data: [] }, new Float32Array(0), [], transform, { retina_masks: true } as never)],
    ['yoloSegMaskPlan options has unknown option(s) retina_masks', () => yoloSegMaskPlan([1, 32, 16, 16], 32, [], transform, { retina_masks: true } as never)],
    ['findContours options has unknown option(s) method', () => findContours([1], 1, 1, { method: 'simple' } as never)],
    ['maskToPolygons options has unknown option(s) method', () => maskToPolygons(mask, { method: 'simple' } as never)],
    ['generation options has unknown option(s) num_beams', () => resolveGeneration({ bosTokenId: 0, eosTokenId: 1, num_beams: 3 } as never)],
    ['guided filter options has unknown option(s) eps', () => guidedFilter(new Float32Array(1), new Float32Array(1), 1, 1, { radius: 1, epsilon: 1e-3, eps: 1e-2 } as never, new GuidedFilterWorkspace(1, 1))],
    ['fastGuidedFilter options has unknown option(s) s', () => fastGuidedFilter(new Float32Array(1), new Float32Array(1), 1, 1, { radius: 1, epsilon: 1e-3, subsample: 1, s: 2 } as never)],
    ['fastGuidedFilterInto options has unknown option(s) radius', () => fastGuidedFilterInto({ data: new Float32Array(1), width: 1, height: 1, channels: 1, scale: 1 }, {} as FastGuidedFilterWorkspace, { lowRadius: 1, epsilon: 1e-3, clamp: true, radius: 2 } as never, new Float32Array(1))],
  ];
  it.each(cases)('%s', async (message, call) => {
    const error = await refusal(call);
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toContain(message);
    expect(error.message).toContain('allowed:');
  });

  it('names set to undefined pass (options spread from others) and the call works', () => {
    expect(Array.from(clipBoxes([-1, 0, 20, 5], 10, 10, { inPlace: undefined, other: undefined } as never))).toEqual([0, 0, 10, 5]);
    expect(decodeClassification([0.2, 0.8], { output: 'probabilities', labels: ['a', 'b'], topK: 1, extra: undefined } as never)[0].label).toBe('b');
  });

  it('options that are not an object are refused', async () => {
    expect((await refusal(() => decodeYoloV8(yolo, null as never))).message).toContain('decodeYoloV8: options must be an object');
    expect((await refusal(() => decodeCenterNet([], 0.3 as never))).message).toContain('decodeCenterNet: options must be an object');
    expect((await refusal(() => weightedNms([0, 0, 1, 1], [1], 'greedy' as never))).code).toBe('INVALID_OPTION');
  });
});

describe('values that used to be read as they came', () => {
  const cases: [string, () => unknown][] = [
    // a missing threshold compared as undefined: no detections, silently
    ['decodeCenterNet: threshold must be a number in [0, 1]; got undefined', () => decodeCenterNet([0, 0, 1, 1, 0.9, 0], { numClasses: 80 } as never)],
    ['decodeCenterNet: numClasses must be an integer ≥ 1; got 0', () => decodeCenterNet([], { threshold: 0.3, numClasses: 0 })],
    ['decodeGfl: regMax must be an integer ≥ 1; got 2.5', () => decodeGfl([], { numClasses: 80, regMax: 2.5, threshold: 0.3 })],
    ['decodeGfl: centerOffset must be a number in [0, 1]', () => decodeGfl([], { numClasses: 80, regMax: 7, threshold: 0.3, centerOffset: 2 })],
    ['decodePalmDetector: minScore must be a number in [0, 1]; got 5', () => decodePalmDetector([], BLAZEFACE_FRONT_ANCHORS, { minScore: 5 })],
    ['decodeFaceDetector: maxFaces must be a non-negative integer', () => decodeFaceDetector([], BLAZEFACE_FRONT_ANCHORS, { maxFaces: -1 })],
    ['decodeMediapipeRows: minScore must be a number in [0, 1]; got undefined', () => decodeMediapipeRows([], BLAZEFACE_FRONT_ANCHORS, { what: 'x', keypoints: 6, iouThreshold: 0.3, maxDetections: 1 } as never)],
    ['decodeTfObjectDetection: inputWidth must be a positive finite number', () => decodeTfObjectDetection(new Float32Array(0), 1, new Float32Array(0), { threshold: 0.5, inputWidth: 0, inputHeight: 1 })],
    ['decodePoseNetMulti: refineSteps must be an integer from 0 to 64; got 1000', () => decodePoseNetMulti(posenet, { refineSteps: 1000 })],
    ['decodePoseNetMulti: tree must be a list of (parent, child) keypoint index pairs, each in [0, 17)', () => decodePoseNetMulti(posenet, { tree: [[0, 17]] })],
    ['decodePoseNetMulti: nmsRadius must be a finite number ≥ 0', () => decodePoseNetMulti(posenet, { nmsRadius: -1 })],
    ["decodeBlazePoseDetector: suppression must be 'weighted' or 'greedy'; got soft", () => decodeBlazePoseDetector([], { suppression: 'soft' as never })],
    ['decodeKeypointRcnn: personLabel must be an integer class id; got person', () => decodeKeypointRcnn(keypointRcnn, { personLabel: 'person' as never })],
    ["pasteMasks: output is mask; it must be 'binary' or 'probability'", () => pasteMasks({ dims: [0, 1, 28, 28], data: [] }, [], 10, 10, { output: 'mask' as never })],
    ["findContours: approximation is chain; it must be 'none' or 'simple'", () => findContours([1], 1, 1, { approximation: 'chain' as never })],
    ['weightedNms: scoreThreshold must be a number in [0, 1]', () => weightedNms([0, 0, 1, 1], [1], { scoreThreshold: 2 })],
  ];
  it.each(cases)('%s', async (message, call) => {
    const error = await refusal(call);
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toContain(message);
  });

  it('postprocessYolo names itself, not the decoder it calls, and still decodes with its own options', async () => {
    expect((await refusal(() => postprocessYolo(yolo, { format: 'v5', conf: 0.5 } as never))).message).toContain('postprocessYolo options has unknown option(s) conf');
    const data = new Float32Array(84);
    data.set([32, 32, 10, 10, 0.9]);
    const result = postprocessYolo({ dims: [1, 84, 1], data }, { format: 'v8', numClasses: 80, iouThreshold: 0.5, agnostic: true, maxDetections: 5 });
    expect(Array.from(result.boxes)).toEqual([27, 27, 37, 37]);
  });

  it('decodeTorchvisionSsd hands only the box-coder settings to decodeTorchvisionBoxes', () => {
    const anchors = torchvisionDefaultBoxes({ ...SSDLITE320_DEFAULT_BOXES, gridSizes: [[1, 1]], aspectRatios: [[]], imageWidth: 8, imageHeight: 8 });
    const n = anchors.length / 4;
    const candidates = decodeTorchvisionSsd({ bboxRegression: new Float32Array(n * 4), clsLogits: Float32Array.from({ length: n * 2 }, (_, i) => (i % 2 ? 5 : 0)) }, anchors, { imageWidth: 8, imageHeight: 8, scoreThresh: 0.5, weights: [10, 10, 5, 5] });
    expect(candidates.scores.length).toBe(n);
  });
});
