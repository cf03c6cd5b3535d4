// The caption scene generator lives in the SDK (visionpipe/testing, src/testing/index.ts);
// the tests keep their short names.
export {
  CAPTION_SCENE_SIZE as SCENE_SIZE,
  type CaptionScene,
  HELD_OUT_SUBJECTS as HELD_OUT,
  SCENE_COLOURS as COLOURS,
  SCENE_RELATIONS as RELATIONS,
  SCENE_SHAPES as SHAPES,
  type SceneColour as Colour,
  type SceneRelation as Relation,
  type SceneShape as Shape,
  type SceneSubject as Combo,
  captionScenes,
  isHeldOutSubject as isHeldOut,
  renderCaptionScene as renderScene,
  sceneCaption as captionOf,
} from '../../src/testing/index';
