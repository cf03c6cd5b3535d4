// The detection demo's model picker: four COCO detectors with their licences; COCO-SSD (fetched
// into the model cache, served by the demo server from there) detects the people of the fake
// camera's stream; YOLOv5s is marked as copyleft.
import { beforeAll, describe, expect, it } from 'vitest';
import { COCO_SSD, YOLOV5S_COCO } from '../../src/models/zoo-cards';
import { TEST_MODEL_CACHE, fetchForTest } from '../models/zoo-cache';
import { useDemoSite, waitForDemo } from './helpers';

// the demo server (a child process started by useDemoSite) reads the model cache from here
process.env.VISIONPIPE_CACHE = TEST_MODEL_CACHE;

beforeAll(async () => {
  await fetchForTest(COCO_SSD);
  await fetchForTest(YOLOV5S_COCO);
});

const site = useDemoSite();

describe('detection page model picker', () => {
  it('offers four detectors with licences; COCO-SSD from the model cache finds the people of the stream', async () => {
    const { page, log } = await site.browser.newPage();
    await page.goto(`${site.server.url}?backend=wasm&model=coco-ssd`);
    expect(await page.locator('#model option').allTextContents()).toEqual(['CenterNet (MIT)', 'NanoDet (Apache-2.0)', 'COCO-SSD (Apache-2.0)', 'YOLOv5s (AGPL-3.0)']);
    expect(await page.locator('#model').inputValue()).toBe('coco-ssd');
    expect(await page.locator('#license').textContent()).toMatch(/^Licence: Apache-2\.0\. Source: https:\/\/github\.com\/tensorflow\/tfjs-models/);
    const state = await waitForDemo(page, log, (s) => s.results >= 2 && (s.summary as { label: string }[]).some((d) => d.label === 'person'));
    expect(state.source).toBe('camera');
    await page.close();
  });

  it('picking YOLOv5s reloads the page with it and warns that it is copyleft', async () => {
    const { page } = await site.browser.newPage();
    await page.goto(`${site.server.url}?backend=wasm`);
    await page.locator('#model').selectOption('yolov5s-coco');
    await page.waitForURL(/model=yolov5s-coco/);
    await expect.poll(() => page.locator('#license').textContent()).toMatch(/^Licence: AGPL-3\.0 — copyleft/);
    expect(await page.locator('#license').getAttribute('class')).toContain('warning');
    const response = await page.request.get(`${site.server.url}models/yolov5/dist/src/model_s/model.json`);
    expect(response.status()).toBe(200);
    expect((await response.json()).format).toBe('graph-model');
    await page.close();
  });
});
