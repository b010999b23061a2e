// Writes a JSON value to a file piece by piece, in JSON.stringify(value, null, 2)'s layout,
// so no report is ever one string as large as the data (a string past V8's limit throws
// "Invalid string length"). Every string is passed through `redactString` as its JSON token.
import { closeSync, openSync, writeSync } from 'node:fs';

const CHUNK_CHARS = 1 << 20;

type Token = (jsonToken: string) => string;

class JsonWriter {
  #buffer = '';

  constructor(
    private readonly fd: number,
    private readonly redactToken: Token,
  ) {}

  emit(text: string): void {
    this.#buffer += text;
    if (this.#buffer.length >= CHUNK_CHARS) this.flush();
  }

  flush(): void {
    if (this.#buffer === '') return;
    writeSync(this.fd, this.#buffer);
    this.#buffer = '';
  }

  /** Whether JSON.stringify would write this value at all (it drops them in objects). */
  static skipped(value: unknown): boolean {
    return value === undefined || typeof value === 'function' || typeof value === 'symbol';
  }

  value(input: unknown, indent: string): void {
    const value = typeof (input as { toJSON?: unknown } | null)?.toJSON === 'function' ? (input as { toJSON: () => unknown }).toJSON() : input;
    if (typeof value === 'string') return this.emit(this.redactToken(JSON.stringify(value)));
    if (value === null || typeof value !== 'object') return this.emit(JsonWriter.skipped(value) ? 'null' : (JSON.stringify(value) ?? 'null'));
    const inner = `${indent}  `;
    if (Array.isArray(value)) {
      if (value.length === 0) return this.emit('[]');
      this.emit('[');
      value.forEach((item, k) => {
        this.emit(`${k === 0 ? '' : ','}\n${inner}`);
        this.value(JsonWriter.skipped(item) ? null : item, inner);
      });
      return this.emit(`\n${indent}]`);
    }
    const keys = Object.keys(value).filter((key) => !JsonWriter.skipped((value as Record<string, unknown>)[key]));
    if (keys.length === 0) return this.emit('{}');
    this.emit('{');
    keys.forEach((key, k) => {
      this.emit(`${k === 0 ? '' : ','}\n${inner}${this.redactToken(JSON.stringify(key))}: `);
      this.value((value as Record<string, unknown>)[key], inner);
    });
    this.emit(`\n${indent}}`);
  }
}

/** Writes `value` to `path` as indented JSON with a final newline; `redactToken` sees each string token. */
export function writeJsonFile(path: string, value: unknown, redactToken: Token): void {
  const fd = openSync(path, 'w');
  try {
    const writer = new JsonWriter(fd, redactToken);
    writer.value(value, '');
    writer.emit('\n');
    writer.flush();
  } finally {
    closeSync(fd);
  }
}
