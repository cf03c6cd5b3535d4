// The visionpipe worker script with this thread's CPU↔GPU transfers counted (transfer-counters.js,
// installed before anything runs) and one more method on its API, `transferCounts(reset)`, for
// the GPU-input tests to ask what a worker run read back or uploaded. Bundled by the test
// (esbuild) with onnxruntime-web left to the browser at its package URL.
import * as Comlink from 'comlink';
import { counts, gpuBuffersAlive, resetCounts } from './transfer-counters.js';
import { createWorkerHost } from '../../../src/worker/worker-host';
import { reply } from '../../../src/runtime/worker-reply';

Comlink.expose(
  {
    ...createWorkerHost(),
    transferCounts: (reset: boolean) =>
      reply(() => {
        const seen = { ...counts, buffers: gpuBuffersAlive() };
        if (reset) resetCounts();
        return seen;
      }),
  },
  self as unknown as Comlink.Endpoint,
);
