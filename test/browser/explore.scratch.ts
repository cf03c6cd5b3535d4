import { it } from 'vitest';
import { launchChromium } from './chromium';
import { startServer } from './server';

it('explore', async () => {
  const server = await startServer();
  const browser = await launchChromium();
  try {
    for (const backend of ['wasm', 'webgpu']) {
      const { page, log } = await browser.newPage();
      const t0 = Date.now();
      await page.goto(`${server.origin}/test/browser/pages/pipelines.html?backend=${backend}`);
      await page.waitForFunction(() => (window as any).harnessReady || (window as any).harnessError, null, { timeout: 60000 });
      console.log(backend, 'loaded', Date.now() - t0, await page.evaluate(() => (window as any).harnessError));
      console.log(await page.evaluate(() => (window as any).harness.env()));
      console.log(await page.evaluate(() => (window as any).harness.adapterInfo()));
      try {
        const c = await page.evaluate(() => (window as any).harness.create('object-detection'));
        console.log('create', JSON.stringify(c).slice(0, 500));
        for (let i = 0; i < 3; i++) {
          const d = await page.evaluate((id) => (window as any).harness.detect(id, 1, 'bitmap'), c.id);
          console.log('detect', d.ms, JSON.stringify(d.detections.map((x: any) => [x.label, x.score.toFixed(4), x.box.x1.toFixed(1), x.box.y1.toFixed(1), x.box.x2.toFixed(1), x.box.y2.toFixed(1)])));
        }
      } catch (e) { console.log('ERR', e); }
      console.log(log.join('\n'));
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
});
