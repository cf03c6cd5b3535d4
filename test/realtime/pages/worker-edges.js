// Worker pipeline edges for the realtime tests (plain ESM, runs untranspiled; merged into
// `window.rt` by realtime.js): relative URLs, a worker script that is not there, frames handed
// over to calls refused before they are sent. Types: ../harness-types.ts.

/** The functions, given the bundled SDK, the page's loading options and its error flattener. */
export function workerEdges(vp, BASE, plainError) {
  return {
    /**
     * Relative URLs in a worker pipeline's options mean the page's folder, as in-thread: this page
     * is /test/realtime/pages/, so these are /node_modules/…; from the worker's folder (deeper,
     * `workerUrl`) they name nothing.
     */
    async relativeUrls(workerUrl) {
      const options = { modelBaseUrl: '../../../node_modules/', wasmPaths: '../../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', backend: 'wasm', threshold: 0.3, workerUrl };
      try {
        const p = await vp.createWorkerPipeline('object-detection', options);
        try {
          const grey = await createImageBitmap(new ImageData(new Uint8ClampedArray(320 * 240 * 4).fill(128), 320, 240));
          const { imageSize } = await p.run(vp.handOver(grey));
          return { ok: true, backend: p.runner.backend, imageSize };
        } finally {
          p.dispose();
        }
      } catch (error) {
        return { ok: false, ...plainError(error) };
      }
    },

    /** The same for the two trainers: the image trainer's backbone and wasm files, the gesture trainer's wasm files. */
    async trainerRelativeUrls(workerUrl) {
      const wasmPaths = '../../../node_modules/@tensorflow/tfjs-backend-wasm/dist/';
      const outcome = async (start) => {
        try {
          const trainer = await start();
          trainer.dispose();
          return { ok: true, backend: trainer.backend };
        } catch (error) {
          return { ok: false, ...plainError(error) };
        }
      };
      return {
        images: await outcome(() => vp.createTrainingWorker({ modelBaseUrl: '../../../node_modules/', wasmPaths, backend: 'wasm', workerUrl })),
        gestures: await outcome(() => vp.createGestureTrainingWorker({ wasmPaths, backend: 'wasm', workerUrl })),
      };
    },

    /**
     * In an `<iframe srcdoc>` (its location is `about:srcdoc`) relative URLs mean the document's
     * base — the page's — as fetch takes them, in-thread and in a worker: they were resolved
     * against `about:srcdoc`, a bare TypeError.
     */
    async srcdocRelativeUrls() {
      const frame = document.createElement('iframe');
      const script = `import * as vp from '/dist/rt/realtime.js';
        const options = { model: 'blazeface', modelBaseUrl: '../../../node_modules/', wasmPaths: '../../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', backend: 'wasm' };
        const outcome = async (start) => {
          try { const p = await start(); p.dispose(); return { ok: true }; } catch (e) { return { ok: false, name: e?.name ?? 'Error', code: e?.code ?? null, message: String(e?.message ?? e) }; }
        };
        parent.postMessage({ srcdoc: { href: location.href, inThread: await outcome(() => vp.pipeline('object-detection', options)), worker: await outcome(() => vp.createWorkerPipeline('object-detection', options)) } }, '*');`;
      frame.srcdoc = `<!doctype html><script type="module">${script}</` + 'script>';
      const answer = new Promise((resolve) => {
        const listen = (event) => {
          if (event.source !== frame.contentWindow || !event.data?.srcdoc) return;
          window.removeEventListener('message', listen);
          resolve(event.data.srcdoc);
        };
        window.addEventListener('message', listen);
      });
      document.body.append(frame);
      try {
        return await answer;
      } finally {
        frame.remove();
      }
    },

    /** A worker script that is not there: the error names its URL (it said only "the worker script failed to load or threw"). */
    async missingWorkerScript() {
      return vp.createWorkerPipeline('object-detection', { ...BASE, backend: 'wasm', workerUrl: '/dist/rt/not-deployed/worker.js', createTimeoutMs: 20_000 }).then(
        (p) => (p.dispose(), null),
        (error) => plainError(error),
      );
    },

    /** A handed-over bitmap whose call is refused before it is sent (a function in the options, a disposed pipeline) is closed: the worker side will never get it. */
    async handOverRefused() {
      const p = await vp.createWorkerPipeline('object-detection', { ...BASE, backend: 'wasm' });
      const grey = () => createImageBitmap(new ImageData(new Uint8ClampedArray(64 * 64 * 4).fill(128), 64, 64));
      const outcomes = [];
      const first = await grey();
      outcomes.push({ code: await p.run(vp.handOver(first), { onBox: () => 1 }).then(() => null, (e) => e.code), width: first.width });
      p.dispose();
      const second = await grey();
      outcomes.push({ code: await p.run(vp.handOver(second)).then(() => null, (e) => e.code), width: second.width });
      return outcomes;
    },
  };
}
