/**
 * Checks of the detector's training scenes, run before any tensor is made.
 */
import { VisionError } from '../../core/errors';
import { shownValue } from '../../core/shown-value';
import { checkNumber, checkObject } from '../checks';
import type { SceneObject, ShapeScene } from './shape-scenes';

/** What the scenes must match: the detector's input side, class count and mask prototypes. */
interface SceneSpec {
  size: number;
  numClasses: number;
  numPrototypes: number;
}

function checkObjectOf(o: SceneObject, where: string, spec: SceneSpec): void {
  checkObject(o, where, 'INVALID_INPUT');
  const { classId, box, mask } = o;
  if (!(Number.isInteger(classId) && classId >= 0 && classId < spec.numClasses)) {
    throw new VisionError('INVALID_INPUT', `${where}.classId is ${shownValue(classId)}; it must be an integer from 0 to ${spec.numClasses - 1}`);
  }
  checkObject(box, `${where}.box`, 'INVALID_INPUT');
  for (const key of ['x1', 'y1', 'x2', 'y2'] as const) checkNumber(box[key], `${where}.box.${key}`, 'finite', 'INVALID_INPUT');
  if (!(box.x2 > box.x1 && box.y2 > box.y1)) {
    throw new VisionError('INVALID_INPUT', `${where}.box is (${box.x1}, ${box.y1})–(${box.x2}, ${box.y2}); it needs x2 > x1 and y2 > y1`);
  }
  if (!(box.x1 < spec.size && box.y1 < spec.size && box.x2 > 0 && box.y2 > 0)) {
    throw new VisionError('INVALID_INPUT', `${where}.box (${box.x1}, ${box.y1})–(${box.x2}, ${box.y2}) lies wholly outside the ${spec.size}×${spec.size} scene; a box must overlap its image (drop the object, or clip its box)`);
  }
  if (spec.numPrototypes === 0) return;
  if (mask?.length !== spec.size * spec.size) {
    throw new VisionError('INVALID_INPUT', `${where}.mask has ${shownValue(mask?.length)} values; a ${spec.size}×${spec.size} scene needs ${spec.size * spec.size}`);
  }
  const bad = mask.findIndex((v) => v !== 0 && v !== 1);
  if (bad >= 0) {
    throw new VisionError('INVALID_INPUT', `${where}.mask[${bad}] is ${shownValue(mask[bad])}; mask values must be 0 (outside) or 1 (inside) — divide a 0/255 mask by 255`);
  }
}

function checkScene(scene: ShapeScene, where: string, spec: SceneSpec): void {
  checkObject(scene, where, 'INVALID_INPUT');
  checkObject(scene.image, `${where}.image`, 'INVALID_INPUT');
  const { width, height, data } = scene.image;
  if (width !== spec.size || height !== spec.size) {
    throw new VisionError('INVALID_INPUT', `${where}.image is ${shownValue(width)}×${shownValue(height)}; training scenes must be ${spec.size}×${spec.size}`);
  }
  if (data?.length !== spec.size * spec.size * 3) {
    throw new VisionError('INVALID_INPUT', `${where}.image.data has ${shownValue(data?.length)} values; a ${spec.size}×${spec.size} RGB scene needs ${spec.size * spec.size * 3}`);
  }
  const bad = data.findIndex((v) => !(v >= 0 && v <= 255));
  if (bad >= 0) throw new VisionError('INVALID_INPUT', `${where}.image.data[${bad}] is ${shownValue(data[bad])}; pixel values must be numbers from 0 to 255`);
  if (!Array.isArray(scene.objects)) throw new VisionError('INVALID_INPUT', `${where}.objects is ${shownValue(scene.objects)}; it must be an array`);
  for (const [k, o] of scene.objects.entries()) checkObjectOf(o, `${where}.objects[${k}]`, spec); // entries(): a hole is checked too
}

/**
 * Throws `INVALID_INPUT` unless `scenes` is a non-empty array of scenes of the detector's size
 * with pixel values from 0 to 255, whose objects have class ids in range, finite boxes with
 * x2 > x1 and y2 > y1 that overlap the image, and (with a mask head) one mask value per pixel,
 * each 0 or 1.
 *
 * @example
 * ```ts
 * checkScenes(scenes, { size: 64, numClasses: 3, numPrototypes: 8 });
 * ```
 */
export function checkScenes(scenes: readonly ShapeScene[], spec: SceneSpec): void {
  if (!Array.isArray(scenes)) throw new VisionError('INVALID_INPUT', `scenes is ${shownValue(scenes)}; it must be an array of scenes`);
  if (scenes.length === 0) throw new VisionError('INVALID_INPUT', 'trainDetector needs at least one scene');
  for (const [i, s] of scenes.entries()) checkScene(s, `scenes[${i}]`, spec);
}
