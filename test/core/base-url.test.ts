/**
 * URL options handed to a worker are made absolute against the page first (a worker's own
 * location is its script's); an empty one stays empty, meaning the default as in-thread (it was
 * made the page's own URL: wasm files were looked for at `…/index.html?x=1/`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pageUrlOption, setBaseUrl } from '../../src/core/base-url';

afterEach(() => setBaseUrl(undefined));

describe('pageUrlOption', () => {
  it('makes a relative URL absolute against the page, and passes absent, empty and non-string values on', () => {
    setBaseUrl('https://example.com/app/index.html?x=1');
    expect(pageUrlOption('models/')).toBe('https://example.com/app/models/');
    expect(pageUrlOption('/wasm/')).toBe('https://example.com/wasm/');
    expect(pageUrlOption('')).toBe('');
    expect(pageUrlOption(undefined)).toBeUndefined();
    expect(pageUrlOption(5)).toBe(5);
  });
});
