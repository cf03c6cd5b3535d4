/**
 * `visionpipe/testing`: synthetic scenes with known contents for tests, demos and training
 * experiments — captioning scenes (shapes, colours, relations), shape-detection scenes and
 * posed 3-D hand skeletons (gesture landmarks).
 */
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
} from '../training/captioner/caption-scenes';
export type { CaptionScene, SceneColour, SceneRelation, SceneShape, SceneSubject } from '../training/captioner/caption-scenes';
export { generateShapeScenes, flipSceneHorizontal } from '../training/detector/shape-scenes';
export type { SceneObject, ShapeKind, ShapeScene, ShapeSceneOptions } from '../training/detector/shape-scenes';
export { GESTURE_NAMES, POSED_GESTURES, generateHandPoses } from './hand-poses';
export type { GeneratedHand, GestureName, HandPoseOptions } from './hand-poses';
export { TYPICAL_HAND, poseHand, rotateAbout } from './hand-skeleton';
export type { DigitPose, HandPose, HandProportions, Vec3 } from './hand-skeleton';
