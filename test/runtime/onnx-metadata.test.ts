/**
 * Ultralytics writes an export's class names as `str(dict)`: a Python dict literal whose
 * strings carry Python's escapes. The labels must come back as Python holds them — the
 * reference is Python itself (`/usr/bin/python3`), writing the names as the exporter does.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseClassNames } from '../../src/runtime/onnx-metadata';

/** `str(value(labels))` as CPython writes it. */
function pythonLiteral(labels: readonly string[], value: string): string {
  const script = `import json, sys; labels = json.load(sys.stdin); sys.stdout.write(str(${value}))`;
  const run = spawnSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify(labels), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`);
  return run.stdout;
}

/** `str({0: labels[0], …})` as CPython writes it. */
const pythonDictLiteral = (labels: readonly string[]): string => pythonLiteral(labels, 'dict(enumerate(labels))');

/** `str([labels[0], …])` as CPython writes it. */
const pythonListLiteral = (labels: readonly string[]): string => pythonLiteral(labels, 'labels');

describe('parseClassNames', () => {
  it('reads back the labels Python wrote, escapes undone (quotes, backslashes, control characters, non-ASCII)', () => {
    const labels = [
      'person', "it's", 'say "hi"', `it's "x"`, 'back\\slash', 'tab\tname', 'new\nline', '\u0001control', 'café', '\u200b zero width',
      '😀 face', `both ' and "`, 'colon: here', '{0: braces}', '\\x41 not hex', 'ends with \\',
    ];
    const literal = pythonDictLiteral(labels);
    // the literal really uses escapes (it is not JSON)
    expect(literal).toContain("'it\\'s \"x\"'");
    expect(parseClassNames(literal)).toEqual(labels);
  });

  it("reads a list of names as YOLOv5's export.py writes a dataset's list (it was 'no names metadata in the file')", () => {
    const labels = ['helmet', 'head', "it's", 'say "hi"', 'café'];
    expect(parseClassNames(pythonListLiteral(labels))).toEqual(labels);
    expect(parseClassNames('["a", "b"]')).toEqual(['a', 'b']);
    expect(() => parseClassNames(`[${"'x', ".repeat(100_001)}]`)).toThrow(expect.objectContaining({ code: 'MODEL_FORMAT', message: expect.stringContaining('lists more than 100000 classes') }));
  });

  it('fills gaps with "class N" and gives undefined for text that is no names dict', () => {
    expect(parseClassNames("{0: 'a', 2: 'c'}")).toEqual(['a', 'class 1', 'c']);
    expect(parseClassNames('')).toBeUndefined();
    expect(parseClassNames('[640, 640]')).toBeUndefined();
  });

  it('refuses a class index past 99,999 with MODEL_FORMAT (a 5-KB file naming class 4294967294 filled 4 billion names: a heap abort)', () => {
    expect(parseClassNames("{0: 'a', 99999: 'z'}")).toHaveLength(100_000);
    for (const index of ['100000', '4294967294', '9'.repeat(400)]) {
      expect(() => parseClassNames(`{0: 'a', ${index}: 'b'}`)).toThrow(expect.objectContaining({ code: 'MODEL_FORMAT', message: expect.stringMatching(/^the model's names metadata numbers a class \d+…?; at most 100000 classes \(0–99999\) are read$/) }));
    }
  });
});
