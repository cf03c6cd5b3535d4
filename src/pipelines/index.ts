/**
 * Task pipelines (classification, detection, pose, segmentation, captioning), their option and
 * result types, the local task registry and the shared pipeline kit's public parts.
 */
export { SUPPORTED_TASKS } from './registry';
export type { PipelineTask, TaskOptions, TaskPipeline } from './registry';
export type { BasePipelineOptions, Pipeline } from './shared/pipeline-options';
export { ModelPipeline } from './shared/model-pipeline';
export { ClassificationPipeline, createClassificationPipeline } from './classification/classification-pipeline';
export type { ClassificationOptions, ClassificationRunOptions } from './classification/classification-types';
export { classificationViews } from './classification/classification-tta';
export type { ClassificationTta, ClassificationView } from './classification/classification-tta';
export { DetectionPipeline, createDetectionPipeline } from './detection/detection-pipeline';
export type { DetectionOptions, DetectionResult, DetectionRunOptions } from './detection/detection-types';
export { NMS_METHODS } from './detection/detection-types';
export type { DetectionNms } from './detection/detection-types';
export { detectionViews } from './detection/detection-tta';
export { canFilterCandidatesOnGpu, inferWithGpuCandidates, yoloRowRule } from './detection/gpu-candidates';
export type { GpuCandidateOutputs } from './detection/gpu-candidates';
export { canAssembleMasksOnGpu, decodeWithGpuMasks, inferKeepingProtos } from './segmentation/gpu-masks';
export type { ProtosOnGpu } from './segmentation/gpu-masks';
export type { DetectionTta, DetectionView } from './detection/detection-tta';
export { PoseEstimationPipeline, createPoseEstimationPipeline } from './pose/pose-pipeline';
export { nextCropRegion } from './pose/next-crop-region';
export type { NextCropOptions } from './pose/next-crop-region';
export type { Pose, PoseEstimationOptions, PoseKeypoint, PoseResult, PoseRunOptions, PoseWorldKeypoint } from './pose/pose-types';
export { ImageSegmentationPipeline, createImageSegmentationPipeline } from './segmentation/image-segmentation-pipeline';
export { InstanceSegmentationPipeline, createInstanceSegmentationPipeline } from './segmentation/instance-segmentation-pipeline';
export type {
  ImageSegmentationOptions,
  ImageSegmentationResult,
  ImageSegmentationRunOptions,
  InstanceSegmentationOptions,
  InstanceSegmentationResult,
  InstanceSegmentationRunOptions,
  SegmentedInstance,
} from './segmentation/segmentation-types';
export { ImageToTextPipeline, createImageToTextPipeline } from './captioning/image-to-text-pipeline';
export type { CaptionCandidate, CaptionModel, ImageToTextOptions, ImageToTextResult, ImageToTextRunOptions } from './captioning/captioning-types';
export { loadCaptionTokenizer } from './captioning/caption-tokenizer';
export type { CaptionTokenizer, TokenizerSource } from './captioning/caption-tokenizer';
export { FaceEmbeddingPipeline, createFaceEmbeddingPipeline } from './face-embedding/face-embedding-pipeline';
export type { FaceEmbedding, FaceEmbeddingOptions, FaceEmbeddingResult, FaceEmbeddingRunOptions } from './face-embedding/face-embedding-types';
export { FACERES_MATCH_THRESHOLD, FaceMatcher, cosineSimilarity } from './face-embedding/face-matcher';
export type { FaceMatch, FaceMatcherOptions, LabelledFace, SavedFaceMatcher } from './face-embedding/face-matcher';
export { HandLandmarkPipeline, createHandLandmarkPipeline } from './hands/hand-pipeline';
export { nextHandRegion } from './hands/next-hand-region';
export { rotatedHandRegion } from './hands/next-hand-region';
export { palmRegion } from './hands/palm-stage';
export { blazePoseRoi } from './pose/blazepose-roi';
export type { Hand, HandKeypoint, HandLandmarkOptions, HandResult, HandRunOptions, HandWorldKeypoint, Handedness } from './hands/hand-types';
export { FaceLandmarksPipeline, createFaceLandmarksPipeline } from './face/face-pipeline';
export type { Face, FaceLandmarksOptions, FaceLandmarksResult, FaceLandmarksRunOptions, FacePoint } from './face/face-types';
export { VideoMattingPipeline, createVideoMattingPipeline } from './matting/video-matting-pipeline';
export { recommendedDownsampleRatio } from './matting/recurrent-matting';
export type { MattingRefineOptions, VideoMattingOptions, VideoMattingResult, VideoMattingRunOptions } from './matting/matting-types';
export { FeatureExtractionPipeline, createFeatureExtractionPipeline } from './embeddings/feature-extraction-pipeline';
export type { FeatureExtractionBatchResult, FeatureExtractionOptions, FeatureExtractionResult } from './embeddings/feature-extraction-types';
export { SimilarityIndex } from './embeddings/similarity-index';
export type { SearchHit } from './embeddings/similarity-index';
export { deleteIndexFromIndexedDB, loadIndexFromIndexedDB, saveIndexToIndexedDB } from './embeddings/similarity-index-store';
export { FeatureExtractor, MOBILENET_V2_MID_LAYERS, createFeatureExtractor, loadMobileNetV2Backbone } from './embeddings/backbone';
export type { BackboneOptions } from './embeddings/backbone';
