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
export { boxArea, boxAreas, iou, iouMatrix } from './nms/iou';
export { nms, batchedNms } from './nms/nms';
export { suppressCandidates } from './nms/suppress';
export type { KeypointedCandidates, SuppressedCandidates, SuppressionMethod, SuppressionOptions } from './nms/suppress';
export type { NmsOptions } from './nms/nms';
export { softNms } from './nms/soft-nms';
export type { SoftNmsOptions, SoftNmsResult } from './nms/soft-nms';
export { weightedBoxesFusion } from './nms/wbf';
export type { FusionConfidence, FusionInput, FusionOptions, FusionResult } from './nms/wbf';
export { mergePredictions, MERGE_METHODS } from './nms/merge-predictions';
export type { MergeMethod, MergeOptions, MergedPredictions } from './nms/merge-predictions';
export { decodeClassification } from './classify';
export type { ClassificationDecodeOptions, ClassifierOutput } from './classify';
export { decodeCenterNet } from './detection/centernet';
export type { CenterNetDecodeOptions } from './detection/centernet';
export type { DetectionCandidates } from './detection/candidates';
export { decodeGfl } from './detection/nanodet';
export type { GflDecodeOptions, GflLevel } from './detection/nanodet';
export { decodeYoloV8 } from './detection/yolo-v8';
export { decodeYoloV5 } from './detection/yolo-v5';
export { decodeYoloEnd2End } from './detection/yolo-end2end';
export type { YoloEnd2EndOptions } from './detection/yolo-end2end';
export { postprocessYolo } from './detection/yolo-postprocess';
export type { YoloFormat, YoloPostprocessOptions } from './detection/yolo-postprocess';
export type { YoloCandidates, YoloDecodeOptions, YoloLayout, YoloOutputTensor } from './detection/yolo-common';
export { mediapipeSsdAnchors, BLAZEFACE_FRONT_ANCHORS, BLAZEFACE_BACK_ANCHORS, BLAZEPOSE_DETECTOR_ANCHORS } from './detection/mediapipe-ssd-anchors';
export type { MediapipeAnchorOptions } from './detection/mediapipe-ssd-anchors';
export { torchvisionDefaultBoxes, defaultBoxesPerLocation, SSDLITE320_DEFAULT_BOXES } from './detection/torchvision-ssd-boxes';
export type { DefaultBoxOptions } from './detection/torchvision-ssd-boxes';
export { decodeMediapipeSsd } from './detection/mediapipe-ssd';
export type { MediapipeSsdDecodeOptions, KeypointCandidates } from './detection/mediapipe-ssd';
export { decodeMediapipeRows } from './detection/mediapipe-rows';
export type { MediapipeRowDetection, MediapipeRowsOptions } from './detection/mediapipe-rows';
export { decodeTorchvisionBoxes, decodeTorchvisionSsd, postprocessTorchvisionSsd } from './detection/torchvision-ssd';
export type { BoxCoderOptions, TorchvisionSsdOptions, TorchvisionSsdHeadOutputs } from './detection/torchvision-ssd';
export { COCO_ID_TO_80, decodeTfObjectDetection } from './detection/tf-object-detection';
export type { TfObjectDetectionOptions } from './detection/tf-object-detection';
export { weightedNms } from './nms/weighted-nms';
export type { WeightedNmsOptions, WeightedNmsResult } from './nms/weighted-nms';
export { COCO_KEYPOINTS, BLAZEPOSE_KEYPOINTS, COCO_SKELETON, BLAZEPOSE_SKELETON, POSENET_TREE, KEYPOINT_SETS } from './pose/keypoint-sets';
export type { KeypointSet, KeypointSetId, SkeletonEdge } from './pose/keypoint-sets';
export { decodeMoveNet, decodeMoveNetMultiPose } from './pose/movenet';
export { decodePoseNetSingle, decodePoseNetMulti } from './pose/posenet';
export type { PoseNetOutputs, PoseNetMultiOptions } from './pose/posenet';
export { decodeBlazePoseAuxiliary, decodeBlazePoseDetector, decodeBlazePoseLandmarks, refineFromHeatmap } from './pose/blazepose';
export type { BlazePoseDetectorOptions, BlazePosePerson } from './pose/blazepose';
export { decodeKeypointRcnn } from './pose/keypoint-rcnn';
export type { KeypointRcnnDecodeOptions, KeypointRcnnOutputs } from './pose/keypoint-rcnn';
export type { RawPose } from './pose/raw-pose';
export { pasteMasks, pasteMaskProbabilities } from './masks/paste';
export type { InstanceMaskTensor, PasteMasksOptions } from './masks/paste';
export { yoloSegMasks } from './masks/yolo-seg';
export type { YoloProtoTensor, YoloSegMaskOptions } from './masks/yolo-seg';
export { yoloSegMaskPlan } from './masks/yolo-seg-plan';
export { findContours, maskToPolygons } from './masks/contours';
export type { Polygon, ContourOptions } from './masks/contours';
export { rleArea, rleIou } from './masks/rle';
export { beamSearch } from './caption/beam-search';
export { greedyDecode } from './caption/greedy';
export { resolveGeneration } from './caption/generation-options';
export type { GenerationOptions, ResolvedGeneration } from './caption/generation-options';
export { decodeFaceResAge, decodeGender, l2Normalize } from './face-embedding/face-descriptor';
export type { GenderEstimate } from './face-embedding/face-descriptor';
export { HAND_CONNECTIONS, HAND_KEYPOINT_NAMES } from './hands/hand-keypoints';
export { HANDTRACK_CLASSES, decodeHandTrack } from './hands/handtrack';
export { decodeHandLandmarks, decodeHandWorldLandmarks } from './hands/hand-landmarks';
export type { CropHand } from './hands/hand-landmarks';
export { turnWorldLandmarks } from './world-landmarks';
export { PALM_KEYPOINTS, decodePalmDetector } from './hands/palm-detector';
export type { DetectedPalm, PalmDecodeOptions } from './hands/palm-detector';
export { FACE_MESH_CONNECTIONS, FACE_CONTOUR_PARTS } from './face/face-mesh-topology';
export type { FaceConnection, FaceMeshPart } from './face/face-mesh-topology';
export { decodeFaceDetector } from './face/face-detector';
export type { DetectedFace, FaceDetectorDecodeOptions } from './face/face-detector';
export { faceCrop, cropToImage } from './face/face-roi';
export type { FaceCrop } from './face/face-roi';
export { eyeCrops, mergeIris } from './face/iris';
export { refineWithAttention } from './face/attention';
export type { AttentionParts } from './face/attention';
export { GuidedFilterWorkspace, boxMean, guidedCoefficients, guidedFilter } from './masks/guided-filter';
export type { GuidedFilterOptions } from './masks/guided-filter';
export { FastGuidedFilterWorkspace, fastGuidedFilter, fastGuidedFilterInto, fastGuidedGridSize, subsampleGuide } from './masks/fast-guided-filter';
export type { FastGuidedApplyOptions, FastGuidedFilterOptions, GuidePixels } from './masks/fast-guided-filter';
export { smoothWithPrevious, uncertainty } from './masks/temporal-smoothing';
export { resizePlane } from './masks/upsample';
export { pooledEmbeddings } from './embeddings/pooled-embeddings';
export type { FeatureLayout } from './embeddings/pooled-embeddings';
