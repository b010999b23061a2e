import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { EVENT_KINDS } from './events.ts';
import {
  INDEX_FILE,
  JSON_SCHEMA_DIR,
  OTHER_EVENT_FILE,
  REGENERATE_COMMAND,
  listJsonFiles,
  renderJsonSchemas,
} from './generate-json-schema.ts';
import { MESSAGE_TYPES } from './messages.ts';

describe('committed JSON Schema (spec/json)', () => {
  const rendered = renderJsonSchemas();

  it('matches what the zod schemas render now', () => {
    const committed = new Set(listJsonFiles(JSON_SCHEMA_DIR));
    const missing = [...rendered.keys()].filter((path) => !committed.has(path));
    const extra = [...committed].filter((path) => !rendered.has(path));
    const stale = [...rendered]
      .filter(([path, text]) => committed.has(path) && readFileSync(join(JSON_SCHEMA_DIR, path), 'utf8') !== text)
      .map(([path]) => path);

    const problems = [
      ...stale.map((path) => `stale: spec/json/${path}`),
      ...missing.map((path) => `missing: spec/json/${path}`),
      ...extra.map((path) => `extra: spec/json/${path}`),
    ];
    expect(problems, `spec/json is out of date with the zod schemas; run \`${REGENERATE_COMMAND}\``).toEqual([]);
  });

  it('renders one file per message type, one per event kind, _other and the index', () => {
    const expected = [
      ...MESSAGE_TYPES.map((type) => `${type}.json`),
      ...EVENT_KINDS.map((kind) => `job.event/${kind}.json`),
      OTHER_EVENT_FILE,
      INDEX_FILE,
    ].sort();
    expect([...rendered.keys()].sort()).toEqual(expected);
  });

  it('renders deterministically, 2-space indented with a trailing newline and a generated notice', () => {
    const again = renderJsonSchemas();
    for (const [path, text] of rendered) {
      expect(again.get(path), path).toBe(text);
      expect(text.endsWith('}\n'), path).toBe(true);
      expect(text.startsWith('{\n  "'), path).toBe(true);
      expect(JSON.parse(text).$comment, path).toContain(REGENERATE_COMMAND);
    }
  });

  it('every schema file compiles under plain (draft-07) Ajv in full strict mode', () => {
    // Strict mode rejects keywords ajv would otherwise silently ignore (validate.ts uses it too).
    const ajv = new Ajv({ strict: true });
    for (const [path, text] of rendered) {
      if (path === INDEX_FILE) continue;
      expect(() => ajv.compile(JSON.parse(text)), path).not.toThrow();
    }
  });
});
