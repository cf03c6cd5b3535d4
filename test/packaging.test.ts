/**
 * The package as a user gets it: `npm pack` → install the tarball into a fresh plain-ESM
 * project (from the local npm cache, offline) → detect objects with `visionpipe/node`, and
 * bundle a browser app that imports only detection to check tree-shaking. Packs the dist that
 * `npm test` has just built (npm pack --ignore-scripts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePhoto } from './helpers/photos';

const ROOT = new URL('..', import.meta.url).pathname;

describe('the packed npm package in a fresh project', () => {
  let project: string;
  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'visionpipe-app-'));
    execFileSync('npm', ['pack', '--pack-destination', project, '--silent', '--ignore-scripts'], { cwd: ROOT, stdio: 'pipe', env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' } });
    const tarball = readdirSync(project).find((f) => f.endsWith('.tgz'))!;
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', type: 'module', private: true }));
    execFileSync('npm', ['install', `./${tarball}`, '--offline', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: project,
      stdio: 'pipe',
      env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
    });
  }, 300_000);
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('ships only dist, bin, assets and the README', () => {
    const listing = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { files: { path: string }[] }[];
    const tops = new Set(listing[0].files.map((f) => f.path.split('/')[0]));
    expect([...tops].sort()).toEqual(['README.md', 'assets', 'bin', 'dist', 'package.json']);
  });

  it('detects the people in a photo through visionpipe/node', () => {
    writeFileSync(
      join(project, 'detect.mjs'),
      `import { pipeline } from 'visionpipe/node';
const detector = await pipeline('object-detection');
const { detections } = await detector.run(process.argv[2]);
console.log(JSON.stringify(detections.map((d) => d.label)));
detector.dispose();`,
    );
    const out = execFileSync('node', ['detect.mjs', fixturePhoto('astronaut')], { cwd: project, encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toContain('person');
  }, 120_000);

  it('runs the bin', () => {
    const out = execFileSync(join(project, 'node_modules', '.bin', 'visionpipe'), ['detect'], { cwd: project, encoding: 'utf8' });
    expect(out.match(/^ {2}person /gm)).toHaveLength(3);
  }, 120_000);

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
      ...['PoseEstimationPipeline', 'InstanceSegmentationPipeline', 'pasteMasks', 'decodePoseNetMulti', 'ByteTrackerWorker'],
      ...['ImageToTextPipeline', 'trainCaptioner', 'captionScenes', 'TrainableDetector', 'KnnClassifier', 'TrainingWorker', 'createTrainerHost', 'loadMobileNetV2Backbone'],
    ];
    for (const absent of absentNames) {
      expect(code, absent).not.toContain(absent);
    }
    console.log(`detection-only app bundle (without tfjs/onnxruntime): ${(code.length / 1024).toFixed(0)} KB`);
    expect(readFileSync(join(project, 'node_modules', 'visionpipe', 'package.json'), 'utf8')).toContain('"name": "visionpipe"');
  });
});
