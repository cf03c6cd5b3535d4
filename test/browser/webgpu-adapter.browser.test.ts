// A lost WebGPU device (a driver reset, the GPU process gone; here `destroy()` on SwiftShader):
// runs of a model on it are BACKEND_UNAVAILABLE (they failed with a bare DOMException from
// mapAsync), and a model asking for webgpu then wasm gets wasm (it got the dead webgpu).
// A browser with WebGPU but no adapter (`requestAdapter()` gives null, as for a blocklisted GPU
// or WebGPU switched off) — the common case on Linux desktops: selecting webgpu is
// BACKEND_UNAVAILABLE saying so (it read only "initialisation failed"; tfjs put "No available
// adapters" in the console). The page stubs requestAdapter before anything selects a backend.
import { describe, expect, it } from 'vitest';
import { useBrowserSite } from './browser-site';

const site = useBrowserSite();

describe('webgpu without an adapter', () => {
  it('is BACKEND_UNAVAILABLE naming the missing adapter', async () => {
    const { page, log } = await site.browser.newPage();
    await page.goto(`${site.server.origin}/test/browser/pages/pipelines.html?backend=wasm`);
    await page.waitForFunction(() => (window as unknown as { harnessReady?: boolean; harnessError?: string }).harnessReady === true || typeof (window as unknown as { harnessError?: string }).harnessError === 'string', null, { timeout: 60_000 });
    const outcome = await page.evaluate(() => (window as unknown as { harness: { webgpuWithoutAdapter(): Promise<{ ok: boolean; error?: { code: string; message: string } }> } }).harness.webgpuWithoutAdapter());
    expect(outcome.ok, log.join('\n')).toBe(false);
    expect(outcome.error?.code).toBe('BACKEND_UNAVAILABLE');
    expect(outcome.error?.message).toContain('webgpu: no WebGPU adapter (requestAdapter() returned null: the GPU is blocklisted, or WebGPU is disabled in this browser)');
  });
});

describe('webgpu whose device is lost', () => {
  it('runs of a model on it are BACKEND_UNAVAILABLE naming the loss; a new model falls back to the next backend', async () => {
    const { page, log } = await site.browser.newPage();
    await page.goto(`${site.server.origin}/test/browser/pages/pipelines.html?backend=wasm`);
    await page.waitForFunction(() => (window as unknown as { harnessReady?: boolean; harnessError?: string }).harnessReady === true || typeof (window as unknown as { harnessError?: string }).harnessError === 'string', null, { timeout: 60_000 });
    type Run = { ok: boolean; outputs?: number; error?: { name: string; code: string | null; message: string } };
    const outcome = await page.evaluate(() => (window as unknown as { harness: { webgpuDeviceLost(): Promise<{ backend: string; before: Run; lost: string; after: Run; freshBackend: string; freshRun: Run }> } }).harness.webgpuDeviceLost());
    expect(outcome.backend, log.join('\n')).toBe('webgpu');
    expect(outcome.before.ok).toBe(true);
    expect(outcome.lost).toBe('destroyed');
    expect(outcome.after.error).toMatchObject({ name: 'VisionError', code: 'BACKEND_UNAVAILABLE' });
    expect(outcome.after.error?.message).toMatch(/^the WebGPU device was lost \(destroyed.*\), and this model was loaded on it: create the pipeline again/);
    expect(outcome.freshBackend).toBe('wasm');
    expect(outcome.freshRun).toMatchObject({ ok: true, outputs: expect.any(Number) });
  }, 120_000);
});
