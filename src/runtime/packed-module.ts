import { VisionError } from '../core/errors';

/**
 * A value a packed model module may export: the JSON data model (objects, arrays, strings,
 * numbers, booleans, null).
 *
 * @example
 * ```ts
 * const value: PackedValue = { weightsManifest: [{ paths: ['group1-shard1of1.bin'] }] };
 * ```
 */
export type PackedValue = null | boolean | number | string | PackedValue[] | { [key: string]: PackedValue };

/**
 * The browserify standalone bundle nsfwjs packs its models as: a UMD prelude, then one module
 * `{1:[function(require,module,exports){module.exports=VALUE},{}]}` and the entry call. Only
 * VALUE matters; the prelude is never run.
 */
const MODULE_START = /\(\{1:\[function\(([A-Za-z_$][\w$]*),([A-Za-z_$][\w$]*),([A-Za-z_$][\w$]*)\)\{([A-Za-z_$][\w$]*)\.exports=/g;
const MODULE_END = /^\},\{\}\]\},\{\},\[1\]\)\(1\)\}\);?\s*$/;
const PRELUDE = /^\s*!function\([A-Za-z_$][\w$]*\)\{if\("object"==typeof exports&&"undefined"!=typeof module\)module\.exports=/;
const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const IDENTIFIER = /[A-Za-z_$][\w$]*/y;
const ESCAPES: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '0': '\0' };
const MAX_DEPTH = 256;

class LiteralParser {
  private pos: number;

  constructor(
    private readonly text: string,
    start: number,
    private readonly name: string,
  ) {
    this.pos = start;
  }

  get position(): number {
    return this.pos;
  }

  fail(what: string): never {
    throw new VisionError('MODEL_FORMAT', `${this.name} is not a packed model module: ${what} at offset ${this.pos}; expected a module exporting only a JSON-like object or a base64 string (nothing else is read, no code is run)`);
  }

  value(depth = 0): PackedValue {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    const c = this.text[this.pos];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"' || c === "'") return this.string();
    if (c === '!' && (this.text[this.pos + 1] === '0' || this.text[this.pos + 1] === '1')) {
      this.pos += 2;
      return this.text[this.pos - 1] === '0'; // minified booleans: !0 is true, !1 is false
    }
    for (const [word, result] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.pos) && !/[\w$]/.test(this.text[this.pos + word.length] ?? '')) {
        this.pos += word.length;
        return result;
      }
    }
    NUMBER.lastIndex = this.pos;
    const number = NUMBER.exec(this.text);
    if (number) {
      this.pos += number[0].length;
      return Number(number[0]);
    }
    return this.fail('an expression that is not a literal');
  }

  private expect(char: string): void {
    if (this.text[this.pos] !== char) this.fail(`'${char}' missing`);
    this.pos++;
  }

  private object(depth: number): { [key: string]: PackedValue } {
    this.expect('{');
    const result: { [key: string]: PackedValue } = {};
    while (this.text[this.pos] !== '}') {
      const key = this.key();
      this.expect(':');
      // defineProperty: a key named __proto__ stays a plain own property, as JSON.parse makes it.
      Object.defineProperty(result, key, { value: this.value(depth + 1), enumerable: true, writable: true, configurable: true });
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== '}') this.fail("',' or '}' missing");
    }
    this.pos++;
    return result;
  }

  private key(): string {
    const c = this.text[this.pos];
    if (c === '"' || c === "'") return this.string();
    IDENTIFIER.lastIndex = this.pos;
    const identifier = IDENTIFIER.exec(this.text);
    if (identifier) {
      this.pos += identifier[0].length;
      return identifier[0];
    }
    NUMBER.lastIndex = this.pos;
    const number = NUMBER.exec(this.text);
    if (number && !number[0].startsWith('-')) {
      this.pos += number[0].length;
      return String(Number(number[0]));
    }
    return this.fail('an object key that is not a name, string or number');
  }

  private array(depth: number): PackedValue[] {
    this.expect('[');
    const result: PackedValue[] = [];
    while (this.text[this.pos] !== ']') {
      result.push(this.value(depth + 1));
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== ']') this.fail("',' or ']' missing");
    }
    this.pos++;
    return result;
  }

  private string(): string {
    const quote = this.text[this.pos++];
    let out = '';
    let run = this.pos;
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined || c === '\n' || c === '\r') this.fail('an unterminated string');
      if (c === quote) break;
      if (c !== '\\') {
        this.pos++;
        continue;
      }
      out += this.text.slice(run, this.pos);
      const escape = this.text[this.pos + 1];
      if (escape === 'u' || escape === 'x') {
        const digits = escape === 'u' ? 4 : 2;
        const hex = this.text.slice(this.pos + 2, this.pos + 2 + digits);
        if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex)) this.fail('a bad string escape');
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += 2 + digits;
      } else if (escape !== undefined && escape in ESCAPES) {
        out += ESCAPES[escape];
        this.pos += 2;
      } else {
        this.fail('a bad string escape');
      }
      run = this.pos;
    }
    out += this.text.slice(run, this.pos);
    this.pos++;
    return out;
  }
}

/**
 * Reads the value a packed model module exports, WITHOUT running it: the text must be the
 * browserify standalone bundle that nsfwjs ships (a UMD prelude, one module whose body is
 * `module.exports=` a literal, the entry call), and the literal may hold only objects,
 * arrays, strings, numbers, booleans (`!0`/`!1` as minifiers write them) and null. Anything
 * else — a call, a variable, a second statement — is `MODEL_FORMAT`.
 *
 * @example
 * ```ts
 * const json = parsePackedModule(await (await fetch('model.min.js')).text(), 'model.min.js');
 * ```
 */
export function parsePackedModule(text: string, name: string): PackedValue {
  const refuse = (what: string): never => {
    throw new VisionError('MODEL_FORMAT', `${name} is not a packed model module (${what}); expected the browserify bundle nsfwjs ships, exporting one JSON-like literal`);
  };
  if (!PRELUDE.test(text)) refuse('it does not start with the browserify standalone prelude');
  const starts = [...text.matchAll(MODULE_START)];
  if (starts.length !== 1) refuse(`${starts.length} module bodies where one was expected`);
  const [start] = starts;
  if (start[4] !== start[2]) refuse('the module body does not assign its own module.exports');
  const parser = new LiteralParser(text, (start.index ?? 0) + start[0].length, name);
  const value = parser.value();
  if (!MODULE_END.test(text.slice(parser.position))) parser.fail('more than one literal in the module body');
  return value;
}
