/**
 * Figure 6: how much visionpipe code an app ships (tfjs, onnxruntime, comlink and the tokenizer
 * library excluded): esbuild bundles of the whole browser entry and of an app that imports
 * only detection, minified, raw and gzipped. Tree-shaking is what keeps the second small.
 */
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { Section } from './report';

const EXTERNAL = ['@tensorflow/*', 'onnxruntime-web', 'onnxruntime-node', 'comlink', '@huggingface/tokenizers'];

async function size(contents: string): Promise<{ raw: number; gzip: number }> {
  const result = await build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    minify: true,
    write: false,
    external: EXTERNAL,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  return { raw: code.length, gzip: gzipSync(code).length };
}

/** The bundle-size section (no timing: sizes in KB). */
export async function bundleSections(): Promise<Section[]> {
  const entry = join(process.cwd(), 'src/index.ts');
  const all = await size(`export * from ${JSON.stringify(entry)};`);
  const detection = await size(`import { createDetectionPipeline } from ${JSON.stringify(entry)};\nconst d = await createDetectionPipeline();\nconsole.log(d.task);`);
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KB`;
  return [
    {
      id: 'bundle',
      title: '7. Core bundle size (minified; tfjs, onnxruntime, comlink and tokenizers excluded)',
      reference: '',
      rows: [],
      summary: {
        'everything (src/index.ts), raw | gzip': `${kb(all.raw)} | ${kb(all.gzip)}`,
        'an app that imports only detection, raw | gzip': `${kb(detection.raw)} | ${kb(detection.gzip)}`,
      },
    },
  ];
}
