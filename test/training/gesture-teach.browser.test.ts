// Teaching gestures in real headless Chromium: the SDK bundle (dist/rt, see
// test/realtime/build.ts) starts a gesture training worker (a module Web Worker, wasm backend),
// the page sends posed hands of three gestures (generated here, seed 21), the worker trains an
// MLP with per-epoch events and classifies held-out hands (seed 22) correctly; a bad hand is
// refused with INVALID_INPUT and the worker keeps working; the classifier it saves loads in Node
// and predicts the same labels.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestBrowser, launchChromium } from '../browser/chromium';
import { type TestServer, startServer } from '../browser/server';
import { ensureBrowserBundles } from '../realtime/build';
import { type GeneratedHand, type GestureName, generateHandPoses } from '../../src/testing/hand-poses';
import { GestureClassifier, type SavedGestureClassifier } from '../../src/training/gestures/gesture-classifier';

const LABELS: GestureName[] = ['fist', 'pointing', 'victory'];
const train = generateHandPoses({ gestures: LABELS, perGesture: 12, seed: 21 });
const heldOut = generateHandPoses({ gestures: LABELS, perGesture: 10, seed: 22, noise: 0.03 });

interface PageOutcome {
  backend: string;
  counts: number[][];
  misspelt: { code: string | null; message: string };
  epochLosses: number[];
  samples: number;
  predicted: string[];
  badHand: { code: string | null; message: string };
  countsAfterBadHand: number[];
  saved: SavedGestureClassifier;
}

let server: TestServer;
let browser: TestBrowser;

beforeAll(async () => {
  await ensureBrowserBundles();
  server = await startServer();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('gesture teach flow in a Chromium Web Worker', () => {
  it('teaches three gestures from landmarks, classifies held-out hands, refuses a bad hand', async () => {
    const { page, log } = await browser.newPage();
    await page.goto(`${server.origin}/test/realtime/pages/realtime.html`);
    // a module script (not a dynamic import inside evaluate: vitest would rewrite it)
    await page.addScriptTag({ type: 'module', content: "import * as vp from '/dist/rt/realtime.js'; window.vp = vp;" });
    await page.waitForFunction(() => 'vp' in window, undefined, { timeout: 60_000 });
    const run = page.evaluate(
      async ({ train: hands, heldOut: held, labels }: { train: GeneratedHand[]; heldOut: GeneratedHand[]; labels: string[] }): Promise<PageOutcome> => {
        const vp = (window as unknown as { vp: typeof import('../../src/index') }).vp;
        const gestures = await vp.createGestureTrainingWorker({ backend: 'wasm', wasmPaths: '/node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
        try {
          const counts: number[][] = [];
          for (let id = 0; id < labels.length; id++) counts.push(await gestures.addSamples(hands.filter((h) => h.gesture === labels[id]), id));
          // a misspelt name (with a function, which could not even be posted) is refused before anything reaches the worker
          const misspelt = await gestures.train({ labels, epoch: 5, onEpoch: () => undefined } as unknown as Parameters<typeof gestures.train>[0]).then(
            () => ({ code: null, message: 'accepted' }),
            (error: { code?: string; message?: string }) => ({ code: error.code ?? null, message: String(error.message) }),
          );
          const epochLosses: number[] = [];
          const summary = await gestures.train({ labels, head: 'mlp', epochs: 20, seed: 1, onEpochEnd: (log) => epochLosses.push(log.loss) });
          const predicted = (await gestures.classify(held)).map((r) => r.label);
          const badHand = await gestures.addSamples({ keypoints: hands[0].keypoints.slice(0, 20) }, 0).then(
            () => ({ code: null, message: 'accepted' }),
            (error: { code?: string; message?: string }) => ({ code: error.code ?? null, message: String(error.message) }),
          );
          const countsAfterBadHand = await gestures.clearSamples(2);
          const saved = await gestures.toJSON();
          return { backend: gestures.backend, counts, misspelt, epochLosses, samples: summary.samples, predicted, badHand, countsAfterBadHand, saved };
        } finally {
          gestures.dispose();
        }
      },
      { train, heldOut, labels: LABELS },
    );
    const outcome = await run.catch((error: unknown) => {
      throw new Error(`${String(error)}\n--- page console ---\n${log.slice(-30).join('\n')}`);
    });

    expect(outcome.backend).toBe('wasm');
    expect(outcome.counts).toEqual([[12], [12, 12], [12, 12, 12]]);
    expect(outcome.misspelt.code).toBe('INVALID_OPTION');
    expect(outcome.misspelt.message).toMatch(/unknown option\(s\) epoch, onEpoch; allowed: labels, head, epochs/);
    expect(outcome.samples).toBe(36);
    expect(outcome.epochLosses).toHaveLength(20);
    expect(outcome.epochLosses[19]).toBeLessThan(outcome.epochLosses[0] / 2);
    const accuracy = outcome.predicted.filter((label, i) => label === heldOut[i].gesture).length / heldOut.length;
    console.log(`Chromium worker (wasm): taught 3 gestures × 12 hands; held-out accuracy ${accuracy.toFixed(3)} on ${heldOut.length} hands`);
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
    expect(outcome.badHand.code).toBe('INVALID_INPUT');
    expect(outcome.badHand.message).toMatch(/exactly 21 keypoints/);
    expect(outcome.countsAfterBadHand).toEqual([12, 12, 0]); // the bad hand added nothing to class 0

    // the classifier the worker saved loads in Node and gives the same labels
    await tf.setBackend('cpu');
    const loaded = await GestureClassifier.fromJSON(outcome.saved);
    expect((await loaded.classifyMany(heldOut)).map((r) => r.label)).toEqual(outcome.predicted);
    loaded.dispose();
  });
});
