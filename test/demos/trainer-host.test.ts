// The worker side of createTrainingWorker (createTrainerHost), run in-thread in Node on the
// wasm backend: real MobileNetV2 features of photo crops (a cat vs a cup of coffee), a head
// trained with per-batch and per-epoch events, classification of held-out crops, cancel,
// bad input, and the saved files loading back. The browser test runs it inside a real worker.
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawImage } from '../../src/core/image-input';
import { selectTfjsBackend } from '../../src/node/index';
import { loadClassifier } from '../../src/training/save';
import type { Reply } from '../../src/runtime/worker-reply';
import { createTrainerHost } from '../../src/trainer-host';
import type { TrainerApi, TrainingEvent } from '../../src/training/worker/trainer-protocol';
import { fixturePhoto } from '../helpers/photos';

const LABELS = ['cat', 'coffee'];

/** `n` 224×224 crops of a photo at seeded positions and scales. */
async function crops(name: 'chelsea' | 'coffee', n: number, seed: number): Promise<RawImage[]> {
  const image = sharp(fixturePhoto(name));
  const { width = 0, height = 0 } = await image.metadata();
  const out: RawImage[] = [];
  for (let i = 0; i < n; i++) {
    const t = (Math.sin(seed * 97 + i * 13.7) + 1) / 2;
    const side = Math.round(Math.min(width, height) * (0.6 + 0.35 * t));
    const left = Math.round((width - side) * ((i * 0.37 + t) % 1));
    const top = Math.round((height - side) * ((i * 0.61 + seed * 0.13) % 1));
    const data = await sharp(fixturePhoto(name)).extract({ left, top, width: side, height: side }).resize(224, 224).removeAlpha().raw().toBuffer();
    out.push({ data: new Uint8Array(data), width: 224, height: 224, channels: 3 });
  }
  return out;
}

function value<T>(reply: Reply<T>): T {
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply.value;
}

let host: TrainerApi;

beforeAll(async () => {
  await selectTfjsBackend({ backend: 'wasm' });
  host = createTrainerHost();
  expect(value(await host.setup({ backend: 'wasm' }))).toEqual({ backend: 'wasm', dim: 1280 });
});

afterAll(async () => {
  await host?.dispose();
});

describe('the training worker host (in-thread, wasm)', () => {
  it('refuses to work before setup, with too few samples, or with bad labels', async () => {
    const fresh = createTrainerHost();
    expect(await fresh.addSamples(await crops('chelsea', 1, 1), 0)).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION' } });
    expect(await fresh.classify(await crops('chelsea', 1, 1).then((c) => c[0]))).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION' } });
    expect(await host.addSamples([], 0)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await host.addSamples(await crops('chelsea', 1, 1), -1)).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION' } });
    expect(value(await host.addSamples(await crops('chelsea', 1, 2), 0))).toEqual([1]);
    const reply = await host.train({ labels: LABELS });
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(!reply.ok && reply.error.message).toContain("'coffee' has 0");
    expect(await host.train({ labels: ['only one'] })).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION' } });
    expect(value(await host.clearSamples())).toEqual([]);
  });

  it('embeds samples, trains with batch and epoch events (loss falls), and classifies held-out crops', async () => {
    expect(value(await host.addSamples(await crops('chelsea', 8, 3), 0))).toEqual([8]);
    expect(value(await host.addSamples(await crops('coffee', 8, 4), 1))).toEqual([8, 8]);
    const events: TrainingEvent[] = [];
    const summary = value(await host.train({ labels: LABELS, epochs: 8, batchSize: 4, seed: 1 }, (e) => events.push(e)));
    const epochs = events.flatMap((e) => (e.type === 'epoch' ? [e.log] : []));
    expect(epochs).toHaveLength(8);
    expect(events.filter((e) => e.type === 'batch').length).toBe(8 * 3); // 12 training samples in batches of 4
    expect(summary.samples).toEqual({ train: 12, validation: 4 });
    expect(epochs[7].loss).toBeLessThan(epochs[0].loss);
    expect(epochs[7].accuracy).toBeGreaterThan(epochs[0].accuracy);
    expect(Math.max(...epochs.map((e) => e.valAccuracy ?? 0))).toBeGreaterThanOrEqual(0.75);

    const held = [...(await crops('chelsea', 3, 50)).map((image) => ({ image, label: 'cat' })), ...(await crops('coffee', 3, 60)).map((image) => ({ image, label: 'coffee' }))];
    await host.classify(held[0].image); // warm up
    const before = tf.memory().numTensors;
    let right = 0;
    for (const { image, label } of held) {
      const { classes } = value(await host.classify(image));
      expect(classes).toHaveLength(2);
      if (classes[0].label === label) right++;
    }
    expect(right).toBeGreaterThanOrEqual(5);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('cancels a training run (ABORTED) and keeps the previous classifier', async () => {
    const image = (await crops('coffee', 1, 70))[0];
    const top = value(await host.classify(image)).classes[0].label;
    let sawBatch = false;
    const running = host.train({ labels: LABELS, epochs: 200, batchSize: 2 }, (e) => {
      if (!sawBatch && e.type === 'batch') {
        sawBatch = true;
        void host.cancel();
      }
    });
    expect(await host.train({ labels: LABELS })).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION' } }); // one run at a time
    expect(await running).toMatchObject({ ok: false, error: { code: 'ABORTED' } });
    expect(value(await host.classify(image)).classes[0].label).toBe(top);
  });

  it('saves files that load back as the same classifier', async () => {
    const files = value(await host.toFiles());
    const { runner, spec } = await loadClassifier(files, { backend: 'wasm' });
    expect(spec.labels).toEqual(LABELS);
    expect(runner.inputs[0].shape.slice(1)).toEqual([224, 224, 3]);
    runner.dispose();
    expect(await host.save('not-a-scheme://x')).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION' } });
  });
});
