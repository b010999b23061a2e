import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LONG_STRING_BYTES, LongStringCutter, cutLongStrings } from './long-strings.ts';

const long = (unit: string, bytes = LONG_STRING_BYTES + 10) => unit.repeat(Math.ceil(bytes / Buffer.byteLength(unit)));
const cut = (value: unknown, keepWhole?: (from: number, to: number) => boolean) => JSON.parse(cutLongStrings(Buffer.from(JSON.stringify(value)), keepWhole));

describe('cutLongStrings', () => {
  it('cuts a long string value to its head and keeps every other field exact', () => {
    const frame = { arcp: '1.1', type: 'job.event', event_seq: 3, payload: { kind: 'log', body: { message: long('g'), marker: { branch: 0, i: 0 } }, list: [1, 'two', null, true] } };
    const parsed = cut(frame);
    expect(parsed.payload.body.message).toMatch(/^g{256}… \(\d+ more bytes\)$/);
    expect({ ...parsed, payload: { ...parsed.payload, body: { ...parsed.payload.body, message: 'x' } } }).toEqual({
      ...frame,
      payload: { ...frame.payload, body: { ...frame.payload.body, message: 'x' } },
    });
  });

  it('leaves the text whole when no string is over the bound', () => {
    const text = JSON.stringify({ a: 'x'.repeat(LONG_STRING_BYTES), b: ['y'.repeat(1000)] });
    expect(cutLongStrings(Buffer.from(text))).toBe(text);
  });

  it('never cuts inside an escape or a multi-byte character', () => {
    for (const unit of ['\\', '"', '\u0001', 'é', '€', '😀', 'a\\u']) {
      const value = cut({ s: long(unit) }).s as string;
      expect(value.endsWith(' more bytes)')).toBe(true);
      expect(value).not.toContain('\ufffd');
      expect(long(unit).startsWith(value.slice(0, value.indexOf('…')))).toBe(true);
    }
  });

  it('keeps a string whole when it is not valid JSON string content, so the message stays unparsable', () => {
    const bad = Buffer.from(`{"s":"${long('a')}\u0001"}`);
    expect(() => JSON.parse(cutLongStrings(bad))).toThrow();
    const badEscape = Buffer.from(`{"s":"${long('a')}\\q"}`);
    expect(() => JSON.parse(cutLongStrings(badEscape))).toThrow();
  });

  it('keeps a string whole when keepWhole says so (e.g. it holds a secret)', () => {
    const value = long('s');
    expect(cut({ s: value }, () => true).s).toBe(value);
  });
});

describe('LongStringCutter', () => {
  /**
   * The message fed in pieces split at `points` (fractions of the message; whole numbers: byte
   * offsets), its settled output taken after each piece (unless `settle` is false), then the rest.
   */
  const streamed = (bytes: Buffer, points: readonly number[], secrets: readonly Buffer[] = [], settle = true): Buffer => {
    const cutter = new LongStringCutter(secrets);
    const out: Buffer[] = [];
    let from = 0;
    const offsets = points.map((p) => (Number.isInteger(p) ? p % (bytes.length + 1) : Math.floor(p * bytes.length)));
    for (const point of [...new Set(offsets), bytes.length].sort((a, b) => a - b)) {
      cutter.write(bytes.subarray(from, point));
      if (settle) out.push(...cutter.takeSettled());
      from = point;
    }
    out.push(cutter.end());
    return Buffer.concat(out);
  };

  const unit = fc.constantFrom('a', 'é', '€', '😀', '\\\\', '\\"', '\\n', '\\u00e9', '\\/', ' ', '"');
  const shortContent = fc.array(unit, { maxLength: 12 }).map((units) => units.filter((u) => u !== '"').join(''));
  const longContent = fc.tuple(unit.filter((u) => u !== '"'), fc.integer({ min: LONG_STRING_BYTES - 8, max: LONG_STRING_BYTES + 20_000 })).map(([u, bytes]) => long(u, bytes));
  const structure = fc.constantFrom('{', '}', '[', ']', ',', ':', '0', '-1.5e3', 'true', 'null', ' ', '\n');
  const segment = fc.oneof(structure, shortContent.map((c) => `"${c}"`), longContent.map((c) => `"${c}"`));
  const message = fc.array(segment, { minLength: 1, maxLength: 8 }).map((parts) => Buffer.from(parts.join('')));
  const points = fc.array(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), { maxLength: 8 });

  it('gives the text cutLongStrings gives for the whole, however the message is split', () => {
    fc.assert(
      fc.property(message, points, (bytes, at) => {
        expect(streamed(bytes, at).toString('utf8')).toBe(cutLongStrings(bytes));
        expect(streamed(bytes, at, [], false).toString('utf8')).toBe(cutLongStrings(bytes));
        // As a socket hands it on: many pieces inside each long string.
        const every = Array.from({ length: Math.floor(bytes.length / 4093) }, (_, k) => (k + 1) * 4093);
        expect(streamed(bytes, every).toString('utf8')).toBe(cutLongStrings(bytes));
      }),
      { numRuns: 150 },
    );
  });

  it('keeps a message with an invalid long string unparsable, and an unterminated one unterminated', () => {
    const badControl = Buffer.from(`{"s":"${long('a')}\u0001"}`);
    const badEscape = Buffer.from(`{"s":"${long('a')}\\q"}`);
    const badHex = Buffer.from(`{"s":"${long('a')}\\u12"}`);
    const open = Buffer.from(`{"s":"${long('a')}`);
    for (const bytes of [badControl, badEscape, badHex, open]) {
      fc.assert(
        fc.property(points, (at) => {
          expect(() => JSON.parse(streamed(bytes, at).toString('utf8'))).toThrow();
        }),
        { numRuns: 20 },
      );
    }
    // Valid: the same strings without the fault parse, cut.
    expect(JSON.parse(streamed(Buffer.from(`{"s":"${long('a')}\\u1234"}`), [70_000]).toString('utf8')).s).toMatch(/^a{256}… \(\d+ more bytes\)$/);
  });

  it('keeps a secret a long string holds, even split between two pieces, after the head', () => {
    const secret = 'tok-"secret"\\1';
    const inJson = Buffer.from(JSON.stringify(secret).slice(1, -1));
    const bytes = Buffer.from(JSON.stringify({ s: `${long('b')}${secret}${'c'.repeat(100)}` }));
    const where = bytes.indexOf(inJson);
    for (const split of [where + 1, where + 5, where + inJson.length - 1, 10]) {
      const value = JSON.parse(streamed(bytes, [split], [inJson]).toString('utf8')).s as string;
      expect(value.startsWith('b'.repeat(256))).toBe(true);
      expect(value).toContain(secret);
      expect(value.length).toBeLessThan(1024);
    }
    // A secret outside the long strings is not the cutter's business: nothing is added.
    expect(JSON.parse(streamed(Buffer.from(JSON.stringify({ s: long('b') })), [3], [inJson]).toString('utf8')).s).not.toContain(secret);
  });
});
