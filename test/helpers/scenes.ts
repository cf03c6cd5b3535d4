import { decodeImageFile } from '../../src/node/index';
import type { RawImage } from '../../src/core/image-input';
import { type ShapeKind, type ShapeScene, generateShapeScenes } from '../../src/testing/index';
import { facePhoto, fixturePhoto } from './photos';

let backgrounds: Promise<RawImage[]> | undefined;

/** Real photos used as scene backgrounds (face-api group photos + scikit-image samples), decoded once per process. */
export function sceneBackgrounds(): Promise<RawImage[]> {
  backgrounds ??= Promise.all([facePhoto(1), facePhoto(2), facePhoto(3), fixturePhoto('astronaut'), fixturePhoto('chelsea'), fixturePhoto('coffee')].map((p) => decodeImageFile(p)));
  return backgrounds;
}

/** Generated shape scenes (64 px) on real photo crops; train and held-out splits use different seeds. */
export async function shapeScenes(count: number, seed: number, classes?: readonly ShapeKind[], size = 64): Promise<ShapeScene[]> {
  return generateShapeScenes({ count, seed, classes, size, backgrounds: await sceneBackgrounds() });
}
