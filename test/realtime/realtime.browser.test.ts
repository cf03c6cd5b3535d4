// Real time in a real browser: headless Chromium (Debian's package) whose fake camera streams
// a clip ffmpeg makes from a real group photo (a slow pan, 640×480 @ 30 fps). The page drives
// the SDK's webcam, frame loop and worker pipelines (pages/realtime.js, bundle from build.ts).
// WebGPU is SwiftShader (a CPU adapter): correctness only, few frames; wasm does the rest.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type TestBrowser, launchChromium } from '../browser/chromium';
import { type TestServer, startServer } from '../browser/server';
import { PAN_CLIP, loopClip, panClip } from '../helpers/clips';
import { ensureBrowserBundles } from './build';
import type { PlainDetection, PlainResult } from './harness-types';
import { type RealtimePage, fakeCameraArgs, openHarness } from './page';

/** WebGPU (SwiftShader) vs wasm on the same frame; see the measured maxima printed by afterAll. */
const TOL = { boxPx: 1, score: 0.005 } as const;
/** Reports the page's VideoFrames that were garbage-collected unclosed (see the script). */
const LEAK_TRACKER = fileURLToPath(new URL('./pages/frame-leak-tracker.js', import.meta.url));
const measured: Record<string, number | string> = {};

let server: TestServer;
let browser: TestBrowser;
let rt: RealtimePage;

function iou(a: PlainDetection['box'], b: PlainDetection['box']): number {
  const w = Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1));
  const h = Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));
  const area = (d: PlainDetection['box']) => (d.x2 - d.x1) * (d.y2 - d.y1);
  return (w * h) / (area(a) + area(b) - w * h);
}

function people(result: PlainResult): PlainDetection[] {
  return result.detections.filter((d) => d.label === 'person');
}

beforeAll(async () => {
  const started = Date.now();
  const clip = panClip();
  await ensureBrowserBundles();
  server = await startServer();
  browser = await launchChromium([...fakeCameraArgs(clip), '--js-flags=--expose-gc']);
  await browser.context.addInitScript({ path: LEAK_TRACKER });
  rt = await openHarness(browser, server);
  measured.setupMs = Date.now() - started;
});

/**
 * Runs the page's garbage collector and returns the frames it found unclosed so far (where each
 * was made). The fake camera lends two capture buffers: a frame left unclosed anywhere in the page
 * holds one until a GC. One CI run saw the camera starve (2–3 fps, then no frame for minutes, until
 * a later test made the page collect garbage), most likely that way — the stop/start test below
 * pins one such way down (a reader cancelled while a read waited). Frames the SDK or this harness leave unclosed fail the teardown test below with
 * their origin; collecting before each test keeps garbage made elsewhere (the browser's own)
 * from starving the next test.
 */
async function collectGarbage(): Promise<string[]> {
  return rt.page.evaluate(async () => {
    const scope = globalThis as { gc?: () => void; __frameLeaks?: string[] };
    scope.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 200)); // finalizers run in a later task
    return [...(scope.__frameLeaks ?? [])];
  });
}

beforeEach(async () => {
  await collectGarbage();
});

afterAll(async () => {
  console.log(`[realtime] measured: ${JSON.stringify(measured)}`);
  await browser?.close();
  await server?.close();
});

describe('realtime in headless Chromium with a fake camera (pan over a real photo)', () => {
  it('Webcam.open streams the clip: 640×480, one fake device, VideoFrames via MediaStreamTrackProcessor', async () => {
    const env = await rt.call('env');
    expect(env.crossOriginIsolated).toBe(true);
    const cam = await rt.call('open', { width: 640, height: 480, frameRate: 30 });
    expect(cam).toMatchObject({ width: PAN_CLIP.width, height: PAN_CLIP.height, active: true });
    expect(cam.devices).toBeGreaterThanOrEqual(1);
    const frame = await rt.call('grab');
    expect(frame).toMatchObject({ width: 640, height: 480, type: env.trackProcessor ? 'VideoFrame' : 'ImageBitmap' });
  });

  it('a wrong deviceId is CONSTRAINTS_NOT_SATISFIED (or DEVICE_NOT_FOUND), naming the device', async () => {
    const error = await rt.call('openError', { deviceId: 'no-such-camera' });
    expect(error.ok).toBe(false);
    if (error.ok) return;
    expect(error.isVisionError).toBe(true);
    expect(['CONSTRAINTS_NOT_SATISFIED', 'DEVICE_NOT_FOUND']).toContain(error.code);
    expect(error.message).toMatch(/deviceId/);
    measured.badDeviceCode = String(error.code);
  });

  it('(a) detection in a worker on WebGPU (SwiftShader) and on wasm agree on the same camera frame', async () => {
    // CenterNet (people) on wasm; BlazeFace (faces, 128×128) on both backends: SwiftShader
    // takes ~5 s per BlazeFace frame (CenterNet: ~30 s), so WebGPU sees few, small frames.
    const people3 = await rt.call('createRemote', 'wasm', 'wasm');
    const faceWasm = await rt.call('createRemote', 'faceWasm', 'wasm', { model: 'blazeface' });
    const faceGpu = await rt.call('createRemote', 'faceGpu', 'webgpu', { model: 'blazeface', timeoutMs: 120_000 });
    expect([people3.backend, faceWasm.backend, faceGpu.backend]).toEqual(['wasm', 'wasm', 'webgpu']);
    // SwiftShader cannot import external textures: the worker found out and switched tfjs off them
    expect(faceGpu.externalTexture).toBe(false);
    expect(faceWasm.externalTexture).toBeNull();
    const persons = await rt.call('detectSnapshot', 'wasm');
    expect(people(persons)).toHaveLength(3);
    const a = await rt.call('detectSnapshot', 'faceWasm');
    const b = await rt.call('detectSnapshot', 'faceGpu');
    expect(persons.detached && a.detached && b.detached).toBe(true); // handed-over bitmaps were transferred
    measured.gpuFirstRunMs = Math.round(b.ms);
    expect(a.detections.filter((d) => d.score > 0.5)).toHaveLength(3);
    expect(b.detections.map((d) => d.label)).toEqual(a.detections.map((d) => d.label));
    let boxPx = 0;
    let score = 0;
    for (const d of b.detections) {
      const match = [...a.detections].sort((x, y) => iou(y.box, d.box) - iou(x.box, d.box))[0];
      boxPx = Math.max(boxPx, ...(['x1', 'y1', 'x2', 'y2'] as const).map((k) => Math.abs(d.box[k] - match.box[k])));
      score = Math.max(score, Math.abs(d.score - match.score));
    }
    measured.gpuVsWasmBoxPx = boxPx;
    measured.gpuVsWasmScore = score;
    expect(boxPx).toBeLessThan(TOL.boxPx);
    expect(score).toBeLessThan(TOL.score);
    await rt.call('dispose', 'faceWasm');
  });

  it('(a) runForVideo in the worker keeps stable track IDs across camera frames (people on wasm, faces on WebGPU)', async () => {
    // consecutive frames ('every', all of them queued): under 'latest' the camera keeps its rate,
    // so slow runs see frames far apart in the pan (seconds apart on SwiftShader), which is not
    // what this checks
    const { results, errors, stats } = await rt.call('track', 'wasm', 12, { policy: 'every', maxQueue: 12 });
    expect(errors).toEqual([]);
    expect(results).toHaveLength(12);
    // The photo's three people are tracks 1, 2 and 3 from the first frame on and keep those IDs
    // in every frame (a camera frame sampled from its YUV planes can add a weak partial person
    // at the pan's edge as a further track).
    const ids = results.map((r) => people(r).map((d) => d.trackId));
    for (const frame of ids) expect(frame).toEqual(expect.arrayContaining([1, 2, 3]));
    const stamps = results.map((r) => r.timestamp);
    expect(stamps).toEqual([...stamps].sort((x, y) => x - y)); // never out of order
    expect(new Set(stamps).size).toBe(stamps.length);
    expect(results.every((r) => r.frameType === 'VideoFrame')).toBe(true);
    measured.wasmWorkerFps = Number(stats.processedFps.toFixed(1));
    const gpu = await rt.call('track', 'faceGpu', 2, { maxMs: 90_000, policy: 'every', maxQueue: 2 });
    expect(gpu.errors).toEqual([]);
    expect(gpu.results).toHaveLength(2);
    // The three people's faces (the three most confident in the first frame; a camera frame can
    // add a weak extra face near 0.5) keep their track IDs in the next frame.
    const ranked = gpu.results.map((r) => [...r.detections].sort((a, b) => b.score - a.score).map((d) => d.trackId));
    expect(ranked[0].length).toBeGreaterThanOrEqual(3);
    expect(ranked[1]).toEqual(expect.arrayContaining(ranked[0].slice(0, 3)));
    measured.gpuWorkerMsPerFrame = Math.round(gpu.stats.latency.run.p50);
    await rt.call('dispose', 'faceGpu');
  });

  it("(b) 'latest' policy with a slow pipeline: frames dropped and counted, latency bounded, no main-thread task ≥ 50 ms", async () => {
    // the wasm detector in its worker plus 300 ms: several camera frames arrive per run, even when
    // load slows the camera to ~9 fps
    let { stats, longestTask, longTasks } = await rt.call('slowLoop', 'wasm', 3000, 300);
    // load can stretch the wasm detector's runs to over a second (a CI run saw 1.3 s: 2 runs in
    // 3 s); then a longer loop gives the runs the assertions need
    if (stats.processed <= 3) ({ stats, longestTask, longTasks } = await rt.call('slowLoop', 'wasm', 8000, 300));
    measured.slow = JSON.stringify({ in: stats.framesIn, done: stats.processed, dropped: stats.dropped, inFps: +stats.inputFps.toFixed(1), p95: +stats.latency.captureToResult.p95.toFixed(0), run: +stats.latency.run.max.toFixed(0), longTasks, longestTask });
    // the camera's 30 fps drop under load on 2 cores (a CI run saw 9.1 fps), so no absolute rate
    // is asserted; what matters is several frames arriving per run
    expect(stats.inputFps).toBeGreaterThan(2 * stats.processedFps);
    expect(stats.processed).toBeGreaterThan(3);
    expect(stats.dropped).toBeGreaterThan(stats.processed);
    // every frame is either processed or dropped (the last one may still be waiting at the end)
    expect(stats.framesIn - stats.processed - stats.dropped).toBeLessThanOrEqual(2);
    expect(stats.maxQueued).toBe(1);
    // a frame waits at most for the run in flight, then runs: latency ≤ 2 runs (+ slack for messaging)
    expect(stats.latency.captureToResult.max).toBeLessThanOrEqual(2 * stats.latency.run.max + 100);
    // On an overloaded machine the OS can stall the page's main thread whatever the page does (one
    // CI run on 2 cores saw a long task here), so a run with a long task is followed by one more
    // loop, which must be clean: a loop doing its work on the main thread would stall every run.
    if (longTasks > 0 && longestTask >= 50) {
      const again = await rt.call('slowLoop', 'wasm', 3000, 300);
      measured.slowAgain = JSON.stringify({ done: again.stats.processed, longTasks: again.longTasks, longestTask: again.longestTask });
      expect(again.longTasks === 0 || again.longestTask < 50).toBe(true);
    }
  });

  it("(b) 'latest' keeps the camera's rate while each run holds its frame: stale frames dropped, each result about one run fresh", async () => {
    // runs of 300 ms that keep their frame for onResult (the README's loop); before, the held
    // frame and the waiting one took the fake camera's two capture buffers: 3 fps in, 0 dropped,
    // each frame waiting a whole run (~300 ms) before its own
    const stats = await rt.call('latestHold', 2400, 300);
    measured.latestHold = JSON.stringify({ in: stats.framesIn, done: stats.processed, dropped: stats.dropped, inFps: +stats.inputFps.toFixed(1), queueP50: Math.round(stats.latency.queue.p50) });
    expect(stats.inputFps).toBeGreaterThan(2 * stats.processedFps);
    expect(stats.dropped).toBeGreaterThan(stats.processed);
    expect(stats.latency.queue.p50).toBeLessThan(150); // waits for the next frame, not for a run
  });

  it("runs quicker than the camera use the camera's own frames (no copy); only the first, before any run time is known, runs on a copy", async () => {
    const runs = await rt.call('latestFastFrames', 1200);
    measured.latestFast = JSON.stringify(runs);
    expect(runs.processed).toBeGreaterThanOrEqual(10);
    expect(runs.copies).toBeLessThanOrEqual(2); // the first run; at most one slow run on a loaded machine
    expect(runs.own).toBeGreaterThanOrEqual(runs.processed - 2);
  });

  it('sources of one webcam do not hold each other up; runLoop closes a source it refuses', async () => {
    // before: an unread source kept two frames, all the fake camera lends, and no other source
    // of the camera got a frame (0 in 1.5 s); a refused runLoop left its source open
    const shared = await rt.call('shareCamera', 1500);
    measured.sharedReaderFrames = shared.frames;
    expect(shared.refusal).toMatchObject({ code: 'INVALID_OPTION', isVisionError: true });
    expect(shared.refusedClosed).toBe(true);
    expect(shared.heldOpen).toBe(true);
    expect(shared.frames).toBeGreaterThanOrEqual(10); // 45 here (30 fps)
  });

  it('stop/start cycles of a camera loop: every new loop gets the camera\'s frames (a cancelled read dropped a frame unclosed, starving the camera)', async () => {
    // stop() right after a busy main-thread stretch: the camera's next frame is on its way to the
    // waiting read. Cancelling the reader then made Chromium drop that frame unclosed; it held one
    // of the fake camera's two capture buffers until a garbage collection, and after 2–3 cycles
    // new loops got no frame at all (12 12 0 0 0). No garbage is collected between the cycles here.
    const framesIn = await rt.page.evaluate(async () => {
      const vp = (globalThis as unknown as { vp: typeof import('../../src/index') }).vp;
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      const camera = await vp.Webcam.open({ width: 640, height: 480 });
      const counts: number[] = [];
      try {
        for (let cycle = 0; cycle < 6; cycle++) {
          const loop = vp.runLoop(camera.frames(), async () => 0, { policy: 'latest' });
          await sleep(400);
          const busyUntil = performance.now() + 60;
          while (performance.now() < busyUntil); // a camera frame reaches the reader meanwhile
          await sleep(0);
          loop.stop();
          counts.push((await loop.done).framesIn);
        }
      } finally {
        camera.stop();
      }
      return counts;
    });
    measured.stopStartFramesIn = framesIn.join(' ');
    expect(Math.min(...framesIn)).toBeGreaterThanOrEqual(4); // about 12 a cycle (30 fps for 0.4 s)
  });

  it('(e) a worker crash mid-stream rejects the run in flight with WORKER_FAILED; the loop goes on after a restart', async () => {
    await rt.call('createWorker', 'shared');
    await rt.call('createRemote', 'crashy', 'wasm', { worker: 'shared' });
    const outcome = await rt.call('crashMidStream', 'crashy', 'shared', 300, 3);
    measured.crash = JSON.stringify({ errors: outcome.errors.map((e) => e.code), restarts: outcome.restarts });
    expect(outcome.errors.length).toBeGreaterThanOrEqual(1);
    for (const error of outcome.errors) expect(error).toMatchObject({ isVisionError: true, code: 'WORKER_FAILED' });
    expect(outcome.failures).toBe(1);
    expect(outcome.restarts).toBe(1);
    expect(outcome.lastError?.code).toBe('WORKER_FAILED');
    expect(outcome.results.filter((t) => t > outcome.crashAt!).length).toBeGreaterThanOrEqual(3);
    expect(outcome.results).toEqual([...outcome.results].sort((x, y) => x - y));
  });

  it('a looping video file keeps delivering frames past its end, timestamps increasing (they stopped at the first loop: the media time went back)', async () => {
    const bytes = readFileSync(loopClip()).toString('base64');
    const { timestamps, dropped } = await rt.call('loopFile', bytes, 2500);
    measured.loopFile = JSON.stringify({ frames: timestamps.length, dropped, last: Math.round(timestamps[timestamps.length - 1]) });
    // a 1-second clip: about 75 frames in 2.5 s (30 before, then none)
    expect(timestamps.length).toBeGreaterThanOrEqual(40);
    expect(timestamps[timestamps.length - 1]).toBeGreaterThan(1200);
    timestamps.slice(1).forEach((t, i) => expect(t).toBeGreaterThan(timestamps[i]));
  });

  it("a worker runBatch refused for one entry treats a handed-over bitmap the same wherever it sits (it closed it when it came second)", async () => {
    const [first, second, good] = await rt.call('batchHandOver');
    expect(first).toEqual({ handedFirst: true, code: 'INVALID_INPUT', width: 64 });
    expect(second).toEqual({ handedFirst: false, code: 'INVALID_INPUT', width: 64 });
    expect(good).toEqual({ embeddings: 2, dim: 1536, callerOpen: true });
  });

  it('a worker script that is not deployed is WORKER_FAILED naming its URL', async () => {
    expect(await rt.call('missingWorkerScript')).toMatchObject({ code: 'WORKER_FAILED', message: expect.stringMatching(/the worker script \/dist\/rt\/not-deployed\/worker\.js failed to load or threw — is it deployed there\?/) });
  });

  it('a handed-over bitmap whose call is refused before it is sent is closed (a function in the options, a disposed pipeline left it open)', async () => {
    expect(await rt.call('handOverRefused')).toEqual([{ code: 'INVALID_OPTION', width: 0 }, { code: 'DISPOSED', width: 0 }]);
  });

  it("any close() of a browser worker is announced, also one in the app's own worker script: the next run restarts it", async () => {
    const outcome = await rt.call('appClosesWorker');
    expect(outcome.second).toEqual({ ok: true });
    expect([outcome.failures, outcome.restarts]).toEqual([1, 1]);
    expect(outcome.lastError).toMatchObject({ code: 'WORKER_FAILED', message: expect.stringContaining('closed itself') });
  });

  it("a browser worker that closes itself is seen as a crash: the next run restarts it (it waited out the call's timeout, then failed with TIMEOUT)", async () => {
    // a timeout past the test's own limit: a missed exit fails the test instead of ending in TIMEOUT
    await rt.call('createWorker', 'exiting', { timeoutMs: 600_000 });
    await rt.call('createRemote', 'exits', 'wasm', { worker: 'exiting' });
    const outcome = await rt.call('exitAndRun', 'exits', 'exiting');
    expect(outcome.run).toMatchObject({ ok: true });
    expect([outcome.failures, outcome.restarts]).toEqual([1, 1]);
    expect(outcome.lastError).toMatchObject({ code: 'WORKER_FAILED', message: expect.stringContaining('closed itself') });
  });

  it('pose resize-on-capture (the canvas scales the crop before readback) lands on the exact path\'s keypoints', async () => {
    const { runs, leaked } = await rt.call('poseCapture', '/test/fixtures/images/astronaut.jpg');
    expect(leaked).toBe(0);
    const first = (name: string) => runs[name][0].poses[0];
    const exact = first('exact.bitmap');
    expect(exact.score).toBeGreaterThan(0.3);
    // the same pixels whichever browser picture carries them
    expect(first('exact.videoFrame').keypoints).toEqual(exact.keypoints);
    const confident = exact.keypoints.map((k, i) => (k.score > 0.3 ? i : -1)).filter((i) => i >= 0);
    expect(confident.length).toBeGreaterThanOrEqual(8);
    const spread = (name: string) => Math.max(...confident.map((i) => Math.hypot(first(name).keypoints[i].x - exact.keypoints[i].x, first(name).keypoints[i].y - exact.keypoints[i].y)));
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
    const preprocess = (name: string) => median(runs[name].slice(1).map((r) => r.timing.preprocess));
    for (const name of ['captured.bitmap', 'captured.videoFrame']) {
      expect(Math.abs(first(name).score - exact.score)).toBeLessThan(0.05);
      measured[`${name}.maxKeypointPx`] = Number(spread(name).toFixed(2));
      expect(spread(name)).toBeLessThan(6); // on a 512×512 photo; MoveNet's grid cell is 10.7 px here
      measured[`${name}.preprocessMs`] = Number(preprocess(name).toFixed(2));
    }
    measured['exact.videoFrame.preprocessMs'] = Number(preprocess('exact.videoFrame').toFixed(2));
  });

  it('camera frames (I420) are sampled from their YUV planes: the model input matches the exact full-frame path within a few grey levels', async () => {
    const paths = await rt.call('cameraSamplePaths');
    expect(paths.format).toBe('I420');
    expect(paths.yuvPath).toBe(true);
    expect(paths.mean).toBeGreaterThan(20); // a real picture, not a black frame
    measured.yuvVsExact = `mean ${paths.yuv.mean.toFixed(2)}, p99 ${paths.yuv.p99}`;
    measured.canvasVsExact = `mean ${paths.canvas.mean.toFixed(2)}, p99 ${paths.canvas.p99}`;
    // measured: mean 0.42, p99 3 grey levels (the canvas path of the same frame: 0.13, 2)
    expect(paths.yuv.mean).toBeLessThan(2);
    expect(paths.yuv.p99).toBeLessThan(12);
  });

  it('camera edges: a track the page stops ends every loop over it (DEVICE_LOST, no event fires); stop() during switchTo() leaves no camera on; an aborted signal closes frames() at once; without requestVideoFrameCallback the hidden-video paths fail next() (it hung)', async () => {
    const { stoppedTrack, switched, aborted, noFrameCallback } = await rt.call('cameraEdges');
    for (const [path, outcome] of Object.entries(stoppedTrack)) expect(outcome, path).toMatchObject({ ok: false, code: 'DEVICE_LOST', isVisionError: true });
    expect(switched).toMatchObject({ ok: false, code: 'DISPOSED', isVisionError: true });
    expect(switched.streams).toBeGreaterThan(0);
    expect(switched.states.every((state) => state === 'ended'), JSON.stringify(switched.states)).toBe(true);
    expect(aborted).toEqual({ closed: true, done: true });
    for (const [path, outcome] of Object.entries(noFrameCallback)) {
      expect(outcome, `${path} without requestVideoFrameCallback`).toMatchObject({ ok: false, code: 'INVALID_INPUT', isVisionError: true, message: expect.stringContaining('requestVideoFrameCallback') });
    }
  });

  it('(c) teardown: tensors flat in the worker, a terminated worker rejects runs in flight, a lost camera ends the loop, stopped tracks end', async () => {
    const first = await rt.call('memory', 'wasm');
    await rt.call('track', 'wasm', 5);
    const later = await rt.call('memory', 'wasm');
    expect(later.numTensors).toBe(first.numTensors);
    expect(later.backend).toBe('wasm');
    rt.call('dispose', 'crashy');
    await expect.poll(async () => (await rt.call('workerMemory', 'shared')).pipelines).toBe(0);
    expect((await rt.call('workerMemory', 'shared')).numTensors).toBe(0); // its model freed all
    await rt.call('terminate', 'shared');
    const inFlight = await rt.call('terminateInFlight', 'wasm');
    expect(inFlight).toMatchObject({ settled: 'rejected', code: 'DISPOSED', isVisionError: true });
    await rt.call('dispose', 'wasm');
    const lost = await rt.call('unplug');
    expect(lost).toMatchObject({ ok: false, code: 'DEVICE_LOST', isVisionError: true });
    const stopped = await rt.call('stopCamera');
    expect(stopped.states.length).toBeGreaterThan(0);
    expect(stopped.states.every((s) => s === 'ended')).toBe(true);
    expect(stopped.active).toBe(false);
    // no camera frame the page took was left for the garbage collector
    expect(await collectGarbage()).toEqual([]);
  });
});

describe('camera errors', () => {
  it('(d) permission denied is PERMISSION_DENIED; no camera at all is DEVICE_NOT_FOUND', async () => {
    const denied = await launchChromium(['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${panClip()}`, '--deny-permission-prompts']);
    try {
      const page = await openHarness(denied, server);
      const error = await page.call('openError', {});
      expect(error).toMatchObject({ ok: false, code: 'PERMISSION_DENIED', isVisionError: true });
      if (!error.ok) expect(error.message).toMatch(/denied/);
    } finally {
      await denied.close();
    }
    const none = await launchChromium(['--use-fake-ui-for-media-stream']);
    try {
      const page = await openHarness(none, server);
      const error = await page.call('openError', {});
      expect(error).toMatchObject({ ok: false, code: 'DEVICE_NOT_FOUND', isVisionError: true });
    } finally {
      await none.close();
    }
  });
});
