import { type ParseError, parse } from 'jsonc-parser';
import { VisionError, type VisionErrorCode } from '../core/errors';

/**
 * Parses the text of a loaded file (model.json, card, knn.json, tokenizer, config) as JSON.
 * When it is not JSON the error says where (line and column) but never quotes the text: the
 * file may not be what its name says, and its bytes must not reach logs or a page. A leading
 * UTF-8 byte-order mark is skipped.
 *
 * @example
 * ```ts
 * const card = parseJsonText(await readFile(path, 'utf8'), path, 'INVALID_OPTION', 'a model card (a ModelSpec as JSON)');
 * ```
 */
export function parseJsonText(text: string, name: string, code: VisionErrorCode, expected: string): unknown {
  // a UTF-8 byte-order mark (Windows Notepad writes one) is no part of the JSON, as fetch's json() reads it
  const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    // Engines' messages may quote the text and not all give a position (V8's "Unexpected token"
    // does not): a strict JSON scanner finds where the first error is.
    const offset = firstErrorOffset(json);
    throw new VisionError(code, `${name} is not ${expected}: it is not valid JSON${offset === undefined ? '' : lineAndColumn(json, offset)}`);
  }
}

/**
 * Where the first syntax error of `text` is, read as strict JSON (no comments, no trailing
 * commas); unknown for text nested too deep for the scanner's recursion (200 000 `[`), whose
 * stack overflow must not replace the error being reported.
 */
function firstErrorOffset(text: string): number | undefined {
  const errors: ParseError[] = [];
  try {
    parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
  return errors[0]?.offset;
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  return ` (line ${before.split('\n').length}, column ${offset - before.lastIndexOf('\n')})`;
}
