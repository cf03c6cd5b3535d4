// The Find similar page in headless Chromium (wasm): it embeds its nine real photos, a flipped
// copy of group photo 3 uploaded by the user finds photo 3 first, and a second visit reads the
// embeddings back from IndexedDB (SimilarityIndex bytes saved with idb-keyval).
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestBrowser, launchChromium } from '../browser/chromium';
import { facePhoto } from '../helpers/photos';
import { type DemoServer, type DemoState, startDemoServer, waitForDemo } from './helpers';

interface SimilarState extends DemoState {
  summary: { indexed: number; fromCache: number; query: string | null; neighbours: { id: string; score: number }[] };
}

let server: DemoServer;
let browser: TestBrowser;
beforeAll(async () => {
  [server, browser] = await Promise.all([startDemoServer(), launchChromium()]);
}, 300_000);
afterAll(async () => {
  await browser?.close();
  server?.stop();
});

describe('Find similar demo', () => {
  it('indexes its photos, finds the original of a flipped upload, and caches embeddings in IndexedDB', async () => {
    const { page, log } = await browser.newPage();
    await page.goto(`${server.url}similar?backend=wasm`);
    const first = await waitForDemo<SimilarState>(page, log, (s) => s.state === 'running', 180_000);
    expect(first.summary).toMatchObject({ indexed: 9, fromCache: 0, query: 'sample1' });
    expect(first.summary.neighbours).toHaveLength(5);

    const flipped = await sharp(facePhoto(3)).flop().jpeg({ quality: 85 }).toBuffer();
    await page.locator('#upload').setInputFiles({ name: 'flipped.jpg', mimeType: 'image/jpeg', buffer: flipped });
    const searched = await waitForDemo<SimilarState>(page, log, (s) => s.summary.query === 'flipped.jpg', 60_000);
    expect(searched.summary.indexed).toBe(10);
    expect(searched.summary.neighbours[0].id).toBe('sample3');
    expect(await page.locator('#neighbours figure').count()).toBe(5);

    await page.reload();
    const again = await waitForDemo<SimilarState>(page, log, (s) => s.state === 'running', 120_000);
    expect(again.summary).toMatchObject({ indexed: 9, fromCache: 9 });
    expect(again.summary.neighbours).toEqual(first.summary.neighbours.map((n) => ({ id: n.id, score: expect.closeTo(n.score, 5) })));
    await page.close();
  }, 400_000);
});
