/**
 * A card whose `family` or `keypointSet` names what every object inherits (`constructor`,
 * `__proto__`, `toString`, `hasOwnProperty`) is refused when the pipeline is created, as any
 * unknown name is: the decoder tables found those names, so creation passed and every run
 * failed with a TypeError (or an `INVALID_INPUT` blaming the image). Fake runners: no model
 * runs here.
 */
import { describe, expect, it } from 'vitest';
import { CENTERNET_COCO, MOVENET_LIGHTNING, type ModelRunner, pipeline } from '../../src/node/index';
import type { ModelSpec } from '../../src/models/model-spec';
import { fakeRunner } from '../helpers/fake-runner';

const INHERITED = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];
/** A fake runner whose input is the card's (size and dtype). */
function runnerFor(spec: ModelSpec): ModelRunner {
  const runner = fakeRunner(spec.input.width, spec.input.height, 'nhwc', { out: { dims: [1, 1], data: new Float32Array(1) } });
  return { ...runner, inputs: [{ ...runner.inputs[0], dtype: spec.input.dtype ?? 'float32' }] };
}
const refused = (fragment: string) => expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining(fragment) });

describe('card names that every object inherits', () => {
  it.each(INHERITED)("family '%s': object detection, instance segmentation and pose refuse it at creation", async (name) => {
    const detection = { ...CENTERNET_COCO, family: name };
    await expect(pipeline('object-detection', { model: runnerFor(detection), spec: detection })).rejects.toEqual(refused(`no detection decoder for family '${name}'`));
    const instances = { ...CENTERNET_COCO, task: 'instance-segmentation', family: name } as ModelSpec;
    await expect(pipeline('instance-segmentation', { model: runnerFor(instances), spec: instances })).rejects.toEqual(refused(`no instance-segmentation decoder for family '${name}'`));
    const pose = { ...MOVENET_LIGHTNING, family: name } as unknown as typeof MOVENET_LIGHTNING;
    await expect(pipeline('pose-estimation', { model: runnerFor(pose), spec: pose })).rejects.toEqual(refused(`no pose decoder for family '${name}'`));
  });

  it.each(INHERITED)("keypointSet '%s': pose refuses it at creation", async (name) => {
    const pose = { ...MOVENET_LIGHTNING, pose: { ...MOVENET_LIGHTNING.pose, keypointSet: name } } as typeof MOVENET_LIGHTNING;
    await expect(pipeline('pose-estimation', { model: runnerFor(pose), spec: pose })).rejects.toEqual(refused(`unknown keypoint set '${name}'`));
  });
});
