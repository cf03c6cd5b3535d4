import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import { VisionError, batchImageError } from '../core/errors';
import { type ImageInput, classifyImageInput, effectiveMaxPixels } from '../core/image-input';
import { decodeImageInput } from '../core/image-tensor';
import { setBaseUrl } from '../core/base-url';
import { closeFrame } from '../core/frame-ownership';
import { Mask } from '../core/mask';
import { type PipelineTask, SUPPORTED_TASKS, type TaskOptions, createTaskPipeline } from '../pipelines/registry';
import type { LoadProgress } from '../runtime/model-source';
import { type GpuAdapterFacts, probeGpuAdapter } from './gpu-adapter';
import { packMasks } from './mask-transport';
import type { RemotePipelineInfo, SimulatedFailure, WorkerApi, WorkerMemory } from './protocol';
import { setPlatform } from '../core/platform';
import { gpuMemory } from '../pipelines/shared/gpu-memory';
import { type Reply, reply } from '../runtime/worker-reply';
import { WORKER_CLOSING_MESSAGE } from '../runtime/worker-connection';

/** The in-worker side of a pipeline: what every task pipeline offers. */
interface HostedPipeline {
  readonly task: string;
  readonly spec: RemotePipelineInfo['spec'];
  readonly runner: { runtime: 'tfjs' | 'onnxruntime'; backend: string; inputs: RemotePipelineInfo['inputs']; outputs: RemotePipelineInfo['outputs']; metadata: RemotePipelineInfo['metadata'] };
  run(input: ImageInput, options?: object): Promise<unknown>;
  runForVideo?(input: ImageInput, timestampMs: number, options?: object): Promise<unknown>;
  /** Feature extraction's batch run and embedding length. */
  runBatch?(inputs: readonly ImageInput[], options?: object): Promise<unknown>;
  readonly dim?: number;
  reset?(): void;
  dispose(): void;
}

let closingAnnounced = false;

/**
 * In a browser worker, makes `close()` post {@link WORKER_CLOSING_MESSAGE} first: a worker that
 * closes itself fires no event on its owner, whose calls would otherwise wait out their timeout.
 */
function announceClosing(): void {
  const scope = globalThis as { close?: () => void; postMessage?: (message: unknown) => void };
  const workerScope = (globalThis as { WorkerGlobalScope?: abstract new () => unknown }).WorkerGlobalScope;
  const inWorker = typeof workerScope === 'function' && globalThis instanceof workerScope;
  if (closingAnnounced || !inWorker || typeof scope.close !== 'function' || typeof scope.postMessage !== 'function') return;
  closingAnnounced = true;
  const close = scope.close.bind(globalThis);
  const post = scope.postMessage.bind(globalThis);
  scope.close = () => {
    post(WORKER_CLOSING_MESSAGE);
    close();
  };
}

/**
 * A run's reply with its masks packed (see `packMasks`: the worker's masks are closed, their
 * data buffers transferred to the caller).
 */
async function resultReply(work: () => Promise<unknown>): Promise<Reply<unknown>> {
  let transfer: ArrayBuffer[] = [];
  const answer = await reply(async () => {
    const packed = packMasks(await work());
    transfer = packed.transfer;
    return packed.value;
  });
  return transfer.length > 0 ? Comlink.transfer(answer, transfer) : answer;
}

/**
 * An input checked against its pipeline's pixel limit (the page's at the pipeline's creation:
 * pipelines in one worker may have different ones). Encoded bytes and paths are decoded here,
 * under that limit; the worker's own limit is the largest of its pipelines', so the pipeline's
 * checks pass what this one passed.
 */
async function withinLimit(input: ImageInput, maxPixels: number): Promise<ImageInput> {
  const kind = classifyImageInput(input, { maxPixels });
  return kind === 'path' || kind === 'encoded' ? decodeImageInput(input as string | Uint8Array | ArrayBuffer, { maxPixels }) : input;
}

interface GpuDeviceLike {
  importExternalTexture(descriptor: { source: VideoFrame }): unknown;
  pushErrorScope(filter: 'validation'): void;
  popErrorScope(): Promise<unknown>;
}

/**
 * Whether the WebGPU device tfjs uses can import a `VideoFrame` as an external texture. It
 * cannot on SwiftShader (and some real devices); tfjs is then told not to try
 * (`WEBGPU_IMPORT_EXTERNAL_TEXTURE = false`), so frames go through a copy instead.
 */
async function probeExternalTexture(): Promise<boolean | null> {
  if (tf.getBackend() !== 'webgpu') return null;
  const device = (tf.backend() as unknown as { device?: GpuDeviceLike }).device;
  let supported = false;
  if (device && typeof VideoFrame === 'function' && typeof OffscreenCanvas === 'function') {
    const canvas = new OffscreenCanvas(2, 2);
    canvas.getContext('2d')?.fillRect(0, 0, 2, 2);
    const frame = new VideoFrame(canvas, { timestamp: 0 });
    try {
      device.pushErrorScope('validation');
      device.importExternalTexture({ source: frame });
      supported = !(await device.popErrorScope());
    } catch {
      supported = false;
    } finally {
      frame.close();
    }
  }
  tf.env().set('WEBGPU_IMPORT_EXTERNAL_TEXTURE', supported);
  return supported;
}

/**
 * What a worker script adds to its host: `loadTrainer` builds the object `openTrainer`
 * exposes on its port (the training worker's host, which lives in `training/`), loaded on
 * demand so apps that never train keep the worker's start-up small.
 *
 * @example
 * ```ts
 * const options: WorkerHostOptions = { loadTrainer: async () => (await import('../trainer-host')).createTrainerHost() };
 * ```
 */
export interface WorkerHostOptions {
  loadTrainer?: () => Promise<object>;
}

/**
 * The object a visionpipe worker exposes: it builds pipelines with `createTaskPipeline(task, options)`
 * in the worker, runs them on transferred frames (closing them afterwards: the worker owns
 * what it was sent) and answers with plain data: masks in results are packed and their
 * buffers transferred (the worker closes its own), for `WorkerPipeline` to rebuild.
 *
 * @example
 * ```ts
 * Comlink.expose(createWorkerHost(), self);
 * ```
 */
export function createWorkerHost(hostOptions: WorkerHostOptions = {}): WorkerApi {
  announceClosing();
  const pipelines = new Map<number, HostedPipeline>();
  /** Each pipeline's pixel limit: the page's when it was created. */
  const pixelLimits = new Map<number, number>();
  let nextId = 1;
  let externalTexture: boolean | null | undefined;
  let gpuAdapter: Promise<GpuAdapterFacts | null> | undefined;

  const get = (id: number): HostedPipeline => {
    const p = pipelines.get(id);
    if (!p) throw new VisionError('DISPOSED', `pipeline ${id} does not exist in this worker (disposed, or the worker restarted)`);
    return p;
  };
  /**
   * The calls that run pipelines (frames, batches, resets) in the order they arrived, whichever
   * pipeline of the worker they are for: a call's inputs are decoded (paths and bytes, under its
   * pipeline's pixel limit) once every earlier call has entered its pipeline, and it enters right
   * after. Decoded all at once, 150 photos reached the detector in the order their decodes
   * finished, so one waited behind later ones past its time limit (the page times each call from
   * its turn, first in, first out) and the worker was killed as hung; a video frame given as a
   * path could reach the pipeline after a reset sent behind it. At most one call is decoded ahead.
   */
  let arrivals: Promise<void> = Promise.resolve();
  const inTurn = async <T>(
    id: number,
    inputs: readonly ImageInput[],
    decode: (input: ImageInput, index: number, maxPixels: number) => Promise<ImageInput>,
    enter: (p: HostedPipeline, checked: ImageInput[]) => Promise<T>,
  ): Promise<T> => {
    let entered!: () => void;
    const reached = new Promise<void>((resolve) => (entered = resolve));
    const turn = arrivals;
    arrivals = turn.then(() => reached);
    try {
      await turn;
      const p = get(id);
      const limit = pixelLimits.get(id) ?? effectiveMaxPixels();
      const checked = await Promise.all(inputs.map((input, i) => decode(input, i, limit)));
      const answer = enter(p, checked);
      entered();
      return await answer;
    } finally {
      entered(); // refused before it entered (a bad image, a disposed pipeline): the calls after it go on
      for (const input of inputs) closeFrame(input); // the worker owns what it was sent
    }
  };
  const decodeOne = (input: ImageInput, _index: number, maxPixels: number): Promise<ImageInput> => withinLimit(input, maxPixels);

  return {
    ping: () => reply(() => undefined),
    create: (task, options, onProgress, limits) =>
      reply(async () => {
        const maxPixels = effectiveMaxPixels(limits);
        if (typeof limits?.baseUrl === 'string') setBaseUrl(limits.baseUrl);
        // the worker's limit is the largest of its pipelines': each input is checked against its own pipeline's first
        if (maxPixels > effectiveMaxPixels() || pipelines.size === 0) setPlatform({ maxPixels });
        if (!SUPPORTED_TASKS.includes(task as PipelineTask)) {
          throw new VisionError('INVALID_OPTION', `unknown task '${task}'; supported: ${SUPPORTED_TASKS.join(', ')}`);
        }
        // the page's callback answers over the channel: a page gone meanwhile must not crash the worker
        const report = (p: LoadProgress): void => void Promise.resolve(onProgress?.({ ...p })).catch(() => undefined);
        const withProgress = onProgress ? { ...options, onProgress: report } : options;
        const created = (await createTaskPipeline(task as PipelineTask, withProgress as TaskOptions[PipelineTask])) as unknown as HostedPipeline;
        if (externalTexture === undefined) externalTexture = await probeExternalTexture();
        const id = nextId++;
        pipelines.set(id, created);
        pixelLimits.set(id, maxPixels);
        const { runtime, backend, inputs, outputs, metadata } = created.runner;
        const adapter = backend === 'webgpu' ? await (gpuAdapter ??= probeGpuAdapter()) : null;
        const dim = typeof created.dim === 'number' ? created.dim : null;
        return { id, task, spec: created.spec, runtime, backend, inputs, outputs, metadata, externalTexture, gpuAdapter: adapter, dim } satisfies RemotePipelineInfo;
      }),
    run: (id, input, options) => resultReply(() => inTurn(id, [input], decodeOne, (p, [checked]) => p.run(checked, options))),
    runForVideo: (id, input, timestampMs, options) =>
      resultReply(() => inTurn(id, [input], decodeOne, (p, [checked]) => (p.runForVideo ? p.runForVideo(checked, timestampMs, options) : p.run(checked, options)))),
    runBatch: (id, inputs, options) =>
      resultReply(() =>
        inTurn(
          id,
          inputs,
          (input, i, maxPixels) => withinLimit(input, maxPixels).catch((error: unknown) => { throw batchImageError(error, i); }),
          async (p, checked) => {
            if (!p.runBatch) throw new VisionError('INVALID_OPTION', `${p.task} pipelines have no runBatch`);
            return p.runBatch(checked, options);
          },
        ),
      ),
    reset: (id) => reply(() => inTurn(id, [], decodeOne, async (p) => p.reset?.())),
    dispose: (id) =>
      reply(() => {
        pipelines.get(id)?.dispose();
        pipelines.delete(id);
        pixelLimits.delete(id);
      }),
    memory: () =>
      reply((): WorkerMemory => {
        const { numTensors, numBytes } = tf.memory();
        return { backend: tf.getBackend() ?? null, numTensors, numBytes, pipelines: pipelines.size, masks: Mask.openCount, gpu: gpuMemory() };
      }),
    openTrainer: (port) =>
      reply(async () => {
        if (typeof port?.postMessage !== 'function') throw new VisionError('INVALID_INPUT', 'openTrainer needs a MessagePort to expose the trainer on');
        if (!hostOptions.loadTrainer) throw new VisionError('INVALID_OPTION', 'this worker script hosts no trainer; use visionpipe\'s worker.js / node-worker.js, whose hosts open one');
        Comlink.expose(await hostOptions.loadTrainer(), port as unknown as Comlink.Endpoint);
      }),
    simulateFailure: (kind: SimulatedFailure, ms: number) =>
      reply(() => {
        if (kind === 'throw') {
          // busy for `ms` (calls sent meanwhile queue up behind), then an uncaught error
          const until = Date.now() + ms;
          while (Date.now() < until) {
            // busy
          }
          queueMicrotask(() => {
            throw new Error('simulated worker crash');
          });
        } else if (kind === 'hang') {
          const until = Date.now() + ms;
          while (Date.now() < until) {
            // busy: the worker answers nothing meanwhile
          }
        } else {
          const scope = globalThis as { close?: () => void; process?: { exit(code: number): never } };
          if (scope.process && typeof scope.close !== 'function') scope.process.exit(3);
          else scope.close?.(); // announced (see announceClosing)
        }
      }),
  };
}
