import { describe, expect, it } from 'vitest';
import {
  AgentScript,
  SCRIPT_LIMITS,
  chunkByteLength,
  chunkData,
  emitBody,
  parseAgentScript,
  requiredFeatures,
  summarizeExpectedMarkers,
  type AgentScript as Script,
} from './agent-script.ts';
import { EVENT_BODIES } from './events.ts';

function problemsOf(input: unknown): string[] {
  const parsed = parseAgentScript(input);
  return parsed.ok ? [] : parsed.problems;
}

describe('AgentScript schema', () => {
  it('accepts every step kind', () => {
    const script = {
      steps: [
        { op: 'emit', kind: 'log', count: 3 },
        { op: 'emit', kind: 'x-acme.trace', body: { a: 1 } },
        { op: 'sleep', ms: 10 },
        { op: 'cost', amount: 0.5, currency: 'USD', name: 'search' },
        { op: 'tool', tool: 'read', capability: 'fs.read', target: '/w/a.txt', model: 'tier-fast/x' },
        { op: 'parallel', branches: [[{ op: 'emit', kind: 'thought' }], [{ op: 'emit', kind: 'progress', count: 2 }]] },
        { op: 'wait_cancel', max_ms: 100 },
        { op: 'chunks', parts: { count: 2, size: 4 }, encoding: 'base64' },
        { op: 'delegate', agent: 'conformance', input: { steps: [{ op: 'emit', kind: 'log' }] }, lease_request: { 'tool.call': ['search'], 'cost.budget': ['USD:1.00'] }, lease_constraints: { expires_at: '2030-01-01T00:00:00Z' } },
        { op: 'rotate_credential' },
        { op: 'finish', summary: 'done' },
      ],
      on_cancel: { linger_ms: 50 },
    };
    expect(problemsOf(script)).toEqual([]);
    expect(AgentScript.parse(script)).toEqual(script);
  });

  it('accepts an empty script (it finishes with success)', () => {
    expect(problemsOf({ steps: [] })).toEqual([]);
    expect(summarizeExpectedMarkers({ steps: [] }).outcome).toEqual({ final_status: 'success', chunked: false });
  });

  it.each([
    ['unknown op', { steps: [{ op: 'explode' }] }],
    ['unknown field (typo)', { steps: [{ op: 'sleep', ms: 1, extra: true }] }],
    ['unknown kind', { steps: [{ op: 'emit', kind: 'tool_call' }] }],
    ['zero count', { steps: [{ op: 'emit', kind: 'log', count: 0 }] }],
    ['negative sleep', { steps: [{ op: 'sleep', ms: -1 }] }],
    ['fractional sleep', { steps: [{ op: 'sleep', ms: 1.5 }] }],
    ['overlong sleep', { steps: [{ op: 'sleep', ms: SCRIPT_LIMITS.maxDurationMs + 1 }] }],
    ['no branches', { steps: [{ op: 'parallel', branches: [] }] }],
    ['body not fitting the kind', { steps: [{ op: 'emit', kind: 'log', body: { level: 3 } }] }],
    ['negative progress', { steps: [{ op: 'emit', kind: 'progress', body: { current: -1 } }] }],
    ['cost metric through emit', { steps: [{ op: 'emit', kind: 'metric', body: { name: 'cost.x' } }] }],
    ['runtime code in fail', { steps: [{ op: 'fail', code: 'CANCELLED', message: 'x' }] }],
    ['retryable BUDGET_EXHAUSTED', { steps: [{ op: 'fail', code: 'BUDGET_EXHAUSTED', message: 'x', retryable: true }] }],
    ['tool on cost.budget', { steps: [{ op: 'tool', tool: 't', capability: 'cost.budget' }] }],
    ['two chunks steps', { steps: [{ op: 'chunks', parts: ['a'] }, { op: 'chunks', parts: ['b'] }] }],
    ['chunks and inline result', { steps: [{ op: 'chunks', parts: ['a'] }, { op: 'finish', result: 1 }] }],
    ['bad base64 part', { steps: [{ op: 'chunks', parts: ['not base64!'], encoding: 'base64' }] }],
    ['delegate with an invalid child script', { steps: [{ op: 'delegate', agent: 'conformance', input: { steps: [{ op: 'explode' }] }, lease_request: {} }] }],
    ['delegate budget not an amount', { steps: [{ op: 'delegate', agent: 'conformance', input: { steps: [] }, lease_request: { 'cost.budget': ['lots'] } }] }],
    ['delegate expires_at not a timestamp', { steps: [{ op: 'delegate', agent: 'conformance', input: { steps: [] }, lease_request: {}, lease_constraints: { expires_at: 'tomorrow' } }] }],
    ['rotate_credential with a field', { steps: [{ op: 'rotate_credential', id: 'cred_1' }] }],
    ['steps not an array', { steps: 'emit' }],
    ['not an object', 42],
  ])('rejects %s', (_name, input) => {
    expect(problemsOf(input).length).toBeGreaterThan(0);
  });

  it('rejects scripts whose total work exceeds the limits', () => {
    const many = { op: 'emit', kind: 'log', count: SCRIPT_LIMITS.maxCount };
    expect(problemsOf({ steps: [many, many] }).join()).toMatch(/events/);
    const sleep = { op: 'sleep', ms: SCRIPT_LIMITS.maxDurationMs };
    expect(problemsOf({ steps: [sleep, sleep] }).join()).toMatch(/duration/);
    // Parallel sleeps take the max, not the sum.
    expect(problemsOf({ steps: [{ op: 'parallel', branches: [[sleep], [sleep]] }] })).toEqual([]);
  });

  it('rejects nesting deeper than the limit', () => {
    let steps: unknown[] = [{ op: 'emit', kind: 'log' }];
    for (let d = 0; d <= SCRIPT_LIMITS.maxDepth; d++) steps = [{ op: 'parallel', branches: [steps] }];
    expect(problemsOf({ steps }).join()).toMatch(/nest/);
  });

  it('counts a delegated child script against the parent\'s step and nesting limits', () => {
    const delegate = (steps: unknown[]) => ({ op: 'delegate', agent: 'conformance', input: { steps }, lease_request: {} });
    let steps: unknown[] = [{ op: 'emit', kind: 'log' }];
    for (let d = 0; d <= SCRIPT_LIMITS.maxDepth; d++) steps = [delegate(steps)];
    expect(problemsOf({ steps }).join()).toMatch(/nest/);
    const half = Array.from({ length: SCRIPT_LIMITS.maxSteps / 2 }, () => ({ op: 'sleep', ms: 0 }));
    expect(problemsOf({ steps: [delegate(half), ...half] }).join()).toMatch(/steps/);
  });
});

describe('event bodies', () => {
  it('merge the script body over the default and always carry the marker', () => {
    const body = emitBody({ op: 'emit', kind: 'log', body: { message: 'hi', marker: 'forged' } }, 0, { branch: '0.1', i: 7 });
    expect(body).toEqual({ level: 'info', message: 'hi', marker: { branch: '0.1', i: 7 } });
  });

  it.each(['log', 'thought', 'status', 'metric', 'progress', 'artifact_ref'] as const)('default %s body fits its schema', (kind) => {
    expect(EVENT_BODIES[kind].safeParse(emitBody({ op: 'emit', kind, count: 5 }, 4, { branch: '0', i: 0 })).success).toBe(true);
  });

  it('generates chunk data of the requested size', () => {
    expect(chunkData(1, 3, 'utf8')).toBe('bbb');
    expect(chunkByteLength(chunkData(300, 5, 'base64'), 'base64')).toBe(5);
    expect(Buffer.from(chunkData(300, 2, 'base64'), 'base64')).toEqual(Buffer.from([44, 44]));
  });
});

describe('summarizeExpectedMarkers', () => {
  it('counts marked events per branch, numbering child branches across parallel steps', () => {
    const script: Script = {
      steps: [
        { op: 'emit', kind: 'log', count: 2 },
        { op: 'parallel', branches: [[{ op: 'tool', tool: 't' }], [{ op: 'cost', amount: 1, currency: 'USD' }]] },
        { op: 'parallel', branches: [[{ op: 'parallel', branches: [[{ op: 'emit', kind: 'log', count: 4 }]] }]] },
        { op: 'chunks', parts: { count: 3, size: 1 } },
        { op: 'sleep', ms: 1 },
      ],
    };
    expect(summarizeExpectedMarkers(script)).toEqual({
      branches: { '0': 5, '0.0': 2, '0.1': 1, '0.2': 0, '0.2.0': 4 },
      total: 12,
      exact: true,
      outcome: { final_status: 'success', chunked: true },
    });
  });

  it('stops counting at the first top-level finish or fail', () => {
    const script: Script = {
      steps: [{ op: 'emit', kind: 'log' }, { op: 'fail', code: 'X_AGENT', message: 'm' }, { op: 'emit', kind: 'log', count: 9 }],
    };
    expect(summarizeExpectedMarkers(script)).toMatchObject({
      branches: { '0': 1 },
      exact: true,
      outcome: { final_status: 'error', code: 'X_AGENT', retryable: false },
    });
  });

  it('reports upper bounds and no outcome when branches race to finish', () => {
    const script: Script = {
      steps: [{ op: 'parallel', branches: [[{ op: 'finish' }], [{ op: 'emit', kind: 'log', count: 10 }]] }],
    };
    const summary = summarizeExpectedMarkers(script);
    expect(summary.exact).toBe(false);
    expect(summary.outcome).toBeUndefined();
    expect(summary.branches['0.1']).toBe(10);
  });

  it('counts the delegate event as the step\'s one marked event, and nothing for a rotation', () => {
    const script: Script = {
      steps: [
        { op: 'delegate', agent: 'conformance', input: { steps: [{ op: 'emit', kind: 'log', count: 5 }] }, lease_request: {} },
        { op: 'rotate_credential' },
        { op: 'emit', kind: 'log' },
      ],
    };
    expect(summarizeExpectedMarkers(script).branches).toEqual({ '0': 2 });
  });

  it('lists the features a script needs, a delegated child\'s included', () => {
    expect(requiredFeatures({ steps: [{ op: 'delegate', agent: 'conformance', input: { steps: [{ op: 'emit', kind: 'progress' }] }, lease_request: {} }] })).toEqual(['progress']);
  });

  it('lists the features a script needs', () => {
    expect(requiredFeatures({ steps: [{ op: 'emit', kind: 'log' }] })).toEqual([]);
    expect(
      requiredFeatures({
        steps: [{ op: 'parallel', branches: [[{ op: 'emit', kind: 'progress' }], [{ op: 'chunks', parts: ['a'] }]] }],
      }).sort(),
    ).toEqual(['progress', 'result_chunk']);
  });
});
