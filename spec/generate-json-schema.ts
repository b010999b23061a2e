// Renders the zod schemas as draft-07 JSON Schema files under spec/json/. The files are
// committed: validate.ts compiles them with ajv, and json-schema.test.ts fails when they
// drift from the zod source. Run as `npm run gen:schemas`.
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { EVENT_KINDS, EVENT_PAYLOADS, OtherEventPayload } from './events.ts';
import { JobEvent, MESSAGE_SCHEMAS, MESSAGE_TYPES } from './messages.ts';

export const REGENERATE_COMMAND = 'npm run gen:schemas';
export const JSON_SCHEMA_DIR = fileURLToPath(new URL('./json/', import.meta.url));

/** File holding the job.event envelope for unknown and vendor (`x-`) kinds. */
export const OTHER_EVENT_FILE = 'job.event/_other.json';
export const INDEX_FILE = 'index.json';

/** What index.json says: which file validates which message type or event kind. */
export interface JsonSchemaIndex {
  readonly messages: Readonly<Record<string, string>>;
  readonly events: Readonly<Record<string, string>>;
  readonly other_event: string;
}

const COMMENT = `Generated from the zod schemas in spec/ by spec/generate-json-schema.ts; do not edit. Regenerate with \`${REGENERATE_COMMAND}\`.`;

export function messageFile(type: string): string {
  return `${type}.json`;
}

export function eventFile(kind: string): string {
  return `job.event/${kind}.json`;
}

function toJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(schema, { target: 'draft-7' }) as Record<string, unknown>;
  // $comment goes right after $schema so every file opens with the "generated" notice.
  return { $schema, $comment: COMMENT, ...rest };
}

function render(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

// The job.event envelope with its payload narrowed to one kind, so the validator can
// dispatch on payload.kind instead of trying every branch of the union.
function jobEventWithPayload(payload: z.ZodType) {
  return JobEvent.extend({ payload });
}

/**
 * Every generated file, keyed by its path relative to spec/json/ (forward slashes).
 * Output is deterministic: zod emits keys in schema-declaration order, and files are
 * listed in MESSAGE_TYPES / EVENT_KINDS order.
 */
export function renderJsonSchemas(): Map<string, string> {
  const files = new Map<string, string>();
  const messages: Record<string, string> = {};
  const events: Record<string, string> = {};

  for (const type of MESSAGE_TYPES) {
    messages[type] = messageFile(type);
    files.set(messageFile(type), render(toJsonSchema(MESSAGE_SCHEMAS[type])));
  }
  for (const kind of EVENT_KINDS) {
    events[kind] = eventFile(kind);
    files.set(eventFile(kind), render(toJsonSchema(jobEventWithPayload(EVENT_PAYLOADS[kind]))));
  }
  files.set(OTHER_EVENT_FILE, render(toJsonSchema(jobEventWithPayload(OtherEventPayload))));

  const index: JsonSchemaIndex = { messages, events, other_event: OTHER_EVENT_FILE };
  files.set(INDEX_FILE, render({ $comment: COMMENT, ...index }));
  return files;
}

/** Relative paths (forward slashes) of every .json file currently under `dir`. */
export function listJsonFiles(dir: string = JSON_SCHEMA_DIR): string[] {
  const found: string[] = [];
  const walk = (current: string): void => {
    for (const name of readdirSync(current)) {
      const path = join(current, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.json')) found.push(relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  return found.sort();
}

/** Writes every rendered file and removes .json files the generator no longer produces. */
export function writeJsonSchemas(dir: string = JSON_SCHEMA_DIR): { written: number; removed: string[] } {
  const files = renderJsonSchemas();
  mkdirSync(dir, { recursive: true });
  const removed = listJsonFiles(dir).filter((path) => !files.has(path));
  for (const path of removed) rmSync(join(dir, path));
  for (const [path, text] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return { written: files.size, removed };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { written, removed } = writeJsonSchemas();
  const removedNote = removed.length > 0 ? `; removed ${removed.join(', ')}` : '';
  console.log(`wrote ${written} files to ${relative(process.cwd(), JSON_SCHEMA_DIR) || '.'}${removedNote}`);
}
