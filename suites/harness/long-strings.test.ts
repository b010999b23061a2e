import { describe, expect, it } from 'vitest';
import { LONG_STRING_BYTES, cutLongStrings } from './long-strings.ts';

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
