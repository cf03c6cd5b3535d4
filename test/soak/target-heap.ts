// The JS heap of a page and of its dedicated worker, measured over the Chrome DevTools
// Protocol after a forced full garbage collection. The worker is reached through the page's
// CDP session (Target.attachToTarget, non-flat session; its messages are relayed with
// Target.sendMessageToTarget), since playwright opens CDP sessions on pages only.
import type { CDPSession, Page } from 'playwright-core';

interface HeapUsage {
  usedSize: number;
  totalSize: number;
}

/** A CDP connection to one target: `send` a method, get its result. */
interface Inspected {
  send<T>(method: string, params?: Record<string, unknown>): Promise<T>;
}

/** Heap probes of a page and its (only) dedicated worker. */
export interface HeapProbe {
  /** Used JS heap (bytes) of the page's main thread after a full GC. */
  page(): Promise<number>;
  /** Used JS heap (bytes) of the worker after a full GC. */
  worker(): Promise<number>;
  /** Evaluates `expression` in the worker (to prove the probe sees an allocation there). */
  evaluateInWorker(expression: string): Promise<void>;
  detach(): Promise<void>;
}

async function usedAfterGc(target: Inspected): Promise<number> {
  // Two passes: the first can leave objects that only become garbage after finalizers ran.
  await target.send('HeapProfiler.collectGarbage');
  await target.send('HeapProfiler.collectGarbage');
  return (await target.send<HeapUsage>('Runtime.getHeapUsage')).usedSize;
}

async function attachToWorker(cdp: CDPSession, workerUrl: RegExp): Promise<Inspected> {
  const { targetInfos } = await cdp.send('Target.getTargets');
  const workers = targetInfos.filter((t) => t.type === 'worker' && workerUrl.test(t.url));
  if (workers.length !== 1) throw new Error(`expected one worker matching ${workerUrl}, found ${workers.length}: ${targetInfos.map((t) => `${t.type} ${t.url}`).join(', ')}`);
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: workers[0].targetId, flatten: false });
  let nextId = 1;
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    if (event.sessionId !== sessionId) return;
    const message = JSON.parse(event.message) as { id?: number; result?: unknown; error?: { message: string } };
    const pending = message.id === undefined ? undefined : waiting.get(message.id);
    if (!pending || message.id === undefined) return;
    waiting.delete(message.id);
    if (message.error) pending.reject(new Error(`worker CDP: ${message.error.message}`));
    else pending.resolve(message.result);
  });
  return {
    send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
        cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject);
      });
    },
  };
}

/**
 * Opens heap probes on `page` and on its one dedicated worker whose script URL matches
 * `workerUrl` (the worker must be running).
 *
 * @example
 * ```ts
 * const heap = await probeHeaps(page, /\/worker\.js$/);
 * const before = await heap.worker();
 * ```
 */
export async function probeHeaps(page: Page, workerUrl: RegExp): Promise<HeapProbe> {
  const cdp = await page.context().newCDPSession(page);
  const pageTarget: Inspected = { send: (method, params) => cdp.send(method as 'Runtime.getHeapUsage', params) as never };
  const worker = await attachToWorker(cdp, workerUrl);
  return {
    page: () => usedAfterGc(pageTarget),
    worker: () => usedAfterGc(worker),
    async evaluateInWorker(expression) {
      const reply = await worker.send<{ exceptionDetails?: { text: string } }>('Runtime.evaluate', { expression });
      if (reply.exceptionDetails) throw new Error(`worker evaluate failed: ${reply.exceptionDetails.text}`);
    },
    detach: () => cdp.detach(),
  };
}
