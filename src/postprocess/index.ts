/**
 * Post-processing: pure functions from raw model outputs (and the input transform) to
 * boxes, scores and classes in pixels of the original frame.
 */
export { softmax, sigmoid, topK } from './activations';
export type { TopKResult } from './activations';
export {
  convertBoxes,
  normalizeBoxes,
  denormalizeBoxes,
  clipBoxes,
  scaleBoxesToSource,
  scaleBoxesToInput,
  scaleKeypointsToSource,
} from './box-format';
export type { BoxFormat, ClipOptions, ScaleOptions, WritableNumberArray } from './box-format';
export { boxArea, boxAreas, iou, iouMatrix } from './iou';
export { nms, batchedNms } from './nms';
export type { NmsOptions } from './nms';
export { softNms } from './soft-nms';
export type { SoftNmsOptions, SoftNmsResult } from './soft-nms';
export { decodeClassification } from './classify';
export type { ClassificationDecodeOptions, ClassifierOutput } from './classify';
export { decodeCenterNet } from './detection-candidates';
export type { DetectionCandidates } from './detection-candidates';
export { decodeGfl } from './nanodet';
export type { GflDecodeOptions, GflLevel } from './nanodet';
export { decodeYoloV8 } from './yolo-v8';
export { decodeYoloV5 } from './yolo-v5';
export { decodeYoloEnd2End } from './yolo-end2end';
export type { YoloEnd2EndOptions } from './yolo-end2end';
export { postprocessYolo } from './yolo';
export type { YoloFormat, YoloPostprocessOptions } from './yolo';
export type { YoloCandidates, YoloDecodeOptions, YoloLayout, YoloOutputTensor } from './yolo-common';
export { mediapipeSsdAnchors, BLAZEFACE_FRONT_ANCHORS, BLAZEFACE_BACK_ANCHORS, BLAZEPOSE_DETECTOR_ANCHORS } from './ssd-anchors';
export type { MediapipeAnchorOptions } from './ssd-anchors';
export { torchvisionDefaultBoxes, defaultBoxesPerLocation, SSDLITE320_DEFAULT_BOXES } from './ssd-default-boxes';
export type { DefaultBoxOptions } from './ssd-default-boxes';
export { decodeMediapipeSsd } from './ssd-decode';
export type { MediapipeSsdDecodeOptions, KeypointCandidates } from './ssd-decode';
export { decodeTorchvisionBoxes, postprocessTorchvisionSsd } from './ssd-torchvision';
export type { BoxCoderOptions, TorchvisionSsdOptions, TorchvisionSsdHeadOutputs } from './ssd-torchvision';
export { weightedNms } from './weighted-nms';
export type { WeightedNmsOptions, WeightedNmsResult } from './weighted-nms';
export { COCO_KEYPOINTS, BLAZEPOSE_KEYPOINTS, COCO_SKELETON, BLAZEPOSE_SKELETON, POSENET_TREE, KEYPOINT_SETS } from './pose/keypoint-sets';
export type { KeypointSet, KeypointSetId, SkeletonEdge } from './pose/keypoint-sets';
export { decodeMoveNet, decodeMoveNetMultiPose } from './pose/movenet';
export { decodePoseNetSingle, decodePoseNetMulti } from './pose/posenet';
export type { PoseNetOutputs, PoseNetMultiOptions } from './pose/posenet';
export { decodeBlazePoseDetector, blazePoseRoi, decodeBlazePoseLandmarks } from './pose/blazepose';
export type { BlazePosePerson } from './pose/blazepose';
export { decodeKeypointRcnn } from './pose/keypoint-rcnn';
export type { KeypointRcnnOutputs } from './pose/keypoint-rcnn';
export type { RawPose } from './pose/raw-pose';
export { pasteMasks, pasteMaskProbabilities } from './masks/paste';
export type { InstanceMaskTensor, PasteMasksOptions } from './masks/paste';
export { yoloSegMasks } from './masks/yolo-seg';
export type { YoloProtoTensor, YoloSegMaskOptions } from './masks/yolo-seg';
export { findContours, maskToPolygons } from './masks/contours';
export type { Polygon, ContourOptions } from './masks/contours';
export { rleArea, rleIou } from './masks/rle';
