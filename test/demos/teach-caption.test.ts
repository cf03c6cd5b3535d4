// The teach and caption pages of `npm start` in headless Chromium (wasm backend, fake camera
// playing a pan over a group photo). Teach: one class from the camera stream (people), one
// from uploaded photos (crops of a cat and a cup of coffee); the page's Web Worker embeds and
// trains with per-epoch progress while the main thread stays free of long tasks (≥ 50 ms,
// PerformanceObserver 'longtask'), then classifies the live stream and saves to IndexedDB.
// Caption: the server-trained shape-scene captioner captions new generated scenes (exact
// match / BLEU against their ground truth), an uploaded photo and a webcam frame; a bad ONNX
// export URL shows a clear error. Without a camera, teach works from uploads alone.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusBleu } from '../../src/eval/bleu';
import type { EpochLog } from '../../src/training/fit';
import { type TestBrowser, launchChromium } from '../browser/chromium';
import { facePhoto, fixturePhoto } from '../helpers/photos';
import { type DemoState, SHOTS, useDemoSite, waitForDemo } from './helpers';

interface TeachState extends DemoState {
  teach: {
    counts: number[];
    training: 'idle' | 'running' | 'done' | 'cancelled' | 'failed';
    epochs: EpochLog[];
    batches: number;
    trainWindow: { start: number; end: number | null } | null;
    longTasks: { start: number; duration: number }[];
    longFrames: { start: number; duration: number; scripts: { name: string; ms: number }[] }[];
    saved: string | null;
  };
}
interface CaptionState extends DemoState {
  caption: { scenes: { truth: string; caption: string; unseen: boolean }[]; model: string; caption: string | null };
}
type Classes = { label: string; score: number }[];

const PHOTOS = join(SHOTS, 'teach-photos');

/** Square crops (seeded positions, 55–95 % of the short side) of a photo as PNG files to upload. */
async function photoCrops(name: 'chelsea' | 'coffee', count: number, seed: number): Promise<string[]> {
  mkdirSync(PHOTOS, { recursive: true });
  const { width = 0, height = 0 } = await sharp(fixturePhoto(name)).metadata();
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const t = (Math.sin(seed * 31 + i * 7.3) + 1) / 2;
    const side = Math.round(Math.min(width, height) * (0.55 + 0.4 * t));
    const left = Math.round((width - side) * ((i * 0.45 + seed * 0.17) % 1));
    const top = Math.round((height - side) * ((i * 0.3 + t) % 1));
    const file = join(PHOTOS, `${name}-${seed}-${i}.png`);
    await sharp(fixturePhoto(name)).extract({ left, top, width: side, height: side }).resize(320, 320).png().toFile(file);
    files.push(file);
  }
  return files;
}

const site = useDemoSite();

describe('teach page (fake camera, wasm worker)', () => {
  it('collects camera and photo samples, trains in the worker without long main-thread tasks, then classifies the stream', async () => {
    const { page, log } = await site.browser.newPage();
    await page.goto(`${site.server.url}teach?backend=wasm`);
    expect(await page.locator('nav a', { hasText: 'Teach' }).getAttribute('class')).toBe('current');
    await page.waitForFunction(() => !(document.getElementById('classes') as HTMLFieldSetElement).disabled, null, { timeout: 90_000 });
    await waitForDemo<TeachState>(page, log, (s) => s.backend === 'wasm' && s.source === 'camera');

    const collectStart = await page.evaluate(() => performance.now());
    await page.fill('#name-0', 'people');
    await page.fill('#name-1', 'cat & coffee');
    await page.fill('#per-click', '8');
    await page.click('#collect-0');
    await waitForDemo<TeachState>(page, log, (s) => s.teach.counts[0] === 8, 60_000);
    // the collection ends (its last status line written) 100 ms after the eighth sample counts:
    // train only then, or that line replaces the hint before a loaded machine reads it
    await page.waitForFunction(() => !(document.getElementById('collect-0') as HTMLButtonElement).disabled, null, { timeout: 10_000 });
    // training with a class still empty is a hint, not a failure (before: a red INVALID_INPUT and a console error)
    await page.click('#train');
    await expect.poll(() => page.locator('#status').textContent()).toBe("Add at least 2 samples to each class before training ('cat & coffee' has 0).");
    expect(await page.locator('#status').getAttribute('class')).not.toContain('error');
    expect(await page.evaluate(() => (globalThis as unknown as { demo: DemoState }).demo.error)).toBeNull();
    await page.locator('#files-1').setInputFiles([...(await photoCrops('chelsea', 4, 1)), ...(await photoCrops('coffee', 4, 2))]);
    await waitForDemo<TeachState>(page, log, (s) => s.teach.counts[1] === 8, 60_000);
    expect(await page.locator('#count-1').textContent()).toBe('8');

    await page.fill('#epochs', '100'); // long enough (a few seconds) to watch the main thread while the worker trains
    await page.click('#train');
    const trained = await waitForDemo<TeachState>(page, log, (s) => s.teach.training === 'done', 120_000);
    const { epochs, batches, trainWindow } = trained.teach;
    console.log(`teach: ${epochs.length} epochs, ${batches} batches in ${((trainWindow!.end! - trainWindow!.start) / 1000).toFixed(1)} s; accuracy ${epochs.slice(0, 6).map((e) => e.accuracy.toFixed(2)).join(' ')} … ${epochs.at(-1)!.accuracy.toFixed(2)}; val ${epochs.slice(0, 6).map((e) => e.valAccuracy?.toFixed(2)).join(' ')} … ${epochs.at(-1)!.valAccuracy?.toFixed(2)}`);
    expect(epochs).toHaveLength(100);
    expect(batches).toBe(100 * 2); // 12 training samples (4 of 16 held out) in batches of 8
    expect(epochs.at(-1)!.loss).toBeLessThan(epochs[0].loss);
    expect(epochs.at(-1)!.accuracy).toBeGreaterThan(epochs[0].accuracy); // rising accuracy
    expect(epochs.at(-1)!.accuracy).toBeGreaterThanOrEqual(0.9);
    // (the 4 validation samples are cut from the same camera clip and photos as the training ones:
    // the held-out check is the group photos classified below)
    expect(epochs.at(-1)!.valAccuracy).toBeGreaterThanOrEqual(0.75);

    // Long tasks from the first sample (embedding happens in the worker as samples arrive) to the
    // trained classifier. On an overloaded machine the OS can stall the page's main thread whatever
    // the page does (one CI run saw a single 77–80 ms task in each of two runs, one with no script
    // in it), so a run is clean with at most one task of 50–100 ms; one that is not is followed by
    // one more training run, which must be clean. Embedding or training on the main thread would
    // give a long task per sample or batch in every run.
    const longTasksIn = (state: TeachState, from: number) => {
      const end = state.teach.trainWindow!.end!;
      const tasks = state.teach.longTasks.filter((t) => t.start + t.duration >= from && t.start <= end);
      const frames = state.teach.longFrames.filter((f) => f.start + f.duration >= from && f.start <= end);
      console.log(`long tasks ${from.toFixed(0)}–${end.toFixed(0)} ms: ${JSON.stringify(tasks.map((t) => Math.round(t.duration)))}; long frames' scripts: ${JSON.stringify(frames.map((f) => f.scripts))}`);
      return tasks;
    };
    const clean = (tasks: { duration: number }[]) => tasks.length <= 1 && tasks.every((t) => t.duration < 100);
    let during = longTasksIn(trained, collectStart);
    if (!clean(during)) {
      // the retry watches the same span as the first run: collecting (embedding) and training
      const recollectStart = await page.evaluate(() => performance.now());
      await page.click('#collect-0');
      await waitForDemo<TeachState>(page, log, (s) => s.teach.counts[0] === 16, 60_000);
      await page.click('#train');
      const again = await waitForDemo<TeachState>(page, log, (s) => s.teach.training === 'done' && s.teach.trainWindow!.start > trainWindow!.end!, 120_000);
      during = longTasksIn(again, recollectStart);
    }
    expect(clean(during), JSON.stringify(during)).toBe(true);
    // the observer does see a long task when there is one (a 120 ms busy timer task on the main thread)
    await page.evaluate(() =>
      setTimeout(() => {
        const until = performance.now() + 120;
        while (performance.now() < until) {
          // busy
        }
      }, 0),
    );
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { demo: TeachState }).demo.teach.longTasks.filter((t) => t.duration >= 100).length)).toBeGreaterThanOrEqual(1);

    const before = await page.evaluate(() => (globalThis as unknown as { demo: DemoState }).demo.results);
    const live = await waitForDemo<TeachState>(page, log, (s) => s.results >= before + 3 && s.source === 'camera', 60_000);
    const classes = live.summary as Classes;
    expect(classes.map((c) => c.label).sort()).toEqual(['cat & coffee', 'people']);
    expect(classes[0].label).toBe('people');
    expect(classes[0].score).toBeGreaterThan(0.6);
    await page.screenshot({ path: join(SHOTS, 'teach-page.png'), fullPage: true });

    // a photo that cannot be read, chosen while the stream is classified: the error shows and live
    // classification goes on (it stopped, leaving a frozen label on the moving video)
    await page.locator('#upload').setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not an image') });
    await expect.poll(() => page.locator('#status').textContent(), { timeout: 30_000 }).toMatch(/^Could not classify notes\.png/);
    const afterBad = await page.evaluate(() => (globalThis as unknown as { demo: DemoState }).demo.results);
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { demo: DemoState }).demo.results), { timeout: 60_000 }).toBeGreaterThanOrEqual(afterBad + 3);
    expect(await page.evaluate(() => (globalThis as unknown as { demo: DemoState }).demo.source)).toBe('camera');

    // photos the classifier never saw: two other group photos are 'people'
    for (const n of [2, 6] as const) {
      await page.locator('#upload').setInputFiles(facePhoto(n));
      await expect.poll(() => page.locator('#status').textContent(), { timeout: 60_000 }).toMatch(new RegExp(`^sample${n}\\.jpg: (people|cat & coffee)\\.`));
      expect(await page.locator('#status').textContent()).toMatch(new RegExp(`^sample${n}\\.jpg: people\\.`));
    }

    await page.click('#save-idb');
    const saved = await waitForDemo<TeachState>(page, log, (s) => s.teach.saved !== null, 30_000);
    expect(saved.teach.saved).toBe('indexeddb://visionpipe-teach');
    expect(await page.locator('#status').textContent()).toContain("loadClassifier('indexeddb://visionpipe-teach')");
    await page.close();
  }, 240_000);
});

describe('caption page (server-trained shape-scene captioner)', () => {
  it('captions new generated scenes like their ground truth, an uploaded photo and a webcam frame', async () => {
    const { page, log } = await site.browser.newPage();
    await page.goto(`${site.server.url}caption?backend=wasm`);
    // first run: the server trains the captioner (about half a minute); later runs load it from .cache
    const first = await waitForDemo<CaptionState>(page, log, (s) => s.caption.scenes.length >= 4, 300_000);
    expect(first.backend).toBe('wasm');
    // waiting for the training is no error: the server answered 503 each second and Chromium logged each
    expect(log.filter((line) => line.startsWith('[error]'))).toEqual([]);
    for (let i = 0; i < 6; i++) await page.click('#new-scene');
    await waitForDemo<CaptionState>(page, log, (s) => s.caption.scenes.length >= 10, 60_000);
    await page.check('#unseen');
    for (let i = 0; i < 8; i++) await page.click('#new-scene');
    const { caption } = await waitForDemo<CaptionState>(page, log, (s) => s.caption.scenes.length >= 18, 60_000);
    const seen = caption.scenes.filter((s) => !s.unseen);
    const unseen = caption.scenes.filter((s) => s.unseen);
    expect([seen.length, unseen.length]).toEqual([10, 8]);
    const score = (list: typeof seen) => ({
      exact: list.filter((s) => s.caption === s.truth).length / list.length,
      bleu4: corpusBleu(list.map((s) => s.caption), list.map((s) => [s.truth])).bleu[3],
    });
    const seenScore = score(seen);
    const unseenScore = score(unseen);
    console.log(`caption page: seen combinations exact ${seenScore.exact.toFixed(2)} BLEU-4 ${seenScore.bleu4.toFixed(3)}; unseen exact ${unseenScore.exact.toFixed(2)} BLEU-4 ${unseenScore.bleu4.toFixed(3)}`);
    unseen.slice(0, 3).forEach((s) => console.log(`  ${s.truth}  →  ${s.caption}`));
    expect(seenScore.exact).toBeGreaterThanOrEqual(0.8);
    expect(unseenScore.bleu4).toBeGreaterThanOrEqual(0.5);
    expect(await page.locator('#scenes figure').count()).toBe(18);
    await page.locator('#scenes').screenshot({ path: join(SHOTS, 'caption-scenes.png') });

    const results = (await page.evaluate(() => (globalThis as unknown as { demo: DemoState }).demo.results)) as number;
    await page.locator('#upload').setInputFiles(fixturePhoto('chelsea'));
    const uploaded = await waitForDemo<CaptionState>(page, log, (s) => s.results > results && s.source === 'image');
    expect(uploaded.caption.caption).toMatch(/^(a|two|three) \w+ \w+/); // a caption in the scene world's words: a toy, as the page says
    await page.waitForFunction(() => !(document.getElementById('snap') as HTMLButtonElement).disabled, null, { timeout: 30_000 });
    await page.click('#snap');
    const snapped = await waitForDemo<CaptionState>(page, log, (s) => s.source === 'camera' && s.results > uploaded.results);
    expect(snapped.caption.caption).toBeTruthy();
    await page.screenshot({ path: join(SHOTS, 'caption-page.png'), fullPage: true });
    await page.close();
  }, 420_000);

  it('a wrong ONNX export URL shows the error code and message', async () => {
    const { page, log } = await site.browser.newPage();
    await page.goto(`${site.server.url}caption?backend=wasm`);
    await waitForDemo<CaptionState>(page, log, (s) => s.caption.scenes.length >= 4, 120_000);
    await page.fill('#ved-url', '/no-such-export/');
    await page.click('#ved-load');
    const state = await waitForDemo<CaptionState>(page, log, (s) => s.state === 'error', 30_000);
    expect(state.error?.code).toBe('MODEL_LOAD_FAILED');
    expect(await page.locator('#status').textContent()).toContain('MODEL_LOAD_FAILED');
    expect(state.caption.model).toBe('shape-scene captioner');
    await page.close();
  });
});

describe('teach page without a camera', () => {
  let noCamera: TestBrowser;
  beforeAll(async () => {
    noCamera = await launchChromium(); // no fake device: getUserMedia finds no camera
  });
  afterAll(() => noCamera?.close());

  it('says so, trains on uploaded photos alone and classifies an uploaded photo it did not train on', async () => {
    const { page, log } = await noCamera.newPage();
    await page.goto(`${site.server.url}teach?backend=wasm`);
    await expect.poll(() => page.locator('#status').textContent(), { timeout: 90_000 }).toMatch(/No camera \((DEVICE_NOT_FOUND|PERMISSION_DENIED)\)/);
    expect(await page.locator('#collect-0').isDisabled()).toBe(true);
    await page.fill('#name-0', 'cat');
    await page.fill('#name-1', 'coffee');
    await page.locator('#files-0').setInputFiles(await photoCrops('chelsea', 5, 3));
    await waitForDemo<TeachState>(page, log, (s) => s.teach.counts[0] === 5, 60_000);
    await page.locator('#files-1').setInputFiles(await photoCrops('coffee', 5, 4));
    await waitForDemo<TeachState>(page, log, (s) => s.teach.counts[1] === 5, 60_000);
    await page.click('#train');
    const trained = await waitForDemo<TeachState>(page, log, (s) => s.teach.training === 'done', 120_000);
    expect(trained.teach.epochs).toHaveLength(15);
    const [heldOut] = await photoCrops('chelsea', 1, 9);
    await page.locator('#upload').setInputFiles(heldOut);
    const state = await waitForDemo<TeachState>(page, log, (s) => s.source === 'image' && s.results >= 1);
    expect((state.summary as Classes)[0].label).toBe('cat');
    await page.locator('#view').screenshot({ path: join(SHOTS, 'teach-upload.png') });
    await page.close();
  }, 180_000);
});
