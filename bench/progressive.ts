/**
 * Progressive start bench (issue 16): the default demo page (`npm start`, demos/index.ts) in
 * headless Chromium with the fake camera playing the pan clip (640×480 @ 30 fps over a real group
 * photo), as a newcomer opens it: CenterNet in two workers, wasm serving while WebGPU (here
 * SwiftShader) compiles and warms up, then WebGPU taking over. Measured from navigation start:
 * when the live video is visible (the page's canvas shows non-black pixels), when the first
 * result comes and from which backend, when the first WebGPU result comes, how results flowed
 * across the switch (counts per backend, the longest gap between two results), whether the track
 * IDs of the last wasm result continue in the first WebGPU one, and every page error or console
 * error on the way (and while the page closes). Timings belong here, not in tests.
 *
 * The page keeps wasm when WebGPU is a software adapter (SwiftShader here) and says so: the run
 * ends there; `--query=switchWhen=ready` (or `allowSoftwareGpu`) makes it switch (or time it).
 * Run: `npm run bench:progressive [-- --timeout=300 --after=3 --runs=1 --query=switchWhen=ready]`. Results: printed, and
 * saved to `.cache/bench/progressive.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { launchChromium } from '../test/browser/chromium';
import { panClip } from '../test/helpers/clips';
import { startDemoServer } from '../test/demos/demo-server';

/** One result as the page's probe saw it (ms since navigation start). */
interface Seen {
  at: number;
  results: number;
  backend: string | null;
  trackIds: (number | null)[];
}

interface Probe {
  videoAt: number | null;
  resultsAtVideo: number | null;
  seen: Seen[];
  errors: string[];
  state: string | null;
}

const { values: args } = parseArgs({
  options: {
    timeout: { type: 'string', default: '300' },
    after: { type: 'string', default: '3' },
    runs: { type: 'string', default: '1' },
    query: { type: 'string', default: '' },
  },
});
const TIMEOUT_MS = Number(args.timeout) * 1000;
const AFTER_SWITCH = Number(args.after);
/** Results counted after the page said it keeps wasm. */
const KEPT_RESULTS = 10;

/** Installed before the page's scripts: samples the canvas and `window.demo` every 40 ms. */
function installProbe(): void {
  const probe: Probe = { videoAt: null, resultsAtVideo: null, seen: [], errors: [], state: null };
  (window as unknown as { progressiveProbe: Probe }).progressiveProbe = probe;
  addEventListener('error', (e) => probe.errors.push(`${performance.now().toFixed(0)} ms error: ${e.message}`));
  addEventListener('unhandledrejection', (e) => probe.errors.push(`${performance.now().toFixed(0)} ms unhandled rejection: ${String(e.reason)}`));
  const small = new OffscreenCanvas(16, 12);
  const ctx = small.getContext('2d', { willReadFrequently: true })!;
  let last = 0;
  setInterval(() => {
    const demo = (window as unknown as { demo?: { results: number; backend: string | null; summary: unknown; state: string } }).demo;
    const view = document.getElementById('view') as HTMLCanvasElement | null;
    if (probe.videoAt === null && view && view.width > 0) {
      ctx.drawImage(view, 0, 0, 16, 12);
      const pixels = ctx.getImageData(0, 0, 16, 12).data;
      let lit = 0;
      for (let i = 0; i < pixels.length; i += 4) if (pixels[i] + pixels[i + 1] + pixels[i + 2] > 30) lit++;
      if (lit > 16) {
        probe.videoAt = performance.now();
        probe.resultsAtVideo = demo?.results ?? 0;
      }
    }
    if (!demo) return;
    probe.state = demo.state;
    if (demo.results !== last) {
      last = demo.results;
      const summary = Array.isArray(demo.summary) ? (demo.summary as { trackId: number | null }[]) : [];
      probe.seen.push({ at: performance.now(), results: demo.results, backend: demo.backend, trackIds: summary.map((d) => d.trackId) });
    }
  }, 40);
}

const seconds = (ms: number | null | undefined): string => (ms === null || ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);

async function measureOnce(url: string, browser: Awaited<ReturnType<typeof launchChromium>>): Promise<Record<string, unknown>> {
  const { page } = await browser.newPage();
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await page.addInitScript(installProbe);
  const loadBefore = loadavg();
  await page.goto(url);
  const started = Date.now();
  const read = (): Promise<Probe> => page.evaluate(() => (window as unknown as { progressiveProbe: Probe }).progressiveProbe);
  let probe = await read();
  let keptAt: number | null = null;
  for (;;) {
    await page.waitForTimeout(500);
    probe = await read();
    const onGpu = probe.seen.filter((s) => s.backend === 'webgpu').length;
    // the page says when WebGPU will not be used (a software adapter, or measured slower): then
    // KEPT_RESULTS more wasm results measure the rate it stays at
    if (keptAt === null && /not used:/.test((await page.locator('#status').textContent()) ?? '')) keptAt = probe.seen.length;
    const keptDone = keptAt !== null && probe.seen.length >= keptAt + KEPT_RESULTS;
    if (onGpu >= AFTER_SWITCH || keptDone || probe.state === 'error' || Date.now() - started > TIMEOUT_MS) break;
  }
  const status = await page.locator('#status').textContent();
  const errorsBeforeClose = pageErrors.length + consoleErrors.length;
  await page.close();
  await new Promise((resolve) => setTimeout(resolve, 500)); // errors logged while the page hides
  const loadAfter = loadavg();

  const { seen } = probe;
  const firstGpu = seen.findIndex((s) => s.backend === 'webgpu');
  const gaps = seen.slice(1).map((s, i) => s.at - seen[i].at);
  const lastBefore = firstGpu > 0 ? seen[firstGpu - 1] : null;
  const firstAfter = firstGpu >= 0 ? seen[firstGpu] : null;
  const carried = lastBefore && firstAfter ? firstAfter.trackIds.filter((id) => id !== null && lastBefore.trackIds.includes(id)).length : null;
  return {
    videoVisibleMs: probe.videoAt,
    videoBeforeFirstResult: probe.resultsAtVideo === 0,
    firstResultMs: seen[0]?.at ?? null,
    firstBackend: seen[0]?.backend ?? null,
    switchMs: firstAfter?.at ?? null,
    resultsBeforeSwitch: firstGpu >= 0 ? firstGpu : seen.length,
    resultsAfterSwitch: firstGpu >= 0 ? seen.length - firstGpu : 0,
    longestGapMs: gaps.length > 0 ? Math.max(...gaps) : null,
    resultsPerSecond: seen.length > 1 ? Number(((seen.length - 1) / ((seen[seen.length - 1].at - seen[0].at) / 1000)).toFixed(2)) : null,
    gapAtSwitchMs: lastBefore && firstAfter ? firstAfter.at - lastBefore.at : null,
    trackIdsBeforeSwitch: lastBefore?.trackIds ?? null,
    trackIdsAfterSwitch: firstAfter?.trackIds ?? null,
    trackIdsCarried: carried,
    pageErrors: [...pageErrors, ...probe.errors],
    consoleErrors,
    errorsWhileClosing: pageErrors.length + consoleErrors.length - errorsBeforeClose,
    finalState: probe.state,
    status,
    loadBefore: loadBefore.map((l) => Number(l.toFixed(1))),
    loadAfter: loadAfter.map((l) => Number(l.toFixed(1))),
  };
}

async function main(): Promise<void> {
  const clip = panClip();
  const [server, browser] = await Promise.all([
    startDemoServer(),
    launchChromium(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${clip}`]),
  ]);
  const runs: Record<string, unknown>[] = [];
  try {
    console.log(`visionpipe progressive-start bench — ${cpus().length} × ${cpus()[0]?.model ?? '?'}, default demo page (CenterNet, webgpu → wasm), fake camera 640×480 @ 30 fps; until ${AFTER_SWITCH} WebGPU results or ${TIMEOUT_MS / 1000} s`);
    for (let run = 0; run < Number(args.runs); run++) {
      const m = await measureOnce(`${server.url}${args.query ? `?${args.query}` : ''}`, browser);
      runs.push(m);
      console.log(
        `  run ${run + 1}: video ${seconds(m.videoVisibleMs as number | null)}${m.videoBeforeFirstResult ? ' (before any result)' : ''}, first result ${seconds(m.firstResultMs as number | null)} on ${String(m.firstBackend)}, ` +
          `switch to webgpu ${seconds(m.switchMs as number | null)}; ${String(m.resultsPerSecond)} results/s; results ${String(m.resultsBeforeSwitch)} before / ${String(m.resultsAfterSwitch)} after, gap at switch ${seconds(m.gapAtSwitchMs as number | null)}, ` +
          `track IDs ${JSON.stringify(m.trackIdsBeforeSwitch)} → ${JSON.stringify(m.trackIdsAfterSwitch)}; page errors ${(m.pageErrors as string[]).length}, console errors ${(m.consoleErrors as string[]).length} (${String(m.errorsWhileClosing)} while closing); load ${(m.loadBefore as number[])[0]} → ${(m.loadAfter as number[])[0]}`,
      );
      for (const e of [...(m.pageErrors as string[]), ...(m.consoleErrors as string[])]) console.log(`    ${e.slice(0, 300)}`);
      console.log(`    status: ${String(m.status)}`);
    }
  } finally {
    await browser.close();
    server.stop();
  }
  mkdirSync('.cache/bench', { recursive: true });
  writeFileSync('.cache/bench/progressive.json', JSON.stringify({ date: new Date().toISOString(), runs }, null, 2));
  console.log('results in .cache/bench/progressive.json');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
