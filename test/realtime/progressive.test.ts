// Progressive start: two pipelines start at once, frames are served by the first ready, the
// preferred one warms up on a copy of a real frame and takes over — at once with
// switchWhen: 'ready', or only when timed runs on frame copies measure it faster than the
// fallback's recent frames (default); a software WebGPU adapter is kept out unless allowed;
// track IDs continue across the switch. Control flow with scripted pipelines (whose creation
// and warm-up we release by hand, and whose speeds we set with timers far apart), then the
// real thing over two Node worker threads (preferred wasm, fallback cpu).
import { describe, expect, it } from 'vitest';
import type { RawImage } from '../../src/core/image-input';
import { pipeline } from '../../src/node/index';
import { ProgressivePipeline, type ServingPipeline, TrackIdBridge, VisionWorker, createProgressivePipeline, createWorkerPipeline } from '../../src/worker/index';
import { VisionError } from '../../src/core/errors';
import { describeGpuAdapter } from '../../src/worker/gpu-adapter';
import { resolveSwitchPolicy } from '../../src/worker/switch-decision';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelSpec } from '../../src/models/model-spec';
import { REPO_ROOT } from '../browser/server';
import { CELL_GRID, type GreyCell, cellDetectorCard, cellDetectorFiles, expectedCells } from '../soak/cell-detector';
import { ensureNodeWorker } from './build';

type Det = ServingPipeline<'object-detection'>;
interface Scripted {
  pipeline: Det;
  calls: { input: unknown; video: boolean }[];
  disposed: () => boolean;
  releaseWarmup: () => void;
}

const box = (x: number, y = 10) => ({ x1: x, y1: y, x2: x + 40, y2: y + 40 });

/** A pipeline whose results are static boxes with track IDs `firstId`, `firstId + 1`, … (its own tracker's numbering); each answer after `delayMs`. */
function scripted(backend: string, firstId: number, holdFirstRun = false, { delayMs = 0, software = false } = {}): Scripted {
  const calls: Scripted['calls'] = [];
  let disposed = false;
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const answer = async (input: unknown, video: boolean) => {
    calls.push({ input, video });
    if (holdFirstRun && calls.length === 1) await held;
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const xs = video ? [100, 10] : [10, 100]; // order differs from the fallback's: IDs must follow the boxes
    return {
      imageSize: { width: 200, height: 100 },
      detections: xs.map((x, i) => ({ box: box(x), score: 0.9, label: 'cell', labelIndex: 0, ...(video ? { trackId: firstId + i } : {}) })),
    };
  };
  const pipeline = {
    spec: { id: `spec-${backend}` },
    runner: { backend, gpuAdapter: software ? describeGpuAdapter({ info: { vendor: 'google', architecture: 'swiftshader', description: '', isFallbackAdapter: true } }) : null },
    run: (input: unknown) => answer(input, false),
    runForVideo: (input: unknown) => answer(input, true),
    reset: async () => undefined,
    dispose: () => (disposed = true),
  } as unknown as Det;
  return { pipeline, calls, disposed: () => disposed, releaseWarmup: release };
}

const frame = (): RawImage => ({ data: new Uint8Array(4 * 4 * 3).fill(7), width: 4, height: 4, channels: 3 });
const later = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('progressive start (control flow)', () => {
  it('serves from the fallback while the preferred loads and warms, then switches once; IDs continue', async () => {
    const fallback = scripted('wasm', 1);
    const preferred = scripted('webgpu', 1, true);
    let create: (p: Det) => void = () => undefined;
    const progressive = new ProgressivePipeline('object-detection', { preferred: 'webgpu', fallback: 'wasm' }, new Promise<Det>((r) => (create = r)), Promise.resolve(fallback.pipeline), { switchWhen: 'ready' });
    await progressive.ready();
    const first = await progressive.runForVideo(frame(), 0);
    expect(first.servedBy).toBe('wasm');
    const oldIds = new Map(first.detections.map((d) => [d.box.x1, d.trackId]));
    create(preferred.pipeline);
    await later();
    // the preferred pipeline exists: the next frame is still served by wasm, and a copy of it warms the preferred one
    const sent = frame();
    const second = await progressive.runForVideo(sent, 33);
    expect(second.servedBy).toBe('wasm');
    expect(preferred.calls).toHaveLength(1);
    expect(preferred.calls[0].video).toBe(false);
    const warm = preferred.calls[0].input as RawImage;
    expect(warm).not.toBe(sent);
    expect(warm.data).not.toBe(sent.data);
    expect(Array.from(warm.data)).toEqual(Array.from(sent.data));
    // while it warms, the fallback serves (the caller is never blocked)
    expect((await progressive.runForVideo(frame(), 66)).servedBy).toBe('wasm');
    preferred.releaseWarmup();
    await expect(progressive.preferredReady()).resolves.toBe(true);
    const switched = await progressive.runForVideo(frame(), 99);
    expect(switched.servedBy).toBe('webgpu');
    expect(fallback.disposed()).toBe(true);
    // same boxes keep their old IDs although the new tracker numbered them the other way round
    for (const d of switched.detections) expect(d.trackId).toBe(oldIds.get(d.box.x1));
    const stats = progressive.stats();
    expect(stats).toMatchObject({ served: { wasm: 3, webgpu: 1 }, frames: 4, switchedAtFrame: 3, preferredFailure: null, serving: 'webgpu' });
    expect(stats.switch).toMatchObject({ from: 'wasm', to: 'webgpu', decision: 'switched', reason: expect.stringMatching(/switchWhen: 'ready'/), preferredMs: null, atFrame: 3 });
    expect(stats.preferredWarmupMs).toBeGreaterThanOrEqual(0);
    progressive.dispose();
    expect(preferred.disposed()).toBe(true);
    await expect(progressive.run(frame())).rejects.toMatchObject({ code: 'DISPOSED' });
  });

  it('a preferred pipeline created first still serves only once warm: the fallback, loaded meanwhile, serves the first frame', async () => {
    const fallback = scripted('wasm', 1);
    const preferred = scripted('webgpu', 1, true);
    let load: (p: Det) => void = () => undefined;
    const progressive = new ProgressivePipeline('object-detection', { preferred: 'webgpu', fallback: 'wasm' }, Promise.resolve(preferred.pipeline), new Promise<Det>((r) => (load = r)), { switchWhen: 'ready' });
    await progressive.ready();
    const first = progressive.run(frame()); // starts the warm-up, waits for whichever comes first
    await later();
    expect(preferred.calls).toHaveLength(1);
    load(fallback.pipeline);
    expect((await first).servedBy).toBe('wasm');
    preferred.releaseWarmup();
    await progressive.preferredReady();
    expect((await progressive.run(frame())).servedBy).toBe('webgpu');
    expect(progressive.stats()).toMatchObject({ served: { wasm: 1, webgpu: 1 }, switchedAtFrame: 1 });
    expect(fallback.disposed()).toBe(true);
    progressive.dispose();
  });

  it('measured (default): a warm preferred backend that is faster takes over after timed runs on frame copies', async () => {
    const fallback = scripted('wasm', 1, false, { delayMs: 40 });
    const preferred = scripted('webgpu', 1);
    const progressive = new ProgressivePipeline('object-detection', { preferred: 'webgpu', fallback: 'wasm' }, Promise.resolve(preferred.pipeline), Promise.resolve(fallback.pipeline));
    await progressive.ready();
    const servedBy: string[] = [];
    for (let i = 0; i < 12 && (progressive.stats().served.webgpu ?? 0) < 2; i++) servedBy.push((await progressive.runForVideo(frame(), i * 33)).servedBy);
    const stats = progressive.stats();
    // frame 0 starts the warm-up, frames 1–3 one timed run each (all served by wasm), then webgpu
    expect(servedBy).toEqual(['wasm', 'wasm', 'wasm', 'wasm', 'webgpu', 'webgpu']);
    expect(preferred.calls.filter((c) => !c.video)).toHaveLength(4);
    expect(stats.switch).toMatchObject({ from: 'wasm', to: 'webgpu', decision: 'switched', reason: expect.stringMatching(/^measured faster/), atFrame: 4 });
    expect(stats.switch!.fallbackMs!).toBeGreaterThanOrEqual(39); // 40 ms timers: libuv fires on its cached millisecond clock, up to 1 ms before performance.now() says 40
    expect(stats.switch!.preferredMs!).toBeLessThan(stats.switch!.fallbackMs! * 0.9);
    expect(stats.switchedAtFrame).toBe(4);
    expect(fallback.disposed()).toBe(true);
    progressive.dispose();
  });

  it('measured (default): a slower preferred backend is NOT switched to; it is freed and the fallback serves on', async () => {
    const fallback = scripted('wasm', 1);
    const preferred = scripted('webgpu', 1, false, { delayMs: 40 });
    const progressive = new ProgressivePipeline('object-detection', { preferred: 'webgpu', fallback: 'wasm' }, Promise.resolve(preferred.pipeline), Promise.resolve(fallback.pipeline), { switchTrials: 2 });
    await progressive.ready();
    const decided = progressive.preferredReady();
    for (let i = 0; i < 3; i++) {
      expect((await progressive.runForVideo(frame(), i * 33)).servedBy).toBe('wasm');
      await new Promise((resolve) => setTimeout(resolve, 60)); // the preferred run (warm-up, then a timed one) completes
    }
    await expect(decided).resolves.toBe(false);
    for (let i = 3; i < 6; i++) expect((await progressive.runForVideo(frame(), i * 33)).servedBy).toBe('wasm');
    const stats = progressive.stats();
    expect(stats.switch).toMatchObject({ from: 'wasm', to: 'webgpu', decision: 'kept', reason: expect.stringMatching(/^not faster by 10 %/) });
    expect(stats.switch!.preferredMs!).toBeGreaterThanOrEqual(39); // (the same timer granularity)
    expect(stats.switch!.preferredMs!).toBeGreaterThan(stats.switch!.fallbackMs!);
    expect(stats).toMatchObject({ served: { wasm: 6 }, switchedAtFrame: null, serving: 'wasm', preferredFailure: null });
    expect(preferred.calls).toHaveLength(3); // warm-up + 2 timed runs, nothing after the decision
    expect([preferred.disposed(), fallback.disposed()]).toEqual([true, false]);
    progressive.dispose();
    expect(fallback.disposed()).toBe(true);
  });

  it('a software WebGPU adapter is kept out without a warm-up, unless allowSoftwareGpu (or the fallback cannot start)', async () => {
    const fallback = scripted('wasm', 1);
    const software = scripted('webgpu', 1, false, { software: true });
    const kept = new ProgressivePipeline('object-detection', { preferred: 'webgpu', fallback: 'wasm' }, Promise.resolve(software.pipeline), Promise.resolve(fallback.pipeline));
    await kept.ready();
    await expect(kept.preferredReady()).resolves.toBe(false);
    expect((await kept.run(frame())).servedBy).toBe('wasm');
    expect(software.calls).toHaveLength(0);
    expect(software.disposed()).toBe(true);
    expect(kept.stats()).toMatchObject({ preferredAdapter: { architecture: 'swiftshader', software: true }, switch: { decision: 'kept', preferredMs: null, reason: expect.stringMatching(/google swiftshader.*software renderer.*allowSoftwareGpu/) } });
    kept.dispose();

    const allowed = scripted('webgpu', 1, false, { software: true });
    const measured = new ProgressivePipeline('object-detection', { preferred: 'webgpu', fallback: 'wasm' }, Promise.resolve(allowed.pipeline), Promise.resolve(scripted('wasm', 1, false, { delayMs: 40 }).pipeline), { allowSoftwareGpu: true, switchTrials: 1 });
    for (let i = 0; i < 6 && measured.stats().switchedAtFrame === null; i++) await measured.run(frame());
    expect(measured.stats().switch).toMatchObject({ decision: 'switched', reason: expect.stringMatching(/^measured faster/) });
    measured.dispose();

    const alone = scripted('webgpu', 1, false, { software: true });
    const onlyGpu = new ProgressivePipeline('object-detection', { preferred: 'webgpu', fallback: 'wasm' }, Promise.resolve(alone.pipeline), Promise.reject(new Error('no wasm file')));
    expect((await onlyGpu.run(frame())).servedBy).toBe('webgpu');
    expect(onlyGpu.stats().switch).toMatchObject({ decision: 'switched', reason: 'the fallback could not start: no wasm file' });
    onlyGpu.dispose();
  });

  it('bad switch options are INVALID_OPTION naming what is allowed; adapters are told apart', () => {
    expect(resolveSwitchPolicy({})).toEqual({ switchWhen: 'faster', switchMargin: 0.1, switchTrials: 3, allowSoftwareGpu: false });
    expect(() => resolveSwitchPolicy({ switchMargin: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(/switchMargin must be a fraction/) }));
    expect(() => resolveSwitchPolicy({ switchTrials: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => resolveSwitchPolicy({ switchWhen: 'soon' as 'ready' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(describeGpuAdapter({ info: { vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' } })).toMatchObject({ isFallbackAdapter: null, software: true });
    expect(describeGpuAdapter({ info: { vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200', isFallbackAdapter: false } })).toMatchObject({ software: false });
    expect(describeGpuAdapter({})).toBeNull();
  });

  it('a new track after the switch gets a fresh ID above the old ones; matches hold later on', () => {
    const bridge = new TrackIdBridge();
    bridge.observeOld({ detections: [{ box: box(100), trackId: 5 }, { box: box(300), trackId: 9 }] });
    const first = { detections: [{ box: box(10), trackId: 1 }, { box: box(102), trackId: 2 }] };
    bridge.mapNew(first);
    expect(first.detections.map((d) => d.trackId)).toEqual([10, 5]);
    const second = { detections: [{ box: box(104), trackId: 2 }, { box: box(12), trackId: 1 }, { box: box(300), trackId: 3 }] };
    bridge.mapNew(second); // track 3 of the new tracker appears late but still overlaps the old ID 9
    expect(second.detections.map((d) => d.trackId)).toEqual([5, 10, 9]);
    // a late result of the old tracker (sent before the switch, answered after): its new track 10 is
    // not the new tracker's 10 (it came out as 10 twice), and keeps its own ID in later late results
    const late = { detections: [{ box: box(100), trackId: 5 }, { box: box(500), trackId: 10 }] };
    bridge.observeOld(late);
    expect(late.detections.map((d) => d.trackId)).toEqual([5, 11]);
    const later = { detections: [{ box: box(502), trackId: 10 }] };
    bridge.observeOld(later);
    expect(later.detections.map((d) => d.trackId)).toEqual([11]);
    const third = { detections: [{ box: box(14), trackId: 1 }, { box: box(700), trackId: 4 }] };
    bridge.mapNew(third);
    expect(third.detections.map((d) => d.trackId)).toEqual([10, 12]);
  });

  it('a failing preferred backend leaves the fallback serving, and says why', async () => {
    const fallback = scripted('wasm', 1);
    const progressive = new ProgressivePipeline('object-detection', { preferred: 'webgpu', fallback: 'wasm' }, Promise.reject(new Error('WebGPU is not available here')), Promise.resolve(fallback.pipeline));
    await progressive.ready();
    await expect(progressive.preferredReady()).resolves.toBe(false);
    for (let i = 0; i < 3; i++) expect((await progressive.run(frame())).servedBy).toBe('wasm');
    expect(progressive.stats()).toMatchObject({ preferredFailure: 'WebGPU is not available here', served: { wasm: 3 }, switchedAtFrame: null });
    progressive.dispose();
    expect(fallback.disposed()).toBe(true);
  });

  it('stats() names the backend that serves the next frame, and why a fallback could not start (a misspelt one was silent)', async () => {
    const preferred = scripted('cpu', 1);
    const progressive = new ProgressivePipeline('object-detection', { preferred: 'cpu', fallback: 'nosuch' }, Promise.resolve(preferred.pipeline), Promise.reject(new Error("unknown tfjs backend 'nosuch'")), { switchWhen: 'ready' });
    await progressive.ready();
    await later();
    // it said 'nosuch' here while cpu served every frame
    expect(progressive.stats()).toMatchObject({ serving: 'cpu', fallbackFailure: "unknown tfjs backend 'nosuch'" });
    for (let i = 0; i < 2; i++) expect((await progressive.run(frame())).servedBy).toBe(progressive.stats().serving);
    progressive.dispose();
  });

  it('neither starting is one BACKEND_UNAVAILABLE naming both (both failing alike: that failure); a late pipeline after dispose is freed on arrival', async () => {
    const failing = new ProgressivePipeline('object-detection', { preferred: 'webgpu', fallback: 'wasm' }, Promise.reject(new Error('no adapter')), Promise.reject(new Error('no wasm file')));
    await expect(failing.ready()).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE', message: expect.stringMatching(/no adapter.*no wasm file/) });
    // both creations aborted (the caller's signal): ABORTED, as for one worker, not BACKEND_UNAVAILABLE
    const aborted = () => Promise.reject(new VisionError('ABORTED', 'creating the worker pipeline was aborted'));
    const both = new ProgressivePipeline('object-detection', { preferred: 'webgpu', fallback: 'wasm' }, aborted(), aborted());
    await expect(both.ready()).rejects.toMatchObject({ code: 'ABORTED', message: 'creating the worker pipeline was aborted' });
    // both refusing the options alike (a misspelt name): that refusal, as in-thread, not BACKEND_UNAVAILABLE repeating it
    const misspelt = () => Promise.reject(new VisionError('INVALID_OPTION', "object-detection options has unknown option(s) threshhold"));
    await expect(new ProgressivePipeline('object-detection', { preferred: 'cpu', fallback: 'wasm' }, misspelt(), misspelt()).ready()).rejects.toMatchObject({ code: 'INVALID_OPTION', message: "object-detection options has unknown option(s) threshhold" });
    const missing = (where: string) => Promise.reject(new VisionError('MODEL_LOAD_FAILED', `no model at ${where}`));
    await expect(new ProgressivePipeline('object-detection', { preferred: 'cpu', fallback: 'wasm' }, missing('a'), missing('b')).ready()).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED', message: 'cpu: no model at a; wasm: no model at b' });
    // a misspelt backend is refused before any worker starts (it failed in its worker while the other served)
    await expect(createProgressivePipeline('object-detection', { backend: ['cuda', 'wasm'], worker: true, progressive: true } as never)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining("unknown tfjs backend 'cuda'") });
    const late = scripted('webgpu', 1);
    const fallback = scripted('wasm', 1);
    let create: (p: Det) => void = () => undefined;
    const progressive = new ProgressivePipeline('object-detection', { preferred: 'webgpu', fallback: 'wasm' }, new Promise<Det>((r) => (create = r)), Promise.resolve(fallback.pipeline));
    await progressive.ready();
    progressive.dispose();
    create(late.pipeline);
    await later();
    expect([fallback.disposed(), late.disposed()]).toEqual([true, true]);
  });

  it('worker and bridge settings are checked when made (a url of 5 failed at the first call with a TypeError; a misspelt limit and a negative overlap were taken)', async () => {
    const refused = (make: () => unknown, message: RegExp) => expect(make).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(message) }));
    refused(() => new VisionWorker(null as never), /^VisionWorker options are null/);
    refused(() => new VisionWorker({ url: 5 as never }), /^url is 5; it must be the worker script's URL/);
    refused(() => new VisionWorker({ url: {} as never }), /^url is an object/);
    refused(() => new VisionWorker({ name: 5 as never }), /^name is 5; it must be a string/);
    refused(() => new VisionWorker({ tiemoutMs: 100 } as never), /VisionWorker options has unknown option\(s\) tiemoutMs/);
    await expect(createWorkerPipeline('object-detection', { workerUrl: 5 as never })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/^url is 5/) });
    refused(() => new TrackIdBridge(-1, 5), /^minIou is -1/);
    refused(() => new TrackIdBridge(Number.NaN), /^minIou is NaN/);
    refused(() => new TrackIdBridge('a' as never, 'b' as never), /^minIou is "a"/);
    refused(() => new TrackIdBridge(0.3, 1.5), /^handOverFrames is 1\.5/);
  });

  it('video frames sent together reach the pipelines in call order while the preferred warms up (they came 2,3,4,5,6,1)', async () => {
    const received: string[] = [];
    const recording = (backend: string) =>
      ({
        spec: { id: backend },
        runner: { backend, gpuAdapter: null },
        run: async () => ({ imageSize: { width: 4, height: 4 }, detections: [] }),
        runForVideo: async (_input: unknown, timestampMs: number) => {
          received.push(`${backend}@${timestampMs}`);
          return { imageSize: { width: 4, height: 4 }, detections: [] };
        },
        reset: async () => undefined,
        dispose: () => undefined,
      }) as unknown as Det;
    const progressive = new ProgressivePipeline('object-detection', { preferred: 'wasm', fallback: 'cpu' }, Promise.resolve(recording('wasm')), Promise.resolve(recording('cpu')), { switchWhen: 'ready' });
    await progressive.ready();
    const timestamps = [1, 2, 3, 4, 5, 6, 7, 8];
    await Promise.all(timestamps.map((t) => progressive.runForVideo(frame(), t)));
    const order = received.map((r) => Number(r.split('@')[1]));
    expect(order).toEqual(timestamps);
    expect(received.some((r) => r.startsWith('wasm@'))).toBe(true); // the switch came mid-stream, and order held across it
    progressive.dispose();
  });
});

/** The soak's tiny cell detector written to .cache (cpu and wasm both run it in milliseconds). */
function cellModelCard(): ModelSpec {
  const dir = join(REPO_ROOT, '.cache/progressive');
  mkdirSync(dir, { recursive: true });
  const files = cellDetectorFiles();
  writeFileSync(join(dir, 'model.json'), JSON.stringify(files.json));
  writeFileSync(join(dir, 'group1-shard1of1.bin'), Buffer.concat((files.weights as Uint8Array[]).map((w) => Buffer.from(w))));
  return cellDetectorCard(join(dir, 'model.json'));
}

/** A black 64×64 RGB frame with these cells grey. */
function cellFrame(cells: readonly GreyCell[]): RawImage {
  const side = 64;
  const cell = side / CELL_GRID;
  const data = new Uint8Array(side * side * 3);
  for (const c of cells) {
    for (let y = c.row * cell; y < (c.row + 1) * cell; y++) data.fill(c.grey, (y * side + c.column * cell) * 3, (y * side + (c.column + 1) * cell) * 3);
  }
  return { data, width: side, height: side, channels: 3 };
}

describe('progressive start over two Node worker threads', () => {
  it("['wasm', 'cpu']: the fallback serves first, then wasm; results agree with the expected cells; track IDs stay", async () => {
    const workerUrl = await ensureNodeWorker();
    const cells: GreyCell[] = [
      { column: 0, row: 0, grey: 255 },
      { column: 2, row: 1, grey: 220 },
      { column: 1, row: 3, grey: 200 },
    ];
    const expected = expectedCells(cells, 64);
    const progressive = await pipeline('object-detection', { worker: true, progressive: true, backend: ['wasm', 'cpu'], switchWhen: 'ready', model: cellModelCard(), workerUrl });
    const idsByBox = new Map<string, number>();
    try {
      for (let i = 0; i < 200 && (progressive.stats().served.wasm ?? 0) < 3; i++) {
        const result = await progressive.runForVideo(cellFrame(cells), i * 33);
        expect(result.detections.map((d) => [d.label, ...[d.box.x1, d.box.y1, d.box.x2, d.box.y2].map(Math.round)])).toEqual(expected.map((e) => [e.label, ...e.box]));
        result.detections.forEach((d, k) => expect(d.score).toBeCloseTo(expected[k].score, 4));
        for (const d of result.detections) {
          const key = `${Math.round(d.box.x1)},${Math.round(d.box.y1)}`;
          expect(d.trackId).toBe(idsByBox.get(key) ?? d.trackId);
          idsByBox.set(key, d.trackId!);
        }
      }
      const stats = progressive.stats();
      expect(stats.preferredFailure).toBeNull();
      expect(stats.serving).toBe('wasm');
      expect(stats.served.wasm).toBe(3);
      if (process.env.PROGRESSIVE_STATS) console.log(JSON.stringify(stats));
      expect(new Set(idsByBox.values()).size).toBe(3);
      if (stats.switchedAtFrame !== 0) expect(stats.served.cpu).toBe(stats.switchedAtFrame);
      await progressive.reset();
      expect((await progressive.runForVideo(cellFrame(cells), 9999)).detections).toHaveLength(3);
    } finally {
      progressive.dispose();
    }
    await expect(progressive.run(cellFrame(cells))).rejects.toMatchObject({ code: 'DISPOSED' });
  }, 30_000);
});
