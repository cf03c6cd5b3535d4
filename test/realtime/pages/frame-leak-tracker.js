// Init script of the realtime page (plain JS, runs before any page script): records every
// VideoFrame the page's JavaScript gets — read from a MediaStreamTrackProcessor, made with
// `new VideoFrame`, or cloned — and reports, in `globalThis.__frameLeaks`, each one the garbage
// collector reclaimed while still open, with where it was made. A camera lends its frames from a
// few capture buffers (Chromium's fake camera: two); a frame left unclosed holds one until a GC,
// which can stop the camera for minutes. Frames transferred to a worker (postMessage) leave the
// page and are no longer followed. Only this page's main thread is covered, not its workers.
(() => {
  if (typeof VideoFrame !== 'function') return;
  const leaks = [];
  globalThis.__frameLeaks = leaks;
  const registry = new FinalizationRegistry((origin) => {
    leaks.push(origin);
    console.warn(`a VideoFrame was garbage-collected unclosed; made by ${origin}`);
  });
  const tokens = new WeakMap();
  const Original = VideoFrame;
  const follow = (frame, how) => {
    const token = {};
    tokens.set(frame, token);
    const stack = (new Error().stack ?? '').split('\n').slice(3, 12).join('\n');
    registry.register(frame, `${how} at ${performance.now().toFixed(0)} ms\n${stack}`, token);
    return frame;
  };
  const forget = (frame) => {
    const token = tokens.get(frame);
    if (token) registry.unregister(token);
  };
  const close = Original.prototype.close;
  Original.prototype.close = function () {
    forget(this);
    return close.call(this);
  };
  const clone = Original.prototype.clone;
  Original.prototype.clone = function () {
    return follow(clone.call(this), 'clone()');
  };
  const read = ReadableStreamDefaultReader.prototype.read;
  ReadableStreamDefaultReader.prototype.read = function () {
    return read.call(this).then((step) => {
      if (step?.value instanceof Original) follow(step.value, 'reader.read()');
      return step;
    });
  };
  for (const Port of [Worker, MessagePort]) {
    const post = Port.prototype.postMessage;
    Port.prototype.postMessage = function (message, transfer) {
      const list = Array.isArray(transfer) ? transfer : transfer?.transfer;
      for (const item of list ?? []) if (item instanceof Original) forget(item);
      return post.call(this, message, transfer);
    };
  }
  globalThis.VideoFrame = new Proxy(Original, {
    construct: (target, args, newTarget) => follow(Reflect.construct(target, args, newTarget), 'new VideoFrame()'),
  });
})();
