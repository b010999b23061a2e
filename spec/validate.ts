// Hot-path frame validation: ajv validators compiled once, at first use, from the
// committed JSON Schema in spec/json/ (generated from the zod schemas, kept in step by
// json-schema.test.ts). job.event dispatches again on payload.kind so one event is checked
// against one narrow schema instead of the whole union.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/** ajv's judgement of one frame (structurally identical to suites/harness/transcript-types.ts). */
export type FrameVerdict = { readonly valid: true } | { readonly valid: false; readonly errors: readonly string[] };

/** The one verdict every valid frame gets, so validating allocates nothing. */
export const VALID: FrameVerdict = Object.freeze({ valid: true as const });

/** At most this many error strings per verdict. */
export const MAX_ERRORS = 5;

const JOB_EVENT = 'job.event';

interface JsonSchemaIndex {
  readonly messages: Readonly<Record<string, string>>;
  readonly events: Readonly<Record<string, string>>;
  readonly other_event: string;
}

const ajv = new Ajv({
  allErrors: false, // stop at the first failure: the hot path only needs yes/no
  strict: true, // zod's draft-07 output needs no leniency; an unknown keyword should fail loudly
  strictNumbers: true, // reject NaN and Infinity, as z.number() does
  unicodeRegExp: false, // compile patterns without the `u` flag, exactly as zod's RegExps are
  validateFormats: false, // no formats are used; patterns only
  messages: true,
});

function readSchema(relativePath: string): unknown {
  return JSON.parse(readFileSync(new URL(`./json/${relativePath}`, import.meta.url), 'utf8'));
}

function compile(relativePath: string): ValidateFunction {
  return ajv.compile(readSchema(relativePath) as object);
}

const index = readSchema('index.json') as JsonSchemaIndex;

/**
 * Validators by key, each compiled on its first use: compiling all of them costs about a
 * quarter of a second per process, and a process that sees a few types (the CLI's preflight,
 * a worker running one narrow suite) needs only those.
 */
function lazyValidators(files: ReadonlyMap<string, string>): (key: string) => ValidateFunction | undefined {
  const compiled = new Map<string, ValidateFunction>();
  return (key) => {
    let validate = compiled.get(key);
    if (validate === undefined) {
      const file = files.get(key);
      if (file === undefined) return undefined;
      validate = compile(file);
      compiled.set(key, validate);
    }
    return validate;
  };
}

// job.event's union file is not compiled: the per-kind files cover it exactly (every
// defined kind has its file, and `_other` accepts only the kinds that are not defined).
const messageValidator = lazyValidators(new Map(Object.entries(index.messages).filter(([type]) => type !== JOB_EVENT)));
const eventValidator = lazyValidators(new Map(Object.entries(index.events)));
let otherEvent: ValidateFunction | undefined;
const otherEventValidator = (): ValidateFunction => (otherEvent ??= compile(index.other_event));

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function invalid(errors: string[]): FrameVerdict {
  return Object.freeze({ valid: false as const, errors: Object.freeze(errors) });
}

// `/payload/body/current` -> `payload.body.current` (JSON Pointer unescaped).
function dottedPath(instancePath: string): string {
  if (instancePath === '') return '';
  return instancePath
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function formatError(error: ErrorObject): string {
  const path = dottedPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${join(path, String(params.missingProperty))}: is required`;
    case 'const':
      return `${path || 'frame'}: must be ${JSON.stringify(params.allowedValue)}`;
    case 'enum':
      return `${path || 'frame'}: must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'propertyNames':
      return `${path || 'frame'}: has an invalid key ${JSON.stringify(params.propertyName)}`;
    case 'minLength':
      if (params.limit === 1) return `${path || 'frame'}: must be a non-empty string`;
      return `${path || 'frame'}: ${error.message ?? 'is too short'}`;
    default:
      return `${path || 'frame'}: ${error.message ?? `fails ${error.keyword}`}`;
  }
}

function verdictOf(validate: ValidateFunction, frame: unknown): FrameVerdict {
  if (validate(frame)) return VALID;
  const errors = (validate.errors ?? [])
    // A bad key shows up twice: the key's own error, then `propertyNames`; keep the latter.
    .filter((error) => error.propertyName === undefined)
    .slice(0, MAX_ERRORS)
    .map(formatError);
  return invalid(errors.length > 0 ? errors : ['frame: does not match its schema']);
}

function eventValidatorFor(frame: Record<string, unknown>): ValidateFunction {
  const payload = frame.payload;
  const kind = isObject(payload) ? payload.kind : undefined;
  // A payload that is not an object, or has no string kind, gets `_other`'s error message.
  return (typeof kind === 'string' && eventValidator(kind)) || otherEventValidator();
}

function validateTyped(type: string, frame: unknown): FrameVerdict {
  if (!isObject(frame)) return invalid([`frame: must be a JSON object (got ${describe(frame)})`]);
  const validate = type === JOB_EVENT ? eventValidatorFor(frame) : messageValidator(type);
  if (validate === undefined) return invalid([`type: unknown message type ${JSON.stringify(type)}`]);
  try {
    return verdictOf(validate, frame);
  } catch (error) {
    // Only exotic objects (throwing getters, proxies) get here; JSON input never does.
    return invalid([`frame: could not be validated (${error instanceof Error ? error.message : String(error)})`]);
  }
}

/** Validates a frame in either direction, choosing the schema by its `type`. Never throws. */
export function validateFrame(frame: unknown): FrameVerdict {
  if (!isObject(frame)) return invalid([`frame: must be a JSON object (got ${describe(frame)})`]);
  const type = frame.type;
  if (type === undefined) return invalid(['type: is required']);
  if (typeof type !== 'string') return invalid([`type: must be a string (got ${describe(type)})`]);
  return validateTyped(type, frame);
}

/** Validates a frame as message type `type`, whatever its own `type` says. Never throws. */
export function validateFrameAs(type: string, frame: unknown): FrameVerdict {
  return validateTyped(type, frame);
}
