/**
 * The URL that relative URLs in options (`modelBaseUrl`, `wasmPaths`, a card's `location.url`,
 * model files) resolve against: the page's. In a page that is its document's base URL; in a worker the
 * location is the worker script's, so the page hands its own over with each pipeline it creates
 * there — `modelBaseUrl: 'models/'` worked in-thread and was looked for beside `worker.js` in a
 * worker.
 */
let pageUrl: string | undefined;

/**
 * Sets the URL relative URLs resolve against (a worker host does this with the page's); `undefined` goes back to `location.href`.
 *
 * @example
 * ```ts
 * setBaseUrl('https://example.com/app/'); // in a worker: 'models/x.json' is https://example.com/app/models/x.json
 * ```
 */
export function setBaseUrl(url: string | undefined): void {
  pageUrl = url;
}

/**
 * The URL relative URLs resolve against: the one set with {@link setBaseUrl}, else the
 * document's base URL (`document.baseURI`: a `<base href>`, or the parent page's in an
 * `<iframe srcdoc>`, whose `location.href` is `about:srcdoc`), as `fetch` resolves them, else
 * `location.href` (a worker); undefined where there is none (Node).
 *
 * @example
 * ```ts
 * const absolute = new URL('models/x.json', baseUrl()).href;
 * ```
 */
export function baseUrl(): string | undefined {
  if (pageUrl !== undefined) return pageUrl;
  if (typeof document !== 'undefined' && typeof document.baseURI === 'string') return document.baseURI;
  return typeof location === 'undefined' ? undefined : location.href;
}

/**
 * `url` made absolute against {@link baseUrl} where there is one and it parses; else as given (a path in Node).
 *
 * @example
 * ```ts
 * absoluteUrl('/wasm/'); // 'https://example.com/wasm/' on that page, and in its workers
 * ```
 */
export function absoluteUrl(url: string): string {
  const base = baseUrl();
  if (base === undefined) return url;
  try {
    return new URL(url, base).href;
  } catch {
    return url;
  }
}

/**
 * A URL option made absolute with {@link absoluteUrl} before it crosses to a worker (whose own
 * location is the worker script's); anything else (absent, empty, not a string) is passed on as given,
 * for the worker's checks to refuse.
 *
 * @example
 * ```ts
 * worker.setup({ wasmPaths: pageUrlOption(options.wasmPaths) }); // '/wasm/' → 'https://example.com/wasm/'
 * ```
 */
export function pageUrlOption<T>(url: T): T {
  // '' is no URL: in-thread it means the default (wasm files) or the page's root; as the page's URL it named the page itself
  return (typeof url === 'string' && url !== '' ? absoluteUrl(url) : url) as T;
}
