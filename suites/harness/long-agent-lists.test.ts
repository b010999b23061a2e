import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateFrame } from '../../spec/validate.ts';
import { AGENT_LIST_KEPT, AGENT_LIST_SCAN_BYTES, AgentListBounder, parseBoundingAgentList } from './long-agent-lists.ts';
import { isRichAgent } from './session.ts';
import { welcomeFrame } from './testing/scripted-server.ts';

const WANTED = [Buffer.from('"conformance"'), Buffer.from('"sk-secret-value"')];
const wanted = () => WANTED;

/** Agents entries of every kind a server might list, rich or not. */
const entry = fc.oneof(
  { weight: 8, arbitrary: fc.record({ name: fc.constantFrom('a', 'b', 'x-agent'), versions: fc.array(fc.constantFrom('1.0.0', '2.0.0'), { maxLength: 3 }), default: fc.constantFrom('1.0.0') }, { requiredKeys: ['name', 'versions'] }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>('bare-name', '', 42, null, true, [], {}, { name: '' , versions: [] }, { name: 'n', versions: [''] }, { name: 'n', versions: ['1'], default: '' }, { name: 'n' }, { name: 'n', versions: ['1', 7] }, { name: 'n', versions: [], extra: { deep: [1, 'x'] } }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>({ name: 'conformance', versions: ['2.0.0'], default: '2.0.0' }, { name: 'holder', versions: ['1'], default: 'sk-secret-value' }) },
);

/** A welcome listing `agents`, padded past AGENT_LIST_SCAN_BYTES unless `padded` is false. */
const welcomeWith = (agents: readonly unknown[], padded = true) => {
  const frame = welcomeFrame({ agents: [...agents] as never[] });
  if (padded) (frame.payload as Record<string, unknown>).note = 'n'.repeat(AGENT_LIST_SCAN_BYTES);
  return Buffer.from(JSON.stringify(frame));
};
const agentsOf = (frame: unknown) => ((frame as { payload: { capabilities: { agents: unknown[] } } }).payload.capabilities.agents);
const withoutAgents = (frame: unknown) => JSON.stringify(frame, (k, v: unknown) => (k === 'agents' ? undefined : v));
/** The schema's verdict, with the error positions (indexes into the list) left out. */
const schemaVerdict = (frame: unknown) => {
  const v = validateFrame(frame);
  return v.valid ? 'valid' : 'invalid';
};

describe('parseBoundingAgentList', () => {
  it('gives every verdict the whole list gives, keeps the wanted entries and one of each shape, and bounds the rest', () => {
    fc.assert(
      fc.property(fc.array(entry, { minLength: AGENT_LIST_KEPT + 1, maxLength: AGENT_LIST_KEPT + 600 }), (agents) => {
        const bytes = welcomeWith(agents);
        const whole: unknown = JSON.parse(bytes.toString());
        const bounded = parseBoundingAgentList(bytes, wanted);
        expect(bounded).toBeDefined();
        const kept = agentsOf(bounded?.value);
        // Everything but the list is parsed exactly; the list is the whole one's, in order, with entries left out.
        expect(withoutAgents(bounded?.value)).toBe(withoutAgents(whole));
        expect(kept.length + (bounded?.agentsElided ?? 0)).toBe(agents.length);
        expect(kept.slice(0, AGENT_LIST_KEPT)).toEqual(agents.slice(0, AGENT_LIST_KEPT));
        const keptTexts = new Set(kept.map((e) => JSON.stringify(e)));
        for (const a of agents) {
          const text = JSON.stringify(a);
          if (WANTED.some((w) => text.includes(w.toString()))) expect(keptTexts.has(text)).toBe(true);
        }
        // The verdicts: the schema's, and VER-001's (is every entry rich?).
        expect(schemaVerdict(bounded?.value)).toBe(schemaVerdict(whole));
        expect(kept.every(isRichAgent)).toBe(agents.every(isRichAgent));
      }),
      { numRuns: 40 },
    );
  });

  it('keeps of 200,000 agents of one shape its first entries and the wanted one', () => {
    const agents = Array.from({ length: 200_000 }, (_, k) => ({ name: `x-agent-${k}`, versions: ['1.0.0'], default: '1.0.0' }));
    agents.splice(150_000, 0, { name: 'conformance', versions: ['2.0.0'], default: '2.0.0' });
    const bounded = parseBoundingAgentList(welcomeWith(agents), wanted);
    expect(agentsOf(bounded?.value)).toEqual([...agents.slice(0, AGENT_LIST_KEPT), { name: 'conformance', versions: ['2.0.0'], default: '2.0.0' }]);
    expect(bounded?.agentsElided).toBe(200_001 - AGENT_LIST_KEPT - 1);
  });

  it('leaves small messages, short lists, other paths and text that is not JSON to the whole parse', () => {
    const many = Array.from({ length: AGENT_LIST_KEPT + 5 }, () => 'a');
    expect(parseBoundingAgentList(welcomeWith(many), wanted)).toBeDefined();
    expect(parseBoundingAgentList(welcomeWith(many, false), wanted)).toBeUndefined();
    expect(parseBoundingAgentList(welcomeWith(many.slice(0, AGENT_LIST_KEPT)), wanted)).toBeUndefined();
    expect(parseBoundingAgentList(Buffer.from(JSON.stringify({ payload: { agents: many, note: 'n'.repeat(AGENT_LIST_SCAN_BYTES) } })), wanted)).toBeUndefined();
    const text = welcomeWith(many).toString();
    for (const broken of [text.replace('"a","a"', '"a",,"a"'), text.replace('"a"]', '"a",]'), text.replace('"a","a"', '"a" "a"'), text.replace('"a","a"', '"a",{"a"'), text.slice(0, -1)]) {
      expect(() => JSON.parse(broken)).toThrow();
      expect(parseBoundingAgentList(Buffer.from(broken), wanted)).toBeUndefined();
    }
    // The list given twice (JSON.parse keeps the last): each bounded alike.
    const twice = text.replace('"capabilities":{', `"capabilities":{"agents":${JSON.stringify(many)},`);
    expect(agentsOf(parseBoundingAgentList(Buffer.from(twice), wanted)?.value)).toEqual(many.slice(0, AGENT_LIST_KEPT));
  });
});

/** The text `bytes` bound to, fed in pieces ending at `cuts` (offsets, any order). */
function boundInPieces(bytes: Buffer, cuts: readonly number[]): { text: string; elided: number } {
  const bounder = new AgentListBounder(WANTED);
  let from = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    bounder.write(bytes.subarray(from, cut));
    from = cut;
  }
  bounder.write(bytes.subarray(from));
  return { text: bounder.end().toString(), elided: bounder.agentsElided };
}

describe('AgentListBounder', () => {
  it('bounds a message fed in pieces, cut anywhere (inside strings, escapes, entries), as it bounds it whole', () => {
    const strings = fc.string({ unit: fc.constantFrom('a', '"', '\\', 'é', ',', ']', '{', ' ') });
    const nested = fc.record({ name: strings, versions: fc.array(strings, { maxLength: 2 }), more: fc.array(fc.oneof(fc.integer(), strings), { maxLength: 2 }) });
    fc.assert(
      fc.property(fc.array(fc.oneof(entry, nested), { minLength: AGENT_LIST_KEPT + 1, maxLength: AGENT_LIST_KEPT + 60 }), fc.boolean(), fc.array(fc.nat(), { maxLength: 40 }), (agents, pretty, cuts) => {
        const frame = welcomeFrame({ agents: [...agents] as never[] });
        const bytes = Buffer.from(JSON.stringify(frame, null, pretty ? 2 : undefined));
        const whole = boundInPieces(bytes, []);
        const pieces = boundInPieces(bytes, cuts.map((c) => c % bytes.length));
        expect(pieces).toEqual(whole);
        expect(withoutAgents(JSON.parse(pieces.text))).toBe(withoutAgents(frame));
        expect(agentsOf(JSON.parse(pieces.text)).length + pieces.elided).toBe(agents.length);
      }),
      { numRuns: 30 },
    );
  });

  it('leaves text that is not JSON not JSON, fed byte by byte', () => {
    const many = Array.from({ length: AGENT_LIST_KEPT + 5 }, () => 'a');
    const text = JSON.stringify(welcomeFrame({ agents: many as never[] }));
    for (const broken of [text.replace('"a","a"', '"a",,"a"'), text.replace('"a"]', '"a",]'), text.replace('["a"', '[,"a"'), text.replace('"a","a"', '"a" "a"'), text.replace('"a","a"', '"a",{"a"'), text.replace('"a"]', '"a"}]'), text.slice(0, -1)]) {
      const bytes = Buffer.from(broken);
      const bounded = boundInPieces(bytes, Array.from({ length: bytes.length }, (_, k) => k));
      expect(() => JSON.parse(bounded.text)).toThrow();
    }
  });

  it('keeps an entry too long to hold, streaming it through', () => {
    const long = { name: 'x'.repeat(200_000), versions: ['1'] };
    const agents = [...Array.from({ length: AGENT_LIST_KEPT + 3 }, (_, k) => ({ name: `n${k}`, versions: ['1'] })), long, { name: 'after', versions: ['1'] }];
    const bytes = Buffer.from(JSON.stringify(welcomeFrame({ agents: agents as never[] })));
    const bounded = boundInPieces(bytes, [bytes.length - 150_000, bytes.length - 100_000]);
    expect(agentsOf(JSON.parse(bounded.text))).toEqual([...agents.slice(0, AGENT_LIST_KEPT), long]);
    expect(bounded.elided).toBe(4);
  });
});
