// The accuracy figures quoted for MOBILENET_V2_MID_LAYERS (its TSDoc and the README) are the
// ones BENCHMARKS.md measured, each named with its head.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** A file's text with comment leaders (` * `) dropped and white space collapsed. */
const read = (path: string): string =>
  readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8').replace(/^\s*\* ?/gm, '').replace(/\s+/g, ' ');

/** The softmax / MLP figures of a BENCHMARKS.md training row that `label` starts. */
function measured(benchmarks: string, label: string): { softmax: string; mlp: string } {
  const row = new RegExp(`\\| ${label}[^|]*: softmax / MLP \\| (\\d\\.\\d+) / \\**(\\d\\.\\d+)`).exec(benchmarks);
  if (!row) throw new Error(`no BENCHMARKS.md row for ${label}`);
  return { softmax: row[1], mlp: row[2] };
}

describe('MOBILENET_V2_MID_LAYERS figures', () => {
  it('the TSDoc and the README quote BENCHMARKS.md, naming the head of each figure', () => {
    const benchmarks = read('BENCHMARKS.md');
    const flatten = measured(benchmarks, 'Fashion-MNIST, 500 per class, `flatten_1` features');
    const mid = measured(benchmarks, 'same, `MOBILENET_V2_MID_LAYERS`');
    const source = read('src/pipelines/embeddings/backbone.ts');
    const tsdoc = source.slice(source.indexOf('Mid-level MobileNetV2 layers'), source.indexOf('export const MOBILENET_V2_MID_LAYERS'));
    expect(tsdoc).toContain(`softmax head ${mid.softmax} vs ${flatten.softmax} from \`flatten_1\`, MLP head ${mid.mlp} vs ${flatten.mlp}`);
    const readme = read('README.md');
    const paragraph = readme.slice(readme.indexOf('mid-level features transfer better'), readme.indexOf('**Train your own detector.**'));
    expect(paragraph).toContain(`reach ${mid.mlp} held-out accuracy with an MLP head against ${flatten.mlp} for \`flatten_1\` (softmax head: ${mid.softmax} against ${flatten.softmax};`);
  });
});
