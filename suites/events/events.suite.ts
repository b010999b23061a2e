// Event kinds and bodies (v1.1 §8.1-8.2, §8.2.1, §6.2; v1.0 §8.1-8.2): every defined kind
// arrives with its required fields and the body the agent emitted, vendor kinds change
// nothing, progress bodies are well formed and only sent when negotiated.
import { isDeepStrictEqual } from 'node:util';
import { describe } from 'vitest';
import { type AgentScript, type EmitStep, emitBody } from '../../spec/agent-script.ts';
import { EVENT_BODIES, type EventKind } from '../../spec/events.ts';
import { TIMESTAMP_PATTERN } from '../../spec/primitives.ts';
import { type WireFrame, isWireFrame, payloadOf } from '../harness/frames.ts';
import type { Session } from '../harness/session.ts';
import {
  brief,
  evidenceAround,
  requireAgent,
  requireFeatures,
  runToTerminal,
  submit,
  waitForTerminal,
  withAgentSession,
  withSessions,
  witnessFrames,
} from '../support/index.ts';
import { type ConformanceContext, conformanceTest } from '../verdicts/conformance-test.ts';
import { checkTranscript, markerChecker } from '../checkers/index.ts';
import { branchViews, markerOf } from './branch-markers.ts';
import { judgeHistoryGate } from './feature-gate.ts';

/** One emit step per defined kind the agent can emit, with bodies that differ from the defaults. */
const KIND_STEPS: readonly EmitStep[] = [
  { op: 'emit', kind: 'log', body: { level: 'warn', message: 'conformance log' } },
  { op: 'emit', kind: 'thought', body: { text: 'conformance thought' } },
  { op: 'emit', kind: 'status', body: { phase: 'conformance-phase', message: 'status message' } },
  { op: 'emit', kind: 'metric', body: { name: 'conformance.latency', value: 12.5, unit: 'ms', dimensions: { region: 'test' } } },
  { op: 'emit', kind: 'artifact_ref', body: { uri: 'arcp://conformance/a/1', content_type: 'application/json', byte_size: 42, sha256: 'ab'.repeat(32) } },
];

/** Problems with a body against its kind's required fields: the frame's ajv verdict, then the zod schema. */
function bodyProblems(session: Session, frame: WireFrame): string[] {
  const problems: string[] = [];
  const verdict = session.transcript.entryOf(frame)?.verdict;
  if (verdict !== undefined && !verdict.valid) problems.push(...verdict.errors.filter((e) => e.startsWith('payload')));
  const p = payloadOf(frame);
  const schema = typeof p.kind === 'string' ? EVENT_BODIES[p.kind as EventKind] : undefined;
  if (schema !== undefined) {
    const parsed = schema.safeParse(p.body);
    if (!parsed.success) problems.push(...parsed.error.issues.map((i) => `payload.body.${i.path.map(String).join('.')}: ${i.message}`));
  }
  return [...new Set(problems)];
}

/** Whether `actual` carries every field of `expected` with an equal value (extra fields allowed). */
function carries(actual: unknown, expected: Readonly<Record<string, unknown>>): boolean {
  return isWireFrame(actual) && Object.entries(expected).every(([k, v]) => isDeepStrictEqual(actual[k], v));
}

function isProgress(frame: WireFrame): boolean {
  return frame.type === 'job.event' && payloadOf(frame).kind === 'progress';
}

function events(frames: readonly WireFrame[]): WireFrame[] {
  return frames.filter((f) => f.type === 'job.event');
}

describe('events: kinds and bodies', () => {
  conformanceTest(
    'events of every defined kind arrive once each, with the emitted kind and body and their required fields',
    { requirements: ['EVT-001', 'EVT-002', 'EVT-003', 'EVT-004', 'SEQ-003'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s) => {
        // Markers 0-4 of branch 0 are the emits; 5-8 two tool calls, one allowed, one denied.
        const script: AgentScript = {
          steps: [...KIND_STEPS, { op: 'tool', tool: 'search' }, { op: 'tool', tool: 'forbidden-tool' }, { op: 'finish' }],
        };
        const run = await runToTerminal(s, t, 'EVT-003', script, { payload: { lease_request: { 'tool.call': ['search'] } } });
        const received = events(run.frames);

        for (const frame of received) {
          const p = payloadOf(frame);
          t.must('EVT-001', typeof p.kind === 'string' && p.kind !== '' && isWireFrame(p.body), () => ({
            expected: 'job.event payload {kind: <string>, body: <object>}',
            actual: JSON.stringify(frame.payload),
            ...evidenceAround(s, frame),
          }));
          t.should('EVT-002', typeof p.ts === 'string' && TIMESTAMP_PATTERN.test(p.ts), () => ({
            expected: 'job.event payload.ts, an ISO 8601 timestamp',
            actual: `ts ${JSON.stringify(p.ts)} on ${brief(frame)}`,
            ...evidenceAround(s, frame),
          }));
          const problems = bodyProblems(s, frame);
          t.must('EVT-004', problems.length === 0, () => ({
            expected: `a ${String(p.kind)} body with its kind's required fields (v1.1 §8.2)`,
            actual: `${problems.join('; ')} in ${JSON.stringify(p.body)}`,
            ...evidenceAround(s, frame),
          }));
        }

        const branch = branchViews(received, run.jobId).get('0');
        const byMarker = (i: number) => (branch?.frames ?? []).filter((f) => markerOf(f)?.i === i);
        KIND_STEPS.forEach((step, i) => {
          const got = byMarker(i);
          const want = emitBody(step, 0, { branch: '0', i });
          t.must('EVT-003', got.length === 1 && payloadOf(got[0] as WireFrame).kind === step.kind && carries(payloadOf(got[0] as WireFrame).body, want), () => ({
            expected: `exactly one ${step.kind} event with body ${JSON.stringify(want)}`,
            actual: got.length === 0 ? 'none' : got.map((f) => `${brief(f)} body ${JSON.stringify(payloadOf(f).body)}`).join('; '),
            ...evidenceAround(s, ...(got.length > 0 ? got : [run.terminal])),
          }));
        });
        // Tool events: call and result pair up by call_id; the denied call's result is an error.
        for (const [callAt, expectError] of [[5, false], [7, true]] as const) {
          const [call] = byMarker(callAt);
          const [result] = byMarker(callAt + 1);
          const callBody = call ? payloadOf(call).body : undefined;
          const resultBody = result ? payloadOf(result).body : undefined;
          const paired =
            call !== undefined &&
            result !== undefined &&
            payloadOf(call).kind === 'tool_call' &&
            payloadOf(result).kind === 'tool_result' &&
            isWireFrame(callBody) &&
            isWireFrame(resultBody) &&
            typeof callBody.call_id === 'string' &&
            callBody.call_id === resultBody.call_id &&
            (expectError ? isWireFrame(resultBody.error) : resultBody.error === undefined);
          t.must('EVT-003', paired, () => ({
            expected: `tool_call (marker ${callAt}) and its tool_result (marker ${callAt + 1}) with the same call_id${expectError ? ', the result an error' : ''}`,
            actual: `${call ? JSON.stringify(callBody) : 'no tool_call'}; ${result ? JSON.stringify(resultBody) : 'no tool_result'}`,
            ...evidenceAround(s, ...[call, result].filter((f): f is WireFrame => f !== undefined), run.terminal),
          }));
        }
        // Production order (v1.0 §8.3): each call before its result, allowed or denied alike.
        const [reordered] = checkTranscript(s.transcript.entries, [markerChecker], { complete: true }).filter((v) => v.requirement === 'SEQ-003');
        t.must('SEQ-003', reordered === undefined, () => ({
          expected: 'the events of the job in production order (markers 0, 1, 2, ...), each tool_call before its tool_result',
          actual: reordered?.message ?? '',
          ...evidenceAround(s, ...witnessFrames(s, reordered)),
        }));
      }),
  );

  conformanceTest(
    'an event of an unknown x- vendor kind neither errors the session nor ends the job',
    { requirements: ['EVT-005'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s) => {
        const script: AgentScript = {
          steps: [
            { op: 'emit', kind: 'x-conformance.probe', body: { note: 'vendor kind' } },
            { op: 'emit', kind: 'log' },
            { op: 'emit', kind: 'x-conformance.other', count: 3 },
            { op: 'emit', kind: 'thought' },
            { op: 'finish' },
          ],
        };
        const run = await runToTerminal(s, t, 'EVT-005', script);
        const errors = s.connection.framesSince(run.mark).filter((f) => f.type === 'session.error');
        t.must('EVT-005', errors.length === 0, () => ({
          expected: 'no session.error while the job emits vendor-kind events',
          actual: errors.map(brief).join('; '),
          ...evidenceAround(s, ...errors),
        }));
        const thought = events(run.frames).find((f) => payloadOf(f).kind === 'thought');
        t.must('EVT-005', run.terminal.type === 'job.result' && thought !== undefined, () => ({
          expected: 'the job running past its vendor-kind events (the thought after them) to job.result success',
          actual: `${thought === undefined ? 'no thought event; ' : ''}terminal ${brief(run.terminal)}`,
          ...evidenceAround(s, run.terminal),
        }));
      }),
  );

  conformanceTest(
    'progress events carry a non-negative current, a numeric total, and current not above total',
    { requirements: ['EVT-006', 'EVT-007'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s) => {
        requireFeatures(t, s, 'progress');
        const script: AgentScript = {
          steps: [
            { op: 'emit', kind: 'progress', count: 4 },
            { op: 'emit', kind: 'progress', body: { current: 7.5, total: 10, units: 'files', message: 'halfway and more' } },
            { op: 'finish' },
          ],
        };
        const run = await runToTerminal(s, t, 'EVT-006', script);
        const progress = events(run.frames).filter((f) => payloadOf(f).kind === 'progress');
        t.must('EVT-006', progress.length === 5, () => ({
          expected: 'the 5 progress events the script emits',
          actual: `${progress.length}`,
          ...evidenceAround(s, run.terminal),
        }));
        for (const frame of progress) {
          const body = payloadOf(frame).body;
          const current = isWireFrame(body) ? body.current : undefined;
          const total = isWireFrame(body) ? body.total : undefined;
          t.must('EVT-006', typeof current === 'number' && current >= 0 && (total === undefined || typeof total === 'number'), () => ({
            expected: 'progress body {current: <number ≥ 0>, total?: <number>}',
            actual: JSON.stringify(body),
            ...evidenceAround(s, frame),
          }));
          t.should('EVT-007', total === undefined || current <= total, () => ({
            expected: 'progress current ≤ total',
            actual: JSON.stringify(body),
            ...evidenceAround(s, frame),
          }));
        }
      }),
  );

  conformanceTest(
    'without the progress feature the server sends no progress events',
    { requirements: ['EVT-008'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const features = t.target.profile.features.filter((f) => f !== 'progress');
        const s = await sessions.open({ features });
        requireAgent(t, s);
        const mark = s.mark();
        // The runtime SHOULD reject this script (spec/conformance-agent.md); if it runs it,
        // its progress events must not reach this session.
        const outcome = await submit(s, t, { steps: [{ op: 'emit', kind: 'progress', count: 3 }, { op: 'emit', kind: 'log' }, { op: 'finish' }] });
        if (outcome.accepted) await waitForTerminal(s, outcome.jobId, t.target.timeoutMs, mark);
        const progress = s.connection.framesSince(mark).filter(isProgress);
        t.must('EVT-008', progress.length === 0, () => ({
          expected: 'no progress event on a session that did not negotiate progress',
          actual: progress.map(brief).join('; '),
          ...evidenceAround(s, ...progress),
        }));
      }),
  );

  conformanceTest(
    'a subscriber without the progress feature gets no progress events in its history replay',
    { requirements: ['EVT-008'] },
    (t: ConformanceContext) =>
      judgeHistoryGate(t, {
        id: 'EVT-008',
        feature: 'progress',
        gated: [{ op: 'emit', kind: 'progress', count: 3 }],
        gatedEvents: 3,
        isGated: isProgress,
        what: 'progress events',
      }),
  );
});
