// The browser worker script (bundled as dist/worker.js): exposes a visionpipe worker host to
// the page over comlink. Created by VisionWorker with
// `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })`.
import * as Comlink from 'comlink';
import { createWorkerHost } from './worker/worker-host';

Comlink.expose(
  createWorkerHost({ loadTrainer: async () => (await import('./trainer-host')).createTrainerHost() }),
  self as unknown as Comlink.Endpoint,
);
