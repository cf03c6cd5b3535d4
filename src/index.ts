export { VisionError, isVisionError } from './core/errors';
export type { VisionErrorCode } from './core/errors';
export type { Box, Classification, Detection, ImageSize, InputTransform, Keypoint, Timing } from './core/types';
export type { DrawableImage, ImageInput, RawImage } from './core/image-input';
export { setPlatform } from './core/platform';
export type { Platform } from './core/platform';

export { loadModel } from './runtime/load-model';
export type { AnyModelSource, LoadModelOptions, ModelFormat } from './runtime/load-model';
export type { Feed, ModelRunner, RawTensor, RunOptions, TensorDataType, TensorInfo } from './runtime/model-runner';
export type { LoadOptions, LoadProgress, ModelSource } from './runtime/model-source';
export { createTfjsRunner, TfjsRunner } from './runtime/tfjs-runner';
export { createOnnxRunner, OnnxRunner } from './runtime/onnx-runner';
export type { OnnxExecutionProvider, OnnxRunnerOptions } from './runtime/onnx-runner';
export { selectTfjsBackend, TFJS_BACKENDS } from './runtime/tfjs-backend';
export type { TfjsBackendName, TfjsBackendOptions } from './runtime/tfjs-backend';
export { loadPackedModel } from './runtime/packed-model';
export type { PackedModelSource } from './runtime/packed-model';
export type { TfjsModelFiles } from './runtime/tfjs-artifacts';

export { imageToTensor } from './preprocess/to-tensor';
export { prepareImage } from './preprocess/prepare';
export type { InputSpec, PreparedInput } from './preprocess/prepare';
export { centerCrop, letterbox, resize } from './preprocess/geometry';
export type { Interpolation } from './preprocess/geometry';
export { normalize } from './preprocess/normalize';
export type { Normalization } from './preprocess/normalize';

export * from './postprocess/index';

export { COCO_LABELS, TORCHVISION_COCO_LABELS } from './models/coco-labels';
export { BLAZEFACE, CENTERNET_COCO, MODEL_CATALOG, NANODET_COCO, NSFW_MOBILENET_V2, getModelSpec, resolveModelLocation } from './models/catalog';
export type { DetectionHeadSpec, ModelLocation, ModelSpec, TaskName } from './models/model-spec';
export { yoloModel } from './models/yolo-card';
export { COCO_SSD, YOLOV5S_COCO } from './models/zoo-cards';
export type { YoloCardOptions, YoloVersion } from './models/yolo-card';
export { parseClassNames, readOnnxMetadata } from './runtime/onnx-metadata';

export { pipeline, SUPPORTED_TASKS } from './pipelines/registry';
export type { PipelineTask, TaskOptions, TaskPipeline } from './pipelines/registry';
export type { BasePipelineOptions, Pipeline, TimedResult } from './pipelines/pipeline-options';
export { ModelPipeline } from './pipelines/model-pipeline';
export { ClassificationPipeline, createClassificationPipeline } from './pipelines/classification/classification-pipeline';
export type { ClassificationOptions, ClassificationResult, ClassificationRunOptions } from './pipelines/classification/classification-types';
export { DetectionPipeline, createDetectionPipeline } from './pipelines/detection/detection-pipeline';
export type { DetectionOptions, DetectionResult, DetectionRunOptions } from './pipelines/detection/detection-types';
export * from './track/index';
export * from './render/index';
export { PoseEstimationPipeline, createPoseEstimationPipeline } from './pipelines/pose/pose-pipeline';
export type { Pose, PoseEstimationOptions, PoseKeypoint, PoseResult, PoseRunOptions } from './pipelines/pose/pose-types';
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
} from './models/pose-cards';
export type { PoseFamily, PoseHeadSpec, PoseModelSpec } from './models/pose-cards';
export { Mask } from './core/mask';
export type { MaskBounds, MaskImageData, MaskImageOptions, MaskKind, MaskRle, PackedMask } from './core/mask';
export { MEET_SEGMENTATION, SELFIE_SEGMENTATION, maskRcnnModel, yoloSegModel } from './models/segmentation-cards';
export type { MaskRcnnCardOptions, SegmentationHead, SegmentationModelSpec } from './models/segmentation-cards';
export { ImageSegmentationPipeline, createImageSegmentationPipeline } from './pipelines/segmentation/image-segmentation-pipeline';
export { InstanceSegmentationPipeline, createInstanceSegmentationPipeline } from './pipelines/segmentation/instance-segmentation-pipeline';
export type {
  ImageSegmentationOptions,
  ImageSegmentationResult,
  ImageSegmentationRunOptions,
  InstanceSegmentationOptions,
  InstanceSegmentationResult,
  InstanceSegmentationRunOptions,
  SegmentedInstance,
} from './pipelines/segmentation/segmentation-types';
export * from './camera/index';
export * from './worker/index';
export { ImageToTextPipeline, createImageToTextPipeline } from './pipelines/captioning/image-to-text-pipeline';
export type { CaptionCandidate, CaptionModel, ImageToTextOptions, ImageToTextResult, ImageToTextRunOptions } from './pipelines/captioning/captioning-types';
export { loadCaptionTokenizer } from './pipelines/captioning/caption-tokenizer';
export type { CaptionTokenizer, TokenizerSource } from './pipelines/captioning/caption-tokenizer';
export { beamSearch } from './postprocess/caption/beam-search';
export { greedyDecode } from './postprocess/caption/greedy';
export type { GenerationOptions } from './postprocess/caption/generation-options';
export { corpusBleu } from './eval/bleu';
export type { BleuOptions, BleuResult, BleuSentence, BleuSmoothing } from './eval/bleu';
export { trainCaptioner } from './training/captioner/train-captioner';
export type { CaptionEpoch, CaptionExample, TrainCaptionerOptions, TrainedCaptioner } from './training/captioner/train-captioner';
export { Captioner } from './training/captioner/captioner';
export type { CaptionerConfig, SavedCaptioner } from './training/captioner/captioner';
export { CaptionVocabulary } from './training/captioner/vocabulary';
export {
  CAPTION_SCENE_SIZE,
  HELD_OUT_SUBJECTS,
  SCENE_COLOURS,
  SCENE_RELATIONS,
  SCENE_SHAPES,
  captionScenes,
  isHeldOutSubject,
  renderCaptionScene,
  sceneCaption,
} from './training/captioner/caption-scenes';
export type { CaptionScene, SceneColour, SceneRelation, SceneShape, SceneSubject } from './training/captioner/caption-scenes';
export { generateShapeScenes, flipSceneHorizontal } from './training/detector/shape-scenes';
export type { SceneObject, ShapeKind, ShapeScene, ShapeSceneOptions } from './training/detector/shape-scenes';
export { TrainableDetector, withLabels } from './training/detector/detector-model';
export type { DetectorConfig, DetectorForward } from './training/detector/detector-model';
export { detectorFromLayersModel, detectorToLayersModel } from './training/detector/detector-export';
export { trainDetector } from './training/detector/train-detector';
export type { DetectorStepLog, TrainDetectorOptions, TrainDetectorResult } from './training/detector/train-detector';
export { COCO_IOU_THRESHOLDS, meanAveragePrecision } from './eval/map';
export type { MapImage, MapOptions, MapResult } from './eval/map';
export * from './training/index';
export { accuracy, argmaxRows, confusionMatrix, perClassMetrics } from './eval/classification';
export type { ClassMetrics } from './eval/classification';
export { maskIoU, meanMaskIoU } from './eval/mask-iou';
export { TrainingWorker, createTrainingWorker } from './worker/training-worker';
export type { TrainOptions, TrainingWorkerOptions } from './worker/training-worker';
export type { SampleCounts, TrainerApi, TrainerInfo, TrainerSettings, TrainerSetup, TrainingEvent, TrainingSummary } from './worker/trainer-protocol';
