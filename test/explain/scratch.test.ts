import * as tf from '@tensorflow/tfjs';
import { it } from 'vitest';
import { explain, pipeline, selectTfjsBackend } from '../../src/index';
import { PRESENCE_SPEC, presenceScene, rng, trainPresenceModel } from './presence-scenes';

it('scratch', async () => {
  await selectTfjsBackend({ backend: 'wasm' });
  await tf.setBackend('cpu');
  let t0 = Date.now();
  const c0 = process.cpuUsage();
  const runner = await trainPresenceModel(256, 5, 1);
  console.log('train ms', Date.now() - t0, process.cpuUsage(c0).user / 1000);
  await tf.setBackend('wasm');
  const classifier = await pipeline('image-classification', { model: runner, spec: PRESENCE_SPEC });
  const random = rng(99);
  let correct = 0;
  const figures: Record<string, number[]> = { occlusion: [], 'grad-cam': [], gradients: [], smoothgrad: [] };
  const times: Record<string, number> = {};
  for (let i = 0; i < 40; i++) {
    const s = presenceScene(random, i % 2 === 1);
    const { classes } = await classifier.run(s.image);
    if (classes[0].classId === s.label) correct++;
    if (s.box && i < 20) {
      for (const method of ['occlusion', 'grad-cam', 'gradients', 'smoothgrad'] as const) {
        t0 = Date.now();
        const { heatMap } = await explain(classifier, s.image, { method, classId: 1, layer: 'features', patchSize: 4, stride: 2, batchSize: 64 });
        times[method] = (times[method] ?? 0) + Date.now() - t0;
        figures[method].push(heatMap.massInside(s.box));
        heatMap.close();
      }
    }
  }
  console.log('acc', correct / 40, tf.memory().numTensors, times);
  for (const [k, v] of Object.entries(figures)) console.log(k, (v.reduce((a, b) => a + b, 0) / v.length).toFixed(3), v.map((x) => x.toFixed(2)).join(' '));
}, 600000);
