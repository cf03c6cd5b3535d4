// The drawing functions in headless Chromium: one scene (test/render/scene.ts) drawn onto an
// OffscreenCanvas and onto a page <canvas>, compared with each other and with the same scene
// drawn in Node by @napi-rs/canvas. The page gets the render code from an esbuild bundle of
// src/render (test/render/.build, git-ignored); when the built dist/index.js exports the
// render API, the scene is also drawn through it (import map as in test/browser/pages).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { type BuildOptions, build } from 'esbuild';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestBrowser, launchChromium } from '../browser/chromium';
import { REPO_ROOT, type TestServer, startServer } from '../browser/server';
import type { OverlayRect } from '../../src/render/index';
import { SCENE_HEIGHT, SCENE_WIDTH, drawScene } from './scene';

const BUILD = join(REPO_ROOT, 'test', 'render', '.build');
const SCENE = join(REPO_ROOT, 'test', 'render', 'scene.ts');

/** Whether dist/index.js (the built package, rebuilt by `npm test`) exports the render API. */
function distExportsRender(): boolean {
  try {
    return /export\s*\{[^}]*\bdrawDetections\b[^}]*\}/.test(readFileSync(join(REPO_ROOT, 'dist', 'index.js'), 'utf8'));
  } catch {
    return false;
  }
}

/** The import map of the pipelines test page (runtimes resolved for dist/index.js). */
function importMap(): string {
  const html = readFileSync(join(REPO_ROOT, 'test', 'browser', 'pages', 'pipelines.html'), 'utf8');
  return /<script type="importmap">[\s\S]*?<\/script>/.exec(html)?.[0] ?? '';
}

async function bundleScene(): Promise<{ dist: boolean }> {
  mkdirSync(BUILD, { recursive: true });
  const common: BuildOptions = { entryPoints: [SCENE], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'warning' };
  await build({ ...common, outfile: join(BUILD, 'scene-src.js') });
  const dist = distExportsRender();
  if (dist) {
    await build({
      ...common,
      outfile: join(BUILD, 'scene-dist.js'),
      plugins: [
        {
          name: 'render-from-dist',
          setup(b) {
            b.onResolve({ filter: /src\/render\/index$/ }, () => ({ path: 'visionpipe', external: true }));
          },
        },
      ],
    });
  }
  return { dist };
}

interface Drawn {
  offscreen: string;
  page: string;
}

/**
 * Draws the scene in the page from a module URL; returns both canvases' RGBA as base64. The
 * module is loaded by a page script tag (a dynamic import inside `page.evaluate` would be
 * rewritten by vitest's transform).
 */
async function drawInPage(page: Page, url: string): Promise<Drawn> {
  const key = `scene_${url.replace(/\W/g, '_')}`;
  await page.addScriptTag({
    type: 'module',
    content: `import * as m from '${url}'; window['${key}'] = m;`,
  });
  await page.waitForFunction((name) => name in window, key, { timeout: 30_000 });
  return page.evaluate((name) => {
    type SceneModule = { drawScene(ctx: unknown): void; SCENE_WIDTH: number; SCENE_HEIGHT: number };
    const m = (window as unknown as Record<string, SceneModule>)[name];
    const w = m.SCENE_WIDTH;
    const h = m.SCENE_HEIGHT;
    const encode = (ctx: { getImageData(x: number, y: number, w: number, h: number): ImageData }) => {
      const data = ctx.getImageData(0, 0, w, h).data;
      let text = '';
      for (let i = 0; i < data.length; i++) text += String.fromCharCode(data[i]);
      return btoa(text);
    };
    const offscreen = new OffscreenCanvas(w, h).getContext('2d');
    const element = document.createElement('canvas');
    element.width = w;
    element.height = h;
    document.body.append(element);
    const onPage = element.getContext('2d');
    if (!offscreen || !onPage) throw new Error('no 2d context');
    m.drawScene(offscreen);
    m.drawScene(onPage);
    return { offscreen: encode(offscreen), page: encode(onPage) };
  }, key);
}

interface Difference {
  /** Share of pixels outside text whose largest channel difference exceeds `level`. */
  shapes: number;
  /** The same inside text rectangles (fonts rasterise differently between engines). */
  text: number;
  /** Largest channel difference outside text. */
  shapesMax: number;
}

/** Compares two scene drawings, outside and inside the text rectangles (grown by 3 px). */
function compare(a: Uint8Array, b: Uint8Array, textRects: readonly OverlayRect[], level: number): Difference {
  const inText = (x: number, y: number) => textRects.some((r) => x >= r.x - 3 && x < r.x + r.width + 3 && y >= r.y - 3 && y < r.y + r.height + 3);
  const count = { shapes: 0, shapesTotal: 0, text: 0, textTotal: 0, shapesMax: 0 };
  for (let i = 0; i < a.length; i += 4) {
    const d = Math.max(Math.abs(a[i] - b[i]), Math.abs(a[i + 1] - b[i + 1]), Math.abs(a[i + 2] - b[i + 2]), Math.abs(a[i + 3] - b[i + 3]));
    const p = i / 4;
    if (inText(p % SCENE_WIDTH, Math.floor(p / SCENE_WIDTH))) {
      count.textTotal++;
      if (d > level) count.text++;
    } else {
      count.shapesTotal++;
      if (d > level) count.shapes++;
      count.shapesMax = Math.max(count.shapesMax, d);
    }
  }
  return { shapes: count.shapes / count.shapesTotal, text: count.text / Math.max(1, count.textTotal), shapesMax: count.shapesMax };
}

/** Writes RGBA pixels of the scene as a PNG into .cache/render/ (for a look by eye). */
async function savePng(rgbaPixels: Uint8Array, name: string): Promise<void> {
  const canvas = createCanvas(SCENE_WIDTH, SCENE_HEIGHT);
  const ctx = canvas.getContext('2d');
  const image = ctx.createImageData(SCENE_WIDTH, SCENE_HEIGHT);
  image.data.set(rgbaPixels);
  ctx.putImageData(image, 0, 0);
  mkdirSync(join(REPO_ROOT, '.cache', 'render'), { recursive: true });
  writeFileSync(join(REPO_ROOT, '.cache', 'render', name), await canvas.encode('png'));
}

const bytes = (base64: string) => new Uint8Array(Buffer.from(base64, 'base64'));

describe('render in headless Chromium: OffscreenCanvas and page canvas vs @napi-rs/canvas', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let log: string[];
  let dist = false;
  let node: Uint8Array;
  let textRects: OverlayRect[];
  const measured: Record<string, Difference> = {};

  beforeAll(async () => {
    ({ dist } = await bundleScene());
    server = await startServer();
    browser = await launchChromium();
    ({ page, log } = await browser.newPage());
    await page.route(`${server.origin}/__render/**`, async (route) => {
      const name = new URL(route.request().url()).pathname.replace('/__render/', '');
      if (name === 'page.html') {
        await route.fulfill({
          contentType: 'text/html',
          headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
          body: `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">${importMap()}</head><body></body></html>`,
        });
      } else {
        await route.fulfill({ contentType: 'text/javascript', body: readFileSync(join(BUILD, name), 'utf8') });
      }
    });
    await page.goto(`${server.origin}/__render/page.html`);
    const canvas = createCanvas(SCENE_WIDTH, SCENE_HEIGHT);
    const ctx = canvas.getContext('2d');
    textRects = drawScene(ctx);
    node = new Uint8Array(ctx.getImageData(0, 0, SCENE_WIDTH, SCENE_HEIGHT).data);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    console.log(`render browser check (share of pixels off by more than a few levels, outside/inside text): ${JSON.stringify(measured)}`);
  });

  it('draws the same scene on an OffscreenCanvas and a page canvas, matching the Node drawing within anti-aliasing', async () => {
    const drawn = await drawInPage(page, '/__render/scene-src.js').catch((error: unknown) => {
      throw new Error(`${String(error)}\n--- page console ---\n${log.join('\n')}`);
    });
    const offscreen = bytes(drawn.offscreen);
    const onPage = bytes(drawn.page);
    expect(offscreen.length).toBe(SCENE_WIDTH * SCENE_HEIGHT * 4);
    await savePng(offscreen, 'scene-chromium.png');
    await savePng(node, 'scene-node.png');
    // OffscreenCanvas and the page canvas are the same engine: identical up to rounding
    measured.offscreenVsPage = compare(offscreen, onPage, textRects, 2);
    expect(measured.offscreenVsPage.shapes).toBe(0);
    expect(measured.offscreenVsPage.text).toBeLessThan(0.01);
    // Chromium vs @napi-rs/canvas (both Skia; the page blends masks through a scratch
    // OffscreenCanvas, Node per pixel): boxes, masks, skeletons and fills agree within
    // anti-aliasing; glyphs are hinted differently, so text areas only roughly agree.
    for (const [name, pixels] of [['offscreenVsNode', offscreen], ['pageVsNode', onPage]] as const) {
      const d = compare(pixels, node, textRects, 16);
      measured[name] = d;
      expect(d.shapes, name).toBeLessThan(0.002);
      expect(d.text, name).toBeLessThan(0.25);
    }
  }, 60_000);

  it('draws the same through the built package (dist/index.js)', async () => {
    expect(dist).toBe(true);
    const drawn = await drawInPage(page, '/__render/scene-dist.js').catch((error: unknown) => {
      throw new Error(`${String(error)}\n--- page console ---\n${log.join('\n')}`);
    });
    measured.distVsNode = compare(bytes(drawn.offscreen), node, textRects, 16);
    expect(measured.distVsNode.shapes).toBeLessThan(0.002);
    expect(measured.distVsNode.text).toBeLessThan(0.25);
  }, 60_000);
});
