import { VisionError } from '../core/errors';
import { protobufFields as fields } from './protobuf-fields';

/**
 * Reads the `metadata_props` (key/value strings) of an ONNX `ModelProto` straight from the
 * protobuf bytes, without a protobuf library: exporters store useful facts there, e.g.
 * Ultralytics' `names` (class names), `imgsz`, `stride`, `task`. Malformed bytes yield `{}`.
 *
 * @example
 * ```ts
 * const meta = readOnnxMetadata(bytes); // { names: "{0: 'person', 1: 'bicycle', …}", imgsz: '[640, 640]', … }
 * ```
 */
export function readOnnxMetadata(bytes: Uint8Array): Record<string, string> {
  try {
    const out: Record<string, string> = {};
    for (const field of fields(bytes, 0, bytes.length)) {
      if (field.number !== 14 || field.end === undefined) continue; // ModelProto.metadata_props
      let key = '';
      let value = '';
      for (const entry of fields(bytes, field.start, field.end)) {
        if (entry.end === undefined) continue;
        const text = new TextDecoder().decode(bytes.subarray(entry.start, entry.end));
        if (entry.number === 1) key = text;
        else if (entry.number === 2) value = text;
      }
      if (key) out[key] = value;
    }
    return out;
  } catch {
    return {};
  }
}

const PYTHON_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' };

/** The text of a Python string literal's body as `repr` writes it: `\\`, `\'`, `\n`, `\xhh`, `\uhhhh`, `\Uhhhhhhhh` undone. */
function pythonUnescape(body: string): string {
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/gs, (_, code: string) => {
    if (code.length > 1) return String.fromCodePoint(Math.min(parseInt(code.slice(1), 16), 0x10ffff));
    return PYTHON_ESCAPES[code] ?? code;
  });
}

/** Most classes a `names` entry may number (its highest index + 1): ImageNet-21k has 21,841. */
const MAX_CLASS_NAMES = 100_000;

/** The names of a list literal (`['helmet', "head"]`, in order), at most {@link MAX_CLASS_NAMES}. */
function parseNameList(text: string): string[] | undefined {
  const labels: string[] = [];
  for (const match of text.matchAll(/'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g)) {
    if (labels.length === MAX_CLASS_NAMES) throw new VisionError('MODEL_FORMAT', `the model's names metadata lists more than ${MAX_CLASS_NAMES} classes; at most ${MAX_CLASS_NAMES} are read`);
    labels.push(pythonUnescape(match[1] ?? match[2]));
  }
  return labels.length === 0 ? undefined : labels;
}

/**
 * Parses Ultralytics' `names` metadata (a Python dict literal such as
 * `{0: 'person', 1: "traffic light"}`, as `str(dict)` writes it: escapes such as `\'`, `\\`
 * and `\t` undone; or a list literal `['helmet', 'head']`, as YOLOv5's `export.py` writes a
 * dataset's list of names) into a label list; `undefined` when it is not one. Indexes it skips are
 * `class <i>`; an index past 99,999 is `MODEL_FORMAT` (a 5-KB file naming class 4294967294
 * would fill 4 billion names).
 *
 * @example
 * ```ts
 * parseClassNames("{0: 'cat', 1: 'dog'}"); // ['cat', 'dog']
 * parseClassNames("['cat', 'dog']"); // ['cat', 'dog']
 * ```
 */
export function parseClassNames(text: string | undefined): string[] | undefined {
  if (!text) return undefined;
  if (text.trimStart().startsWith('[')) return parseNameList(text);
  const labels: string[] = [];
  const entry = /(\d+)\s*:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g;
  for (const match of text.matchAll(entry)) {
    const index = Number(match[1]);
    if (index >= MAX_CLASS_NAMES) throw new VisionError('MODEL_FORMAT', `the model's names metadata numbers a class ${match[1].length > 20 ? `${match[1].slice(0, 20)}…` : match[1]}; at most ${MAX_CLASS_NAMES} classes (0–${MAX_CLASS_NAMES - 1}) are read`);
    labels[index] = pythonUnescape(match[2] ?? match[3]);
  }
  if (labels.length === 0) return undefined;
  return Array.from(labels, (label, i) => label ?? `class ${i}`);
}
