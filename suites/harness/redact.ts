// Keeps secrets out of transcripts and error messages. The redactor learns secret values
// from the positions the spec defines (bearer tokens, resume tokens, credential values) and
// replaces each with a stable label, `[redacted:N]`: the value is gone, but a checker can
// still tell that two credentials differ or that a resume token rotated.
import { inspect } from 'node:util';

/** Every redaction label starts with this. */
export const REDACTED = '[redacted';

const LABEL_PATTERN = /^\[redacted(:\d+)?\]$/;

/** Whether a value is a redaction label. */
export function isRedacted(value: unknown): boolean {
  return typeof value === 'string' && LABEL_PATTERN.test(value);
}

/**
 * Secrets shorter than this are redacted only where they stand alone as a whole string
 * (their known positions); replacing them inside free text would mangle every message.
 */
export const MIN_SUBSTRING_SECRET_LENGTH = 4;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function child(value: unknown, key: string): unknown {
  return isObject(value) ? value[key] : undefined;
}

function credentialValues(credentials: unknown): unknown[] {
  return Array.isArray(credentials) ? credentials.map((c) => child(c, 'value')) : [];
}

/** The values a frame carries in positions the spec calls secret (v1.1 §6.1-6.3, §9.8). */
export function secretsInFrame(frame: unknown): unknown[] {
  if (!isObject(frame)) return [];
  const payload = frame.payload;
  switch (frame.type) {
    case 'session.hello':
      return [
        child(child(payload, 'auth'), 'token'),
        child(child(payload, 'resume'), 'resume_token'),
        child(payload, 'resume_token'),
      ];
    case 'session.resume':
      return [child(payload, 'resume_token'), child(child(payload, 'auth'), 'token')];
    case 'session.welcome':
      return [child(payload, 'resume_token')];
    case 'job.accepted':
    case 'job.subscribed':
      return credentialValues(child(payload, 'credentials'));
    case 'session.jobs': {
      const jobs = child(payload, 'jobs');
      return Array.isArray(jobs) ? jobs.flatMap((job) => credentialValues(child(job, 'credentials'))) : [];
    }
    case 'job.event': {
      // v1.1 §9.8.2: a rotation is a status event whose body carries the credential's new
      // value; servers differ on nesting, so the plausible spots are all covered.
      const body = child(payload, 'body');
      if (child(payload, 'kind') !== 'status' || child(body, 'phase') !== 'credential_rotated') return [];
      return [
        child(body, 'value'),
        child(child(body, 'credential'), 'value'),
        ...credentialValues(child(body, 'credentials')),
      ];
    }
    default:
      return [];
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface Secret {
  readonly label: string;
  /** How the value looks inside JSON text (quotes and backslashes escaped). */
  readonly inJson: string;
}

export class Redactor {
  readonly #secrets = new Map<string, Secret>();
  #pattern: RegExp | undefined;
  #patternStale = false;

  /** How many distinct secrets are known. */
  get size(): number {
    return this.#secrets.size;
  }

  /** Registers a secret (e.g. a configured bearer token). Non-strings and '' are ignored. */
  addSecret(value: unknown): void {
    if (typeof value !== 'string' || value === '' || this.#secrets.has(value)) return;
    this.#secrets.set(value, {
      label: `[redacted:${this.#secrets.size + 1}]`,
      inJson: JSON.stringify(value).slice(1, -1),
    });
    this.#patternStale = true;
  }

  /** Learns every secret the frame carries in a known position; says whether it had any. */
  learn(frame: unknown): boolean {
    let found = false;
    for (const value of secretsInFrame(frame)) {
      if (typeof value === 'string' && value !== '') {
        this.addSecret(value);
        found = true;
      }
    }
    return found;
  }

  /**
   * Learns the frame's secrets and returns it with every known secret replaced. Frames
   * that mention no secret are returned as they are (no copy); `text`, the frame's wire
   * form, makes that check a substring scan instead of a walk.
   */
  redactFrame<T>(frame: T, text?: string): T {
    const carriesSecret = this.learn(frame);
    if (this.#secrets.size === 0) return frame;
    if (typeof frame === 'string') return this.#redactString(frame) as T;
    if (typeof frame !== 'object' || frame === null) return frame;
    // A frame with a secret in a known position is always copied, whatever the text scan
    // says (a server may escape the value differently from JSON.stringify).
    const mentions =
      carriesSecret || (text === undefined ? this.#containsSecret(frame) : this.#textMentionsSecret(text));
    return mentions ? (this.#deepRedact(frame) as T) : frame;
  }

  /** Whether bytes [from, to) of a message's JSON text contain a known secret (as JSON.stringify writes it). */
  mentionedIn(bytes: Buffer, from: number, to: number): boolean {
    for (const secret of this.#secrets.values()) {
      const at = bytes.indexOf(secret.inJson, from, 'utf8');
      if (at >= 0 && at + Buffer.byteLength(secret.inJson) <= to) return true;
    }
    return false;
  }

  /** Every known secret as its JSON text's bytes (for a search over a message that arrives in pieces). */
  secretsInJson(): Buffer[] {
    return [...this.#secrets.values()].map((secret) => Buffer.from(secret.inJson, 'utf8'));
  }

  /** Replaces every known secret inside free text (error messages, raw frames). */
  redactText(text: string): string {
    if (this.#secrets.size === 0) return text;
    return this.#redactString(text);
  }

  toJSON(): { secrets: number } {
    return { secrets: this.#secrets.size };
  }

  [inspect.custom](): string {
    return `Redactor { ${this.#secrets.size} secrets }`;
  }

  #textMentionsSecret(text: string): boolean {
    for (const secret of this.#secrets.values()) {
      if (text.includes(secret.inJson)) return true;
    }
    return false;
  }

  #containsSecret(value: unknown): boolean {
    if (typeof value === 'string') return this.#redactString(value) !== value;
    if (Array.isArray(value)) return value.some((item) => this.#containsSecret(item));
    if (isObject(value)) {
      return Object.entries(value).some(([key, item]) => this.#containsSecret(key) || this.#containsSecret(item));
    }
    return false;
  }

  /**
   * The value with every secret replaced. Parts that hold no secret are shared with the input,
   * not copied: a welcome listing megabytes of agents around its resume_token costs one copy
   * of the envelope, not a second copy of the inventory.
   */
  #deepRedact(value: unknown): unknown {
    if (typeof value === 'string') return this.#redactString(value);
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (let k = 0; k < value.length; k += 1) {
        const item: unknown = value[k];
        const redacted = this.#deepRedact(item);
        if (redacted !== item) copy ??= value.slice(0, k);
        copy?.push(redacted);
      }
      return copy ?? value;
    }
    if (isObject(value)) {
      // Nothing is allocated until a first field differs (a welcome's agents are 100k objects).
      let copy: JsonObject | undefined;
      const keys = Object.keys(value);
      for (let k = 0; k < keys.length; k += 1) {
        const key = keys[k] as string;
        const item = value[key];
        const redactedKey = this.#redactString(key);
        const redacted = this.#deepRedact(item);
        if (copy === undefined && (redactedKey !== key || redacted !== item)) {
          copy = {};
          for (let j = 0; j < k; j += 1) copy[keys[j] as string] = value[keys[j] as string];
        }
        if (copy !== undefined) copy[redactedKey] = redacted;
      }
      return copy ?? value;
    }
    return value;
  }

  #redactString(text: string): string {
    const whole = this.#secrets.get(text);
    if (whole !== undefined) return whole.label;
    const pattern = this.#substringPattern();
    if (pattern === undefined) return text;
    pattern.lastIndex = 0;
    return pattern.test(text)
      ? text.replace(pattern, (match) => this.#secrets.get(match)?.label ?? REDACTED + ']')
      : text;
  }

  #substringPattern(): RegExp | undefined {
    if (this.#patternStale) {
      // Longest first, so a secret that contains another is replaced whole.
      const long = [...this.#secrets.keys()]
        .filter((secret) => secret.length >= MIN_SUBSTRING_SECRET_LENGTH)
        .sort((a, b) => b.length - a.length);
      this.#pattern = long.length === 0 ? undefined : new RegExp(long.map(escapeRegExp).join('|'), 'g');
      this.#patternStale = false;
    }
    return this.#pattern;
  }
}
