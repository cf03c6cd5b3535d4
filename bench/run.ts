/**
 * `npm run bench`: visionpipe against its competitors, interleaved in one process run,
 * printed as tables of medians and ratios and saved to `.cache/bench/results.json`.
 *
 * Options: `--quick` (few samples, a smoke run), `--only=yolo|centernet|pose|blazepose|hands|face|face-embedding|masks|bundle|zoo|matting|similarity|wasm-kernels|fusion`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectTfjsBackend } from '../src/node/index';
import { bundleSections } from './bundle-bench';
import { centernetSections } from './centernet-bench';
import { maskSections } from './mask-bench';
import { mattingSections } from './matting-bench';
import { poseSections } from './pose-bench';
import { blazePoseSections } from './blazepose-bench';
import { handSections } from './hands-bench';
import { faceEmbeddingSections } from './face-embedding-bench';
import { faceSections } from './face-bench';
import { type Section, formatSection } from './report';
import { gcBetweenRounds } from './timing';
import { similaritySections } from './similarity-bench';
import { yoloSections } from './yolo-bench';
import { wasmKernelSections } from './wasm-kernels-bench';
import { zooSections } from './zoo-bench';
import { fusionSections } from './fusion-bench';

const RESULTS = '.cache/bench/results.json';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const started = Date.now();
  const backend = await selectTfjsBackend({ backend: 'wasm' });
  const env = {
    node: process.version,
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    tfjs: tf.version.tfjs,
    backend,
    wasmSimd: String(tf.env().getBool('WASM_HAS_SIMD_SUPPORT')),
    wasmThreads: String(tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')),
    gcBetweenRounds: String(gcBetweenRounds),
    quick: String(quick),
  };
  console.log(`visionpipe bench — ${Object.entries(env).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const sections: Section[] = [];
  const emit = (list: Section[]): void => {
    for (const s of list) {
      console.log(formatSection(s));
      sections.push(s);
    }
  };
  if (!only || only === 'yolo') emit(await yoloSections(quick));
  if (!only || only === 'centernet') emit(await centernetSections(quick));
  if (!only || only === 'pose') emit(await poseSections(quick));
  if (!only || only === 'blazepose') emit(await blazePoseSections(quick));
  if (!only || only === 'masks') emit(await maskSections(quick));
  if (!only || only === 'bundle') emit(await bundleSections());
  if (!only || only === 'zoo') emit(await zooSections(quick));
  if (!only || only === 'hands') emit(await handSections(quick));
  if (!only || only === 'face') emit(await faceSections(quick));
  if (!only || only === 'face-embedding') emit(await faceEmbeddingSections(quick));
  if (!only || only === 'matting') emit(await mattingSections(quick));
  if (!only || only === 'similarity') emit(await similaritySections(quick));
  if (!only || only === 'wasm-kernels') emit(await wasmKernelSections(quick));
  if (!only || only === 'fusion') emit(await fusionSections(quick));
  const seconds = (Date.now() - started) / 1000;
  console.log(`\ndone in ${seconds.toFixed(1)} s; results in ${RESULTS}`);
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, JSON.stringify({ date: new Date().toISOString(), env, seconds, sections }, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
