/**
 * Model cards: the catalogue, label sets and the card builders of every task family.
 */
export { COCO_LABELS, TORCHVISION_COCO_LABELS } from './coco-labels';
export { BLAZEFACE, CENTERNET_COCO, MODEL_CATALOG, NANODET_COCO, NSFW_MOBILENET_V2, getModelSpec, resolveModelLocation } from './catalog';
export type { DetectionHeadSpec, ModelLocation, ModelSpec, ModelStage, TaskName } from './model-spec';
export { yoloModel } from './yolo-card';
export type { YoloCardOptions, YoloVersion } from './yolo-card';
export {
  BLAZEPOSE_DETECTOR,
  BLAZEPOSE_FULL,
  BLAZEPOSE_HEAVY,
  BLAZEPOSE_LITE,
  MOVENET_LIGHTNING,
  MOVENET_MULTIPOSE,
  MOVENET_THUNDER,
  POSENET_MOBILENET,
  POSE_MODEL_CARDS,
  keypointRcnnModel,
} from './pose-cards';
export type { PoseFamily, PoseHeadSpec, PoseModelSpec } from './pose-cards';
export { MEET_SEGMENTATION, SELFIE_SEGMENTATION, maskRcnnModel, yoloSegModel } from './segmentation-cards';
export type { MaskRcnnCardOptions, SegmentationHead, SegmentationModelSpec } from './segmentation-cards';
export { COCO_SSD, YOLOV5S_COCO } from './zoo-cards';
export { FACERES, FACE_EMBEDDING_CARDS } from './face-embedding-cards';
export type { FaceEmbeddingHead, FaceEmbeddingModelSpec } from './face-embedding-cards';
export { HANDLANDMARK_FULL, HANDLANDMARK_LITE, HANDTRACK, HAND_MODEL_CARDS } from './hand-cards';
export type { HandLandmarkOutputs, HandModelSpec } from './hand-cards';
export { PALM_DETECTOR } from './hand-cards';
export type { PalmDetectorSpec } from './hand-cards';
export { FACEMESH, FACEMESH_ATTENTION, FACE_DETECTOR_CARDS, FACE_DETECTOR_FULL, FACE_DETECTOR_SHORT, FACE_MODEL_CARDS, IRIS } from './face-cards';
export type { FaceDetectorSpec, FaceMeshFamily, FaceMeshHeadSpec, FaceMeshModelSpec } from './face-cards';
export { RVM_MOBILENETV3 } from './matting-cards';
export type { RecurrentMattingHead, RecurrentMattingSpec } from './matting-cards';
export { MOBILENET_V2_FEATURES, MOBILENET_V2_FLATTEN_FEATURES } from './embedding-cards';
