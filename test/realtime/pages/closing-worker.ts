// A worker script of the app's own (as `workerUrl` allows): the visionpipe host, whose worker
// closes itself with a plain `self.close()` shortly after its first run — not through the host's
// simulateFailure — so a test sees whether any close reaches the page.
import * as Comlink from 'comlink';
import { createWorkerHost } from '../../../src/worker/worker-host';

const host = createWorkerHost();
let closing = false;
Comlink.expose(
  {
    ...host,
    run: async (...args: Parameters<typeof host.run>) => {
      const reply = await host.run(...args);
      if (!closing) {
        closing = true;
        setTimeout(() => self.close(), 50);
      }
      return reply;
    },
  },
  self as unknown as Comlink.Endpoint,
);
