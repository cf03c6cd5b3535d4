/**
 * Where a file that is not JSON goes wrong: line and column of the first error, as CPython's
 * `json` module reports them (the positions below are its `lineno`/`colno`), never the text.
 */
import { describe, expect, it } from 'vitest';
import { parseJsonText } from '../../src/runtime/json-text';

const failure = (text: string): string => {
  try {
    parseJsonText(text, 'card.json', 'INVALID_OPTION', 'a model card');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('parsed');
};

describe('parseJsonText', () => {
  it.each([
    // V8 gives no position for an unexpected token: these said only "it is not valid JSON"
    ['{"id": "x",\n  "task": oops}', 2, 11],
    ['<!doctype html>\n<html><body>secret</body></html>', 1, 1],
    ["{'id': 1}", 1, 2],
    ['{"a": [1, 2,, 3]}', 1, 13],
    ['{"a": tru}', 1, 7],
    ['// a comment\n{}', 1, 1],
    ['{"a": 1}}', 1, 9],
    ['\ufeff{"a": 1}}', 1, 9],
    // these V8 did place
    ['{"a": 1,\n}', 2, 1],
    ['{"a": 1', 1, 8],
    ['', 1, 1],
  ])('%j: line %i, column %i, without quoting the text', (text, line, column) => {
    const message = failure(text);
    expect(message).toBe(`card.json is not a model card: it is not valid JSON (line ${line}, column ${column})`);
  });

  it('parses JSON', () => {
    expect(parseJsonText('{"a": [1, 2]}', 'card.json', 'INVALID_OPTION', 'a model card')).toEqual({ a: [1, 2] });
    // a byte-order mark (Notepad's UTF-8) is skipped, as a browser's TextDecoder skips it (it was "not valid JSON (line 1, column 1)" in Node only)
    expect(parseJsonText('\ufeff{"a": 1}', 'card.json', 'INVALID_OPTION', 'a model card')).toEqual({ a: 1 });
  });

  it('text nested too deep to locate its error is still "not valid JSON", without a position (it was a RangeError: the stack overflowed)', () => {
    for (const text of ['['.repeat(200_000), '{"a":'.repeat(100_000)]) {
      expect(failure(text)).toBe('card.json is not a model card: it is not valid JSON');
    }
  });
});
