import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GiantFrameCutter, STREAMED_FRAME_BYTES, serverFrameHeader } from './giant-frames.ts';
import { AGENT_LIST_KEPT, parseBoundingAgentList } from './long-agent-lists.ts';
import { cutLongStrings } from './long-strings.ts';

/** One server frame: unmasked, FIN as given, `extra` header bits (RSV) set. */
function frame(opcode: number, payload: Buffer, fin = true, extra = 0): Buffer {
  const header = serverFrameHeader(opcode, payload.length);
  if (!fin) header[0] = (header[0] as number) & 0x7f;
  header[0] = (header[0] as number) | extra;
  return Buffer.concat([header, payload]);
}

/** Feeds `wire` split at `points`; what ws would get. */
function through(cutter: GiantFrameCutter, wire: Buffer, points: readonly number[]): Buffer {
  const out: Buffer[] = [];
  let from = 0;
  for (const point of [...new Set(points.map((p) => p % (wire.length + 1)))].sort((a, b) => a - b)) {
    out.push(...cutter.transform(wire.subarray(from, point)));
    from = point;
  }
  out.push(...cutter.transform(wire.subarray(from)));
  return Buffer.concat(out);
}

const cutter = (maxPayloadBytes = 64 * 1024 * 1024) => new GiantFrameCutter({ maxPayloadBytes, secrets: () => [] });
const giantText = (bytes: number) => Buffer.from(JSON.stringify({ type: 'job.event', payload: { message: 'g'.repeat(bytes), n: [1, 2, 3] } }));
const points = fc.array(fc.nat(), { maxLength: 8 });

describe('GiantFrameCutter', () => {
  const small = fc.oneof(
    fc.string({ maxLength: 300 }).map((s) => frame(0x1, Buffer.from(s))),
    fc.uint8Array({ maxLength: 70_000 }).map((b) => frame(0x2, Buffer.from(b))),
    fc.constant(frame(0x9, Buffer.from('ping'))),
    fc.constant(Buffer.concat([frame(0x1, Buffer.from('{"a":'), false), frame(0xa, Buffer.alloc(0)), frame(0x0, Buffer.from('1}'))])),
  );

  it('passes every frame at or under the bound through byte for byte, however the bytes are split', () => {
    fc.assert(
      fc.property(fc.array(small, { maxLength: 6 }), points, (frames, at) => {
        const wire = Buffer.concat(frames);
        const c = cutter();
        expect(through(c, wire, at).equals(wire)).toBe(true);
        expect(c.midFrame).toBe(false);
        // A chunk of whole frames is handed on as it is, not copied.
        const handed = cutter().transform(wire);
        expect(handed).toHaveLength(1);
        expect(handed[0]).toBe(wire);
      }),
      { numRuns: 60 },
    );
  });

  it('hands ws a giant text message cut as cutLongStrings cuts it, between the frames around it, and names its wire size and digest by ordinal', () => {
    const payload = giantText(STREAMED_FRAME_BYTES + 5000);
    const before = frame(0x1, Buffer.from('{"before":1}'));
    const after = frame(0x1, Buffer.from('{"after":1}'));
    fc.assert(
      fc.property(points, (at) => {
        const c = cutter();
        const out = through(c, Buffer.concat([before, frame(0x9, Buffer.alloc(0)), frame(0x1, payload), after]), at);
        const standIn = frame(0x1, Buffer.from(cutLongStrings(payload)));
        expect(out.equals(Buffer.concat([before, frame(0x9, Buffer.alloc(0)), standIn, after]))).toBe(true);
        expect(c.takeCut(0)).toBeUndefined();
        expect(c.takeCut(1)).toEqual({ wireBytes: payload.length, sha256: createHash('sha256').update(payload).digest('hex'), agentsElided: 0 });
        expect(c.takeCut(1)).toBeUndefined();
        expect(c.midFrame).toBe(false);
      }),
      { numRuns: 25 },
    );
  });

  it('keeps the first bytes of a giant binary message', () => {
    const payload = Buffer.alloc(STREAMED_FRAME_BYTES + 1, 7);
    const c = cutter();
    expect(through(c, frame(0x2, payload), [3, 100_000]).equals(frame(0x2, payload.subarray(0, 256)))).toBe(true);
    expect(c.takeCut(0)?.wireBytes).toBe(payload.length);
  });

  it('leaves to ws what ws refuses or bounds itself: over maxPayload, fragmented, masked or RSV frames', () => {
    const payload = giantText(STREAMED_FRAME_BYTES + 10);
    const overMax = frame(0x1, payload);
    expect(through(cutter(STREAMED_FRAME_BYTES), overMax, [5]).equals(overMax)).toBe(true);
    const fragmented = Buffer.concat([frame(0x1, payload.subarray(0, 10), false), frame(0x0, payload.subarray(10))]);
    expect(through(cutter(), fragmented, [7, 20]).equals(fragmented)).toBe(true);
    const rsv = Buffer.concat([frame(0x1, payload, true, 0x40), frame(0x1, payload)]);
    expect(through(cutter(), rsv, [1]).equals(rsv)).toBe(true);
    const masked = Buffer.concat([Buffer.from([0x81, 0x80 | 4, 1, 2, 3, 4]), Buffer.from('abcd'), frame(0x1, payload)]);
    expect(through(cutter(), masked, [3]).equals(masked)).toBe(true);
  });

  it('says when the bytes end inside a frame', () => {
    const wire = frame(0x1, giantText(STREAMED_FRAME_BYTES + 10));
    for (const end of [1, 5, 10, 5000, wire.length - 1]) {
      const c = cutter();
      c.transform(wire.subarray(0, end));
      expect(c.midFrame, `after ${end} bytes`).toBe(true);
    }
  });

  it('cuts only messages over the transcript bound when it is set above the default', () => {
    const payload = giantText(STREAMED_FRAME_BYTES + 10);
    const c = new GiantFrameCutter({ maxPayloadBytes: 64 * 1024 * 1024, streamedBytes: 2 * STREAMED_FRAME_BYTES, secrets: () => [] });
    const wire = frame(0x1, payload);
    expect(through(c, wire, [100]).equals(wire)).toBe(true);
  });

  it('hands on a giant welcome with its long agent list bounded as a whole parse bounds it, the wanted entries kept and the left-out ones counted', () => {
    const agents = Array.from({ length: 60_000 }, (_, k) => ({ name: `x-agent-${k}`, versions: ['1.0.0'] }));
    agents.splice(40_000, 0, { name: 'conformance', versions: ['2.0.0'] });
    const payload = Buffer.from(JSON.stringify({ type: 'session.welcome', payload: { capabilities: { agents }, note: 'n'.repeat(100_000) } }));
    expect(payload.length).toBeGreaterThan(STREAMED_FRAME_BYTES);
    const wanted = [Buffer.from('"conformance"')];
    const c = new GiantFrameCutter({ maxPayloadBytes: 64 * 1024 * 1024, secrets: () => [], wantedInAgentLists: () => wanted });
    const out = through(c, frame(0x1, payload), Array.from({ length: 40 }, (_, k) => (k + 1) * 65_536));
    const length = (out[1] as number) & 0x7f;
    const standIn = JSON.parse(out.subarray(length === 127 ? 10 : length === 126 ? 4 : 2).toString());
    const whole = parseBoundingAgentList(Buffer.from(cutLongStrings(payload)), () => wanted);
    expect(standIn).toEqual(whole?.value);
    expect(standIn.payload.capabilities.agents).toHaveLength(AGENT_LIST_KEPT + 1);
    expect(c.takeCut(0)?.agentsElided).toBe(60_001 - AGENT_LIST_KEPT - 1);
  });
});
