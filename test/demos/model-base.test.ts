/** `?models=` on the demo pages: same-origin folders only; other origins and schemes fall back to /models/. */
import { describe, expect, it } from 'vitest';
import { modelBaseFromQuery } from '../../demos/shared/model-base';

const PAGE = 'http://127.0.0.1:5173/pose?backend=wasm';

describe('modelBaseFromQuery', () => {
  it('takes a folder on the page origin, resolved against the page', () => {
    expect(modelBaseFromQuery(null, PAGE, '/models/')).toEqual({ url: '/models/' });
    expect(modelBaseFromQuery('/vendor/', PAGE, '/models/')).toEqual({ url: 'http://127.0.0.1:5173/vendor/' });
    expect(modelBaseFromQuery('http://127.0.0.1:5173/x/', PAGE, '/models/')).toEqual({ url: 'http://127.0.0.1:5173/x/' });
  });

  it('refuses other origins and schemes', () => {
    const hostile = [
      'https://evil.example/models/',
      '//evil.example/models/',
      'http://127.0.0.1:5174/models/',
      'http://localhost:5173/models/',
      'javascript:alert(1)',
      'data:text/plain,x',
      'blob:http://127.0.0.1:5173/0b7c',
      'file:///etc/',
      '\\\\evil.example\\models\\',
    ];
    for (const value of hostile) {
      const base = modelBaseFromQuery(value, PAGE, '/models/');
      expect(base.url, value).toBe('/models/');
      expect(base.refused, value).toMatch(/same origin|page's origin|not a URL/);
    }
  });
});
