// The `?models=` query parameter moves where the demo pages load models from. A link can set
// it, so only a folder on the page's own origin is taken: another origin (or scheme) would
// let any link make the page fetch a model (and its results) of someone else's choosing.

/** The model base URL to use, and why the query's value was refused when it was. @example `const { url, refused } = modelBaseFromQuery(value, location.href, '/models/');` */
export interface ModelBase {
  url: string;
  refused?: string;
}

/**
 * The model base URL from the `?models=` value: same-origin http(s) only, resolved against
 * the page; otherwise `fallback`, with the reason.
 *
 * @example
 * ```ts
 * modelBaseFromQuery('/vendor/', 'http://127.0.0.1:5173/pose', '/models/'); // { url: 'http://127.0.0.1:5173/vendor/' }
 * ```
 */
export function modelBaseFromQuery(value: string | null, pageHref: string, fallback: string): ModelBase {
  if (value === null || value === '') return { url: fallback };
  const page = new URL(pageHref);
  let url: URL;
  try {
    url = new URL(value, page);
  } catch {
    return { url: fallback, refused: '?models= is not a URL' };
  }
  if (!/^https?:$/.test(url.protocol) || url.origin !== page.origin) {
    return { url: fallback, refused: `?models= must be a folder on this page's origin (${page.origin}); using ${fallback}` };
  }
  return { url: url.href };
}
