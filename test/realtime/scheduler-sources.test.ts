// runLoop over frame sources in memory: frames ready at once (an endless generator) under the
// default 'latest' policy still leave the thread to runs, timers and stop() — it spun for ever —
// and a generator whose cleanup fails when the loop stops does not end the process.
import { describe, expect, it } from 'vitest';
import { fromImages, runLoop } from '../../src/camera/index';

describe('sources whose frames are ready at once', () => {
  it("'latest' over an endless in-memory generator lets runs, timers and stop() have the thread (nothing ran, a 200-ms stop timer never fired)", async () => {
    const image = { data: new Uint8Array(12), width: 2, height: 2, channels: 3 as const };
    async function* endless(): AsyncGenerator<typeof image> {
      for (;;) yield image;
    }
    const run = async (): Promise<number> => {
      await new Promise((resolve) => setTimeout(resolve, 5)); // a run that needs the event loop, as a worker's answer does
      return 1;
    };
    let results = 0;
    const loop = runLoop(fromImages(endless()), run as never, { onResult: () => void results++ });
    const stopped = new Promise<number>((resolve) => setTimeout(() => (loop.stop(), resolve(results)), 200));
    expect(await stopped).toBeGreaterThan(0);
    expect((await loop.done).processed).toBeGreaterThan(0);
  });

  it("a generator whose cleanup fails when the loop stops does not end the process (an unhandled rejection did)", async () => {
    const image = { data: new Uint8Array(12), width: 2, height: 2, channels: 3 as const };
    async function* failingCleanup(): AsyncGenerator<typeof image> {
      try {
        for (;;) yield image;
      } finally {
        throw new Error('camera cleanup failed');
      }
    }
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const loop = runLoop(fromImages(failingCleanup()), (async () => 1) as never, { policy: 'every' });
      setTimeout(() => loop.stop(), 30);
      expect((await loop.done).processed).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
