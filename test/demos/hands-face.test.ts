// The Hands and Face demo pages in headless Chromium (wasm): the Face page finds the faces of
// the fake camera's pan over face-api group photo 1 with 478 points each (iris on); the Hands
// page finds the hand of a clip over face-api sample2 (a woman's hand at her lip) and names a
// built-in gesture, then its teach panel is driven with posed hands from the repository's
// generator put in place of the camera's (`demo.hands.standIns`): record two gestures, train in
// the gesture worker, the taught labels come live on held-out hands; save and load work.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { join } from 'node:path';
import { type TestBrowser, launchChromium } from '../browser/chromium';
import { handsClip } from '../helpers/clips';
import { type GestureName, POSED_GESTURES, generateHandPoses } from '../../src/testing/hand-poses';
import { type DemoState, SHOTS, useDemoSite, waitForDemo } from './helpers';

interface FaceState extends DemoState {
  summary: { faces: { score: number; points: number }[]; drawn: { lines: number; irises: number } };
}

interface HandsState extends DemoState {
  summary: { handedness: string; gesture: string; gestureScore: number; taught: string | null }[];
  hands: { labels: string[]; counts: number[]; recording: { label: string } | null; training: string; epochs: number; taughtLabels: string[] | null };
}


/** Generated hands as the page's stand-ins: keypoints and handedness as the hand pipeline gives them. */
function standIns(gestures: GestureName[], perGesture: number, seed: number) {
  return generateHandPoses({ gestures, perGesture, seed, rotation: 'none' }).map((hand) => ({
    gesture: hand.gesture,
    hand: { keypoints: hand.keypoints, handedness: { label: hand.handedness.toLowerCase(), score: 1 } },
  }));
}

const site = useDemoSite();
let handsBrowser: TestBrowser;
beforeAll(async () => {
  handsBrowser = await launchChromium(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${handsClip()}`]);
});
afterAll(() => handsBrowser?.close());

describe.concurrent('Face and Hands pages (wasm)', () => {
  it('finds the three faces of group photo 1 with 478 points each and draws meshes and irises', async ({ expect }) => {
    const { page, log } = await site.browser.newPage();
    await page.goto(`${site.server.url}face?backend=wasm`);
    // the camera pans: a face cut by the frame's edge may be found with a low score (the default
    // threshold is 0.2), so wait for a frame where the three faces are confidently found
    const confident = (s: FaceState) => s.summary.faces.filter((f) => f.score > 0.5).length;
    const state = await waitForDemo<FaceState>(page, log, (s) => s.results >= 2 && confident(s) >= 3);
    expect(state.source).toBe('camera');
    expect(state.summary.faces.every((f) => f.points === 478 && f.score >= 0.2)).toBe(true);
    expect(state.summary.drawn.irises).toBe(2 * state.summary.faces.length);
    expect(await page.locator('#output').textContent()).toMatch(/^[1-9] faces? · face 1: [01]\.\d\d \(detector 0\.\d\d\)/);
    await page.locator('#view').screenshot({ path: join(SHOTS, 'face-canvas.png') });
    await page.close();
  });

  it('finds the hand of the stream with a built-in gesture; teaches two gestures from posed hands and shows them live', async ({ expect }) => {
    const { page, log } = await handsBrowser.newPage();
    await page.goto(`${site.server.url}hands?backend=wasm`);
    const live = await waitForDemo<HandsState>(page, log, (s) => s.results >= 2 && s.summary.length >= 1);
    expect(live.source).toBe('camera');
    expect(POSED_GESTURES).toContain(live.summary[0].gesture); // one of the built-in set's labels, 'none' included
    expect(await page.locator('#output').textContent()).toMatch(/^hand 1 \((left|right)\): /);
    await page.locator('#view').screenshot({ path: join(SHOTS, 'hands-canvas.png') });

    const setStandIns = (hands: unknown[] | null) => page.evaluate((h) => ((globalThis as unknown as { demo: { hands: { standIns: unknown } } }).demo.hands.standIns = h), hands);
    const record = async (gesture: GestureName, seed: number) => {
      await setStandIns(standIns([gesture], 20, seed).map((s) => s.hand)); // one frame records the 20 wanted (the page's default)
      await page.locator('#gesture-name').fill(gesture);
      await page.locator('#record').click();
    };
    await record('fist', 31);
    await waitForDemo<HandsState>(page, log, (s) => s.hands.counts[0] === 20);
    await record('victory', 32);
    const recorded = await waitForDemo<HandsState>(page, log, (s) => s.hands.counts[1] === 20);
    expect(recorded.hands.labels).toEqual(['fist', 'victory']);

    await page.locator('#train').click();
    const trained = await waitForDemo<HandsState>(page, log, (s) => s.hands.training === 'done');
    expect(trained.hands.epochs).toBe(30); // the page's default
    expect(trained.hands.taughtLabels).toEqual(['fist', 'victory']);

    // held-out hands (another seed) in place of the camera's: taught and built-in labels both right
    const heldOut = standIns(['fist', 'victory', 'fist', 'victory'] as GestureName[], 1, 33);
    await setStandIns(heldOut.map((s) => s.hand));
    const shown = await waitForDemo<HandsState>(page, log, (s) => s.summary.length === heldOut.length && s.summary.every((h) => h.taught !== null));
    expect(shown.summary.map((h) => h.taught)).toEqual(heldOut.map((s) => s.gesture));
    expect(shown.summary.map((h) => h.gesture)).toEqual(heldOut.map((s) => s.gesture));
    expect(await page.locator('#output').textContent()).toContain('taught: fist');

    await page.locator('#save').click();
    const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('visionpipe-gestures') ?? 'null') as { labels: string[] } | null);
    expect(saved?.labels).toEqual(['fist', 'victory']);
    await page.locator('#load').click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('Loaded: fist, victory.');
    expect(await page.locator('#status').getAttribute('class')).not.toContain('error');

    // a recording that sees no hand (no camera, say) can be stopped: nothing is added (before: Record stayed disabled for good)
    await setStandIns([]);
    await page.locator('#gesture-name').fill('wave');
    await page.locator('#record').click();
    await expect.poll(() => page.locator('#record').textContent()).toBe('Stop');
    await page.locator('#record').click();
    await expect.poll(() => page.locator('#status').textContent()).toBe("Stopped recording 'wave': no hand was seen.");
    const stopped = await waitForDemo<HandsState>(page, log, (s) => s.hands.recording === null);
    expect(stopped.hands.labels).toEqual(['fist', 'victory']);
    expect(await page.locator('#record').textContent()).toBe('Record');
    await page.close();
  });
});
