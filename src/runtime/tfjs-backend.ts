import * as tf from '@tensorflow/tfjs';
import { absoluteUrl } from '../core/base-url';
import { VisionError, describeError } from '../core/errors';
import { shownValue } from '../core/shown-value';
import { checkOptionsObject, optionNames } from '../core/known-options';
import { useFastWasmKernels } from './wasm-fast-kernels';

import type { TfjsBackendName } from '../core/card-types';

export type { TfjsBackendName };

/** All tfjs backend names, in default priority order. @example `TFJS_BACKENDS.includes(name)` */
export const TFJS_BACKENDS: readonly TfjsBackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/**
 * Options for choosing the tfjs backend.
 *
 * @example
 * ```ts
 * await selectTfjsBackend({ backend: ['webgpu', 'wasm'], wasmPaths: '/wasm/' });
 * ```
 */
export interface TfjsBackendOptions {
  /** One backend, or an ordered list to try. Default: webgpu → webgl → wasm → cpu in browsers, wasm → cpu in Node. */
  backend?: TfjsBackendName | readonly TfjsBackendName[];
  /** Where the tfjs wasm backend finds its `.wasm` files (browsers with bundlers that do not copy them). */
  wasmPaths?: string;
}

const BACKEND_OPTION_NAMES = /* @__PURE__ */ optionNames<TfjsBackendOptions>()(['backend', 'wasmPaths']);

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

function defaultOrder(): readonly TfjsBackendName[] {
  return isNode ? ['wasm', 'cpu'] : TFJS_BACKENDS;
}

/** A folder of tfjs' .wasm files as tfjs takes it: a prefix its file names are appended to (without the last `/`, the files were looked for beside the folder), relative to the page (in a worker too). */
const wasmFolder = (path: string): string => absoluteUrl(path.endsWith('/') ? path : `${path}/`);

async function register(name: TfjsBackendName, wasmPaths: string | undefined): Promise<void> {
  if (name === 'webgpu') {
    const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
    if (!gpu) throw new Error('navigator.gpu is not available (no WebGPU in this environment)');
    // tfjs only says "initialisation failed" (and warns "No available adapters" in the console)
    if (!(await gpu.requestAdapter())) throw new Error('no WebGPU adapter (requestAdapter() returned null: the GPU is blocklisted, or WebGPU is disabled in this browser)');
    await import('@tensorflow/tfjs-backend-webgpu');
  } else if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (wasmPaths) wasm.setWasmPaths(wasmFolder(wasmPaths));
  } else if (name === 'webgl' && isNode) {
    throw new Error('WebGL needs a browser');
  }
  if (!tf.findBackendFactory(name)) throw new Error(`backend '${name}' is not registered`);
}

/** The SDK's faster kernels for the backend just picked (see `wasm-fast-kernels.ts`), the WebGPU device watched; returns its name. */
function started(name: TfjsBackendName): string {
  if (name === 'wasm') useFastWasmKernels();
  if (name === 'webgpu') watchWebgpuDevice();
  return name;
}

/** Why the WebGPU device tfjs ran on was lost, once it was (a driver reset, the GPU process gone, `destroy()`). */
let webgpuLost: string | undefined;
const watchedDevices = new WeakSet<object>();

/**
 * Notes the loss of the WebGPU device tfjs runs on: tfjs keeps the dead backend active, and every
 * later readback failed with a bare `DOMException` (and a new pipeline asking for webgpu got it).
 * Once lost, webgpu counts as a backend that failed: selection goes on to the next of the list.
 */
function watchWebgpuDevice(): void {
  const device = (tf.findBackend('webgpu') as unknown as { device?: GPUDevice } | null)?.device;
  if (!device || watchedDevices.has(device)) return;
  watchedDevices.add(device);
  void device.lost.then((info) => {
    webgpuLost = `the WebGPU device was lost (${info.reason ?? 'unknown'}${info.message ? `: ${info.message}` : ''})`;
    failures.set('webgpu', `${webgpuLost}; reload the page to use WebGPU again`);
  });
}

/**
 * Why a backend cannot run models any more — for webgpu, once its device was lost — or
 * undefined while it can.
 *
 * @example
 * ```ts
 * const lost = lostBackendReason('webgpu'); // 'the WebGPU device was lost (destroyed)'
 * ```
 */
export function lostBackendReason(name: string): string | undefined {
  return name === 'webgpu' ? webgpuLost : undefined;
}

/**
 * The backends {@link selectTfjsBackend} tries for a `backend` option, in order (the default
 * order when it is undefined).
 *
 * @throws VisionError `INVALID_OPTION` for an empty list or an unknown name.
 * @example
 * ```ts
 * tfjsBackendOrder(undefined); // ['wasm', 'cpu'] in Node
 * ```
 */
export function tfjsBackendOrder(option: TfjsBackendOptions['backend']): readonly TfjsBackendName[] {
  if (option === undefined) return defaultOrder();
  const list: unknown = typeof option === 'string' ? [option] : option;
  if (!Array.isArray(list)) throw new VisionError('INVALID_OPTION', `backend is ${shownValue(option)}; it must be a backend name or a list of them (${TFJS_BACKENDS.join(', ')})`);
  if (list.length === 0) throw new VisionError('INVALID_OPTION', `backend list is empty; allowed: ${TFJS_BACKENDS.join(', ')}`);
  for (const name of list) {
    if (!TFJS_BACKENDS.includes(name)) {
      throw new VisionError('INVALID_OPTION', `unknown tfjs backend '${String(name)}'; allowed: ${TFJS_BACKENDS.join(', ')}`);
    }
  }
  return list as TfjsBackendName[];
}

let selection: Promise<string> = Promise.resolve('');
const failures = new Map<TfjsBackendName, string>();
/** Model runs in flight on the active backend (see {@link onTfjsBackend}); nothing switches it under them. */
let holders = 0;
/** Whether a selection or switch is changing the active backend (new runs wait for it). */
let switching = false;
/** Resolvers of switches waiting for the runs in flight to end. */
let idleWaiters: (() => void)[] = [];

function whenIdle(): Promise<void> {
  return holders === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve));
}

/** Queues a change of the active backend after the selections before it, once no run holds the backend. */
function exclusively<T>(change: () => Promise<T>): Promise<T> {
  const next = selection.catch(() => '').then(async () => {
    switching = true;
    try {
      await whenIdle();
      return await change();
    } finally {
      switching = false;
    }
  });
  selection = next.then(String, () => '');
  return next;
}

/**
 * tfjs's cpu backend prints a "looks like you are running TensorFlow.js in Node.js… install
 * tfjs-node" banner on its first tensor in Node. visionpipe chose wasm/cpu in Node on purpose
 * (tfjs-node cannot be installed offline), and a library prints nothing it was not asked to:
 * this marks the banner as shown on the cpu backend instance. Unlike `tf.enableProdMode()` it
 * leaves every other tfjs warning, and the caller's tfjs flags, as they are. Backend selection
 * and the Node entry call it; a no-op in browsers.
 *
 * @example
 * ```ts
 * quietNodeBanner();
 * tf.tensor([1, 2]); // no banner on stderr
 * ```
 */
export function quietNodeBanner(): void {
  if (!isNode || !tf.findBackendFactory('cpu')) return;
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu && cpu.firstUse === true) cpu.firstUse = false;
}

function activeBackend(): string | null {
  return (tf.engine() as unknown as { backendName: string | null }).backendName;
}

/**
 * The active tfjs backend, or — when none was chosen yet — the first of the default order that
 * works (as {@link selectTfjsBackend} with no options). For code that runs tensors outside a
 * pipeline (gesture classifiers, say): it never switches a backend the application chose, and
 * in Node it gives wasm and no tfjs-node banner instead of tfjs' own lazy pick.
 *
 * @example
 * ```ts
 * await ensureTfjsBackend(); // 'wasm' in Node when nothing was selected before
 * ```
 */
export async function ensureTfjsBackend(): Promise<string> {
  await selection.catch(() => '');
  return activeBackend() ?? selectTfjsBackend();
}

/**
 * In Node, {@link ensureTfjsBackend} (wasm, without the tfjs-node banner); elsewhere nothing. For
 * runners that are not tfjs themselves (ONNX) but whose pipelines still make tfjs tensors: left
 * to itself, tfjs would pick its cpu backend in Node and print the banner.
 *
 * @example
 * ```ts
 * await ensureNodeTfjsBackend(); // before an onnxruntime session
 * ```
 */
export async function ensureNodeTfjsBackend(): Promise<void> {
  if (isNode) await ensureTfjsBackend();
}

/**
 * Makes the first working backend of the requested list the active tfjs backend and returns
 * its name. tfjs has one active backend per JS realm, so calls are serialised; the active
 * backend is kept when it is the first of the list that can work, and backends that failed
 * once are not tried again. Throws `BACKEND_UNAVAILABLE` naming each backend's reason when
 * none works, and `INVALID_OPTION` for unknown backend or option names.
 *
 * @example
 * ```ts
 * const name = await selectTfjsBackend({ backend: ['webgpu', 'wasm'] }); // 'wasm' in Node
 * ```
 */
export async function selectTfjsBackend(options: TfjsBackendOptions = {}): Promise<string> {
  checkOptionsObject(options, 'selectTfjsBackend', BACKEND_OPTION_NAMES);
  const order = tfjsBackendOrder(options.backend);
  return exclusively(async () => {
    quietNodeBanner();
    const reasons: string[] = [];
    for (const name of order) {
      const failed = failures.get(name);
      if (failed !== undefined) {
        reasons.push(`${name}: ${failed}`);
        continue;
      }
      if (activeBackend() === name) return started(name);
      try {
        await register(name, options.wasmPaths);
        if (await tf.setBackend(name)) {
          await tf.ready();
          return started(name);
        }
        // tfjs says only that (and logs the missing file); it cannot start the backend again in this page
        failures.set(name, name === 'wasm' && options.wasmPaths ? `initialisation failed (its .wasm files were looked for in '${wasmFolder(options.wasmPaths)}')` : 'initialisation failed');
      } catch (error) {
        failures.set(name, describeError(error));
      }
      reasons.push(`${name}: ${failures.get(name) ?? 'failed'}`);
    }
    throw new VisionError('BACKEND_UNAVAILABLE', `no tfjs backend could be started (${reasons.join('; ')})`);
  });
}

/**
 * Runs `work` (one model run) with `name` as the active tfjs backend. tfjs has one active
 * backend per JS realm, and creating a pipeline can switch it (a model card that rules out
 * wasm picks cpu, the next pipeline picks wasm again): a runner passes its own backend here so
 * that its model always runs where it was built. Runs on the active backend start at once and
 * together; a run on another backend waits until they end, then switches (an initialised
 * backend switches without any re-initialisation; tensors made on the other backend are moved
 * by tfjs when used).
 *
 * @throws VisionError `BACKEND_UNAVAILABLE` when `name` cannot be made active, or its device was lost.
 * @example
 * ```ts
 * const outputs = await onTfjsBackend('cpu', async () => model.execute(inputs));
 * ```
 */
export async function onTfjsBackend<T>(name: string, work: () => Promise<T>): Promise<T> {
  const lost = lostBackendReason(name);
  if (lost) throw new VisionError('BACKEND_UNAVAILABLE', `${lost}, and this model was loaded on it: create the pipeline again (it then runs on the next backend of its list)`);
  while (switching || activeBackend() !== name) {
    if (switching) await selection;
    else if (!(await exclusively(async () => activeBackend() === name || (await tf.setBackend(name).catch(() => false))))) {
      throw new VisionError('BACKEND_UNAVAILABLE', `the tfjs backend '${name}' this model was loaded on could not be made active again`);
    }
  }
  holders++;
  try {
    return await work();
  } finally {
    holders--;
    if (holders === 0) {
      const waiting = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiting) resolve();
    }
  }
}
