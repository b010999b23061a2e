import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_KINDS } from './events.ts';
import { MESSAGE_SCHEMAS, MESSAGE_TYPES, isMessageType } from './messages.ts';
import { MAX_ERRORS, VALID, type FrameVerdict, validateFrame, validateFrameAs } from './validate.ts';

// ---- the corpus ------------------------------------------------------------------------

interface CorpusEntry {
  readonly file: string;
  readonly description: string;
  readonly valid: boolean;
  readonly source: string;
  readonly frame: unknown;
}

const CORPUS_DIR = new URL('../fixtures/frames/', import.meta.url);
const FILE_NAME = /^(\d{2,3})-(valid|invalid)-[a-z0-9-]+\.json$/;

function loadCorpus(): CorpusEntry[] {
  return readdirSync(CORPUS_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...JSON.parse(readFileSync(new URL(file, CORPUS_DIR), 'utf8')) }) as CorpusEntry);
}

const corpus = loadCorpus();

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** zod's verdict, with the same dispatch rules as validateFrame (unknown type = invalid). */
function zodAccepts(frame: unknown, forcedType?: string): boolean {
  const type = forcedType ?? (isObject(frame) ? frame.type : undefined);
  return isMessageType(type) && MESSAGE_SCHEMAS[type].safeParse(frame).success;
}

function expectWellFormed(verdict: FrameVerdict): void {
  if (verdict.valid) {
    expect(verdict).toBe(VALID);
    return;
  }
  expect(verdict.errors.length).toBeGreaterThan(0);
  expect(verdict.errors.length).toBeLessThanOrEqual(MAX_ERRORS);
  for (const error of verdict.errors) expect(typeof error).toBe('string');
}

describe('frame corpus (fixtures/frames)', () => {
  it('has at least 60 well-formed entries named <nn>-<valid|invalid>-<what>.json', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(60);
    for (const entry of corpus) {
      const name = FILE_NAME.exec(entry.file);
      expect(name, `${entry.file}: bad file name`).not.toBeNull();
      expect(typeof entry.description, `${entry.file}: description`).toBe('string');
      expect(typeof entry.source, `${entry.file}: source`).toBe('string');
      expect(entry.valid, `${entry.file}: "valid" disagrees with the file name`).toBe(name?.[2] === 'valid');
      expect(entry.valid || entry.source.startsWith('deliberate mistake:'), `${entry.file}: invalid frames name their mistake`).toBe(true);
    }
  });

  it('numbers its files uniquely', () => {
    const numbers = corpus.map((entry) => FILE_NAME.exec(entry.file)?.[1]);
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  it('has a valid frame of every message type and every event kind, plus a vendor kind', () => {
    const valid = corpus.filter((entry) => entry.valid).map((entry) => entry.frame as Record<string, unknown>);
    const types = new Set(valid.map((frame) => frame.type));
    expect(MESSAGE_TYPES.filter((type) => !types.has(type)), 'message types without a valid frame').toEqual([]);
    const kinds = new Set(
      valid.filter((frame) => frame.type === 'job.event').map((frame) => (frame.payload as { kind: string }).kind),
    );
    expect(EVENT_KINDS.filter((kind) => !kinds.has(kind)), 'event kinds without a valid frame').toEqual([]);
    expect([...kinds].some((kind) => kind.startsWith('x-')), 'no x- vendor kind').toBe(true);
  });

  it('holds only placeholder secrets', () => {
    // `value` is a secret only on a credential or a credential rotation (metrics have one too).
    const isSecret = (owner: Record<string, unknown>, key: string): boolean =>
      key === 'token' ||
      key === 'resume_token' ||
      (key === 'value' && ('scheme' in owner || owner.phase === 'credential_rotated'));
    const offenders: string[] = [];
    const walk = (value: unknown, file: string, path: string): void => {
      if (Array.isArray(value)) value.forEach((item, i) => walk(item, file, `${path}.${i}`));
      else if (isObject(value)) {
        for (const [key, child] of Object.entries(value)) {
          if (isSecret(value, key) && typeof child === 'string' && !/example/i.test(child)) {
            offenders.push(`${file}: ${path}.${key}`);
          }
          walk(child, file, `${path}.${key}`);
        }
      }
    };
    for (const entry of corpus) walk(entry.frame, entry.file, 'frame');
    expect(offenders, 'secret-bearing fields must hold obvious placeholders (e.g. "tok-example")').toEqual([]);
  });

  it.each(corpus.map((entry) => [entry.file, entry] as const))('%s: zod and ajv both say the file\'s verdict', (file, entry) => {
    const ajvVerdict = validateFrame(entry.frame);
    expect(zodAccepts(entry.frame), `${file}: zod`).toBe(entry.valid);
    expect(ajvVerdict.valid, `${file}: ajv (${ajvVerdict.valid ? 'valid' : ajvVerdict.errors.join('; ')})`).toBe(entry.valid);
    expectWellFormed(ajvVerdict);
  });
});

// ---- dispatch and error reporting --------------------------------------------------------

describe('validateFrame', () => {
  const event = corpus.find((entry) => entry.file.includes('valid-event-progress'))?.frame as Record<string, unknown>;

  it('returns the one shared frozen VALID for every valid frame', () => {
    expect(Object.isFrozen(VALID)).toBe(true);
    for (const entry of corpus.filter((e) => e.valid)) expect(validateFrame(entry.frame), entry.file).toBe(VALID);
  });

  it('turns the failing instance path into a dotted path', () => {
    const frame = { ...event, payload: { kind: 'progress', body: { current: -1 } } };
    expect(validateFrame(frame)).toEqual({ valid: false, errors: ['payload.body.current: must be >= 0'] });
  });

  it('explains frames it cannot dispatch', () => {
    expect(validateFrame(null)).toEqual({ valid: false, errors: ['frame: must be a JSON object (got null)'] });
    expect(validateFrame([])).toEqual({ valid: false, errors: ['frame: must be a JSON object (got array)'] });
    expect(validateFrame('job.event')).toEqual({ valid: false, errors: ['frame: must be a JSON object (got string)'] });
    expect(validateFrame({})).toEqual({ valid: false, errors: ['type: is required'] });
    expect(validateFrame({ type: 7 })).toEqual({ valid: false, errors: ['type: must be a string (got number)'] });
    expect(validateFrame({ type: 'toString' })).toEqual({ valid: false, errors: ['type: unknown message type "toString"'] });
  });

  it('validateFrameAs forces the message type', () => {
    expect(validateFrameAs('job.event', event)).toBe(VALID);
    expect(validateFrameAs('job.result', event)).toEqual({ valid: false, errors: ['type: must be "job.result"'] });
    expect(validateFrameAs('no.such', event)).toEqual({ valid: false, errors: ['type: unknown message type "no.such"'] });
  });

  it('sends defined kinds to their own schema and anything else to _other', () => {
    const withPayload = (payload: unknown) => ({ ...event, payload });
    // A defined kind never falls back to the permissive vendor schema.
    expect(validateFrame(withPayload({ kind: 'progress', body: {} })).valid).toBe(false);
    expect(validateFrame(withPayload({ kind: 'x-acme.thing', body: {} }))).toBe(VALID);
    expect(validateFrame(withPayload({ kind: '', body: {} })).valid).toBe(false);
    expect(validateFrame(withPayload({ kind: 3, body: {} }))).toEqual({ valid: false, errors: ['payload.kind: must be string'] });
  });

  it('never throws, even on objects whose getters throw', () => {
    const hostile = { arcp: '1.1', id: 'm1', type: 'session.ack', session_id: 's' };
    Object.defineProperty(hostile, 'payload', { enumerable: true, get: () => { throw new Error('boom'); } });
    const verdict = validateFrame(hostile);
    expect(verdict.valid).toBe(false);
    expectWellFormed(verdict);
  });
});

// ---- properties: never throws, and ajv agrees with zod -------------------------------------

// Thousands of generated frames: CPU-bound, so on a loaded runner they take several times
// their idle time. The bound only guards against a hang; nothing here is timed.
describe('validateFrame properties', { timeout: 300_000 }, () => {
  it('never throws and always returns a well-formed verdict on arbitrary values', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expectWellFormed(validateFrame(value));
        expect(validateFrame(value).valid).toBe(zodAccepts(value));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with zod on envelopes with a real type and an arbitrary payload', () => {
    const envelope = fc.record(
      {
        arcp: fc.constantFrom('1.1', '1', 1.1),
        id: fc.constantFrom('m1', ''),
        type: fc.constantFrom(...MESSAGE_TYPES),
        session_id: fc.constantFrom('sess_1', ''),
        job_id: fc.constantFrom('job_1', ''),
        event_seq: fc.oneof(fc.nat(), fc.integer({ min: -3, max: -1 }), fc.double()),
        payload: fc.anything(),
      },
      { requiredKeys: ['arcp', 'id', 'type', 'payload'] },
    );
    fc.assert(
      fc.property(envelope, (frame) => {
        expect(validateFrame(frame).valid).toBe(zodAccepts(frame));
      }),
      { numRuns: 3000 },
    );
  });

  it('known divergence: an own `__proto__` key is checked by ajv but skipped by zod', () => {
    // zod 4 deliberately skips undeclared `__proto__` keys in catchall objects and records
    // (prototype-pollution safety), so it accepts a lease whose `__proto__` entry is not a
    // pattern list. JSON Schema cannot express "ignore this one key", and the stricter hot
    // path is the right side of the split, so the divergence is kept and pinned here: if
    // zod ever starts checking the key, this test fails and the note can go.
    const frame = JSON.parse(
      '{"arcp":"1.1","id":"m1","type":"job.accepted","session_id":"s1","payload":{"job_id":"j1","lease":{"__proto__":"not-a-list"}}}',
    );
    expect(zodAccepts(frame)).toBe(true);
    expect(validateFrame(frame)).toEqual({ valid: false, errors: ['payload.lease.__proto__: must be array'] });
  });

  it('agrees with zod on mutated corpus frames', () => {
    const frames = corpus.map((entry) => entry.frame);
    const mutation = fc.record({
      at: fc.nat(),
      op: fc.constantFrom(...MUTATIONS),
      value: fc.jsonValue({ maxDepth: 2 }),
      type: fc.constantFrom(...MESSAGE_TYPES),
      kind: fc.constantFrom(...EVENT_KINDS, 'x-acme.thing', ''),
    });
    fc.assert(
      fc.property(fc.nat({ max: frames.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (pick, steps) => {
        let frame = structuredClone(frames[pick]);
        for (const step of steps) frame = mutate(frame, step);
        const ajv = validateFrame(frame);
        expect(ajv.valid, `zod and ajv disagree on ${JSON.stringify(frame)}: ${ajv.valid ? '' : ajv.errors.join('; ')}`).toBe(
          zodAccepts(frame),
        );
      }),
      { numRuns: 5000 },
    );
  });
});

// ---- mutation helpers ----------------------------------------------------------------------

const MUTATIONS = [
  'delete',
  'replace',
  'negate',
  'fraction',
  'huge',
  'empty-string',
  'null',
  'wrap-array',
  'stringify',
  'truncate-string',
  'uppercase',
  'add-key',
  'swap-type',
  'swap-kind',
] as const;

interface Mutation {
  readonly at: number;
  readonly op: (typeof MUTATIONS)[number];
  readonly value: unknown;
  readonly type: string;
  readonly kind: string;
}

type Container = Record<string, unknown> | unknown[];
interface Slot {
  readonly parent: Container;
  readonly key: string | number;
}

// Every (container, key) pair in the frame, depth-first, so `at` can pick any position.
function slots(root: unknown): Slot[] {
  const found: Slot[] = [];
  const walk = (value: unknown): void => {
    if (!Array.isArray(value) && !isObject(value)) return;
    const entries: Array<[string | number, unknown]> = Array.isArray(value) ? [...value.entries()] : Object.entries(value);
    for (const [key, child] of entries) {
      found.push({ parent: value, key });
      walk(child);
    }
  };
  walk(root);
  return found;
}

function changed(current: unknown, step: Mutation): unknown {
  switch (step.op) {
    case 'replace':
      return step.value;
    case 'negate':
      return typeof current === 'number' ? -current - 1 : current;
    case 'fraction':
      return typeof current === 'number' ? current + 0.5 : current;
    case 'huge':
      return typeof current === 'number' ? 2 ** 53 + 2 : current;
    case 'empty-string':
      return '';
    case 'null':
      return null;
    case 'wrap-array':
      return [current];
    case 'stringify':
      return JSON.stringify(current);
    case 'truncate-string':
      return typeof current === 'string' ? current.slice(0, -1) : current;
    case 'uppercase':
      return typeof current === 'string' ? current.toUpperCase() : current;
    default:
      return current;
  }
}

function mutate(frame: unknown, step: Mutation): unknown {
  if (step.op === 'swap-type') return isObject(frame) ? { ...frame, type: step.type } : frame;
  if (step.op === 'swap-kind') {
    return isObject(frame) && isObject(frame.payload) ? { ...frame, payload: { ...frame.payload, kind: step.kind } } : frame;
  }
  const all = slots(frame);
  const slot = all[step.at % Math.max(all.length, 1)];
  if (slot === undefined) return changed(frame, step);
  const { parent, key } = slot;
  if (Array.isArray(parent) && typeof key === 'number') {
    if (step.op === 'delete') parent.splice(key, 1);
    else if (step.op === 'add-key') parent.push(step.value);
    else parent[key] = changed(parent[key], step);
  } else if (!Array.isArray(parent) && typeof key === 'string') {
    if (step.op === 'delete') delete parent[key];
    else if (step.op === 'add-key') parent[`x_${key}`] = step.value;
    else parent[key] = changed(parent[key], step);
  }
  return frame;
}
