// The demo server's front door (scripts/serve-demos.mjs): which requests it answers at all.
// Any web page the user visits can send requests to a localhost server, so before a file is
// looked up: only GET and HEAD; the Host header must name the address the server listens on
// (a DNS-rebinding defence); the path must be an origin-form path whose %-encoding decodes
// and that has no dot segments or NUL bytes; no dotfile or dot-folder is served (404), in any
// folder. Everything else gets a 4xx, never an exception. A Range header the file server would
// misread is dropped (the whole file is sent), one whose end lies past any file runs to the end.
import { posix } from 'node:path';

/** The Host header values a server on `port` answers to (plus `host:port` when it listens elsewhere). */
export function allowedHosts(port, host = '127.0.0.1') {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]']);
  names.add(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
  return new Set([...names].map((name) => `${name}:${port}`.toLowerCase()));
}

/**
 * Checks a request; returns `{ path }` (the decoded path) when it may be served, else
 * `{ status, message, headers? }` to answer with.
 */
export function checkRequest(req, hosts) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return { status: 405, message: `method ${req.method} not allowed; this server answers GET and HEAD`, headers: { Allow: 'GET, HEAD' } };
  }
  const host = (req.headers.host ?? '').toLowerCase();
  if (!hosts.has(host)) {
    return { status: 421, message: `this server answers only for ${[...hosts].join(', ')}; the request was for '${host}'` };
  }
  const raw = req.url ?? '';
  if (!raw.startsWith('/') || raw.startsWith('//')) return { status: 400, message: 'the request target must be a path starting with one /' };
  const rawPath = raw.split(/[?#]/, 1)[0];
  let path;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return { status: 400, message: 'malformed %-encoding in the path' };
  }
  if (path.includes('\0') || path.includes('\\')) return { status: 400, message: 'the path has a NUL byte or a backslash' };
  if (path.split('/').some((segment) => segment === '..' || segment === '.') || posix.normalize(path) !== path.replace(/\/{2,}/g, '/')) {
    return { status: 400, message: 'the path has . or .. segments' };
  }
  // sirv's own `dotfiles: false` holds only outside its dev mode, which the server uses
  if (path.split('/').some((segment) => segment.startsWith('.'))) return { status: 404, message: `not found: ${path} (dotfiles are not served)` };
  ignoreOddRange(req);
  return { path };
}

/**
 * Drops a Range header other than one plain range `bytes=first-` or `bytes=first-last` with
 * first ≤ last (a server may ignore any Range: the whole file is sent, 200). sirv reads the rest
 * wrongly: `bytes=5-1` broke the connection after its 206 headers, a suffix `bytes=-500` sent
 * the first 501 bytes, `bytes=0-1,5-6` only the first range. Of the plain ones, sirv takes a
 * last byte 0 for "to the end" (`bytes=0-0` sent the whole file as a 206 of one byte): dropped
 * too; and it hands a last byte past Number.MAX_SAFE_INTEGER to the file stream, which throws
 * after the headers are out (an empty reply): such a range, which reaches past any file, is
 * sent as `bytes=first-` (to the end), which it is.
 */
function ignoreOddRange(req) {
  const range = req.headers.range;
  if (range === undefined) return;
  const plain = /^bytes=(\d+)-(\d*)$/.exec(range.trim());
  if (!plain) return void delete req.headers.range;
  if (plain[2] === '') return;
  // BigInt: digits past 2^53 compare exactly
  const [first, last] = [BigInt(plain[1]), BigInt(plain[2])];
  if (last < first || last === 0n) delete req.headers.range;
  else if (last > BigInt(Number.MAX_SAFE_INTEGER)) req.headers.range = `bytes=${plain[1]}-`;
}

/**
 * The URL to hand a static-file handler (sirv) for the decoded path `rest`: sirv decodes with
 * `decodeURI`, so this encoding gives it back `rest` (a `?` or `#` in a name stays encoded, so
 * it can never start a query; no served file has one).
 */
export function encodeForSirv(rest) {
  return encodeURI(rest).replace(/\?/g, '%3F').replace(/#/g, '%23');
}
