// Result streaming (v1.1 §8.4, §6.2): chunks of one result_id in chunk_seq order 0, 1, ...,
// only the last with more=false, a job.result naming the result_id with no inline result,
// and the decoded concatenation equal to what the agent streamed.
import { describe } from 'vitest';
import { type AgentScript, chunkData } from '../../spec/agent-script.ts';
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
} from '../support/index.ts';
import { type ConformanceContext, conformanceTest } from '../verdicts/conformance-test.ts';
import { judgeHistoryGate } from './feature-gate.ts';

interface Chunk {
  readonly frame: WireFrame;
  readonly body: Readonly<Record<string, unknown>>;
}

function chunksOf(frames: readonly WireFrame[]): Chunk[] {
  return frames
    .filter((f) => f.type === 'job.event' && payloadOf(f).kind === 'result_chunk')
    .map((frame) => {
      const body = payloadOf(frame).body;
      return { frame, body: isWireFrame(body) ? body : {} };
    });
}

function decode(chunk: Chunk): Buffer {
  const data = String(chunk.body.data);
  return chunk.body.encoding === 'base64' ? Buffer.from(data, 'base64') : Buffer.from(data, 'utf8');
}

/** Runs a chunked result and judges CHUNK-001..005 against the bytes the script streams. */
async function judgeStream(t: ConformanceContext, s: Session, script: AgentScript, expected: Buffer, encoding: 'utf8' | 'base64'): Promise<void> {
  const run = await runToTerminal(s, t, 'CHUNK-001', script);
  const chunks = chunksOf(run.frames);
  t.must('CHUNK-001', chunks.length > 0, () => ({
    expected: 'result_chunk events for the streamed result',
    actual: `none before ${brief(run.terminal)}`,
    ...evidenceAround(s, run.terminal),
  }));
  for (const c of chunks) {
    const b = c.body;
    const verdict = s.transcript.entryOf(c.frame)?.verdict;
    const schemaErrors = verdict !== undefined && !verdict.valid ? verdict.errors.filter((e) => e.startsWith('payload')) : [];
    const ok =
      typeof b.result_id === 'string' &&
      b.result_id !== '' &&
      Number.isSafeInteger(b.chunk_seq) &&
      typeof b.data === 'string' &&
      b.encoding === encoding &&
      typeof b.more === 'boolean' &&
      schemaErrors.length === 0;
    t.must('CHUNK-001', ok, () => ({
      expected: `result_chunk body {result_id: <string>, chunk_seq: <integer>, data: <string>, encoding: "${encoding}", more: <boolean>}`,
      actual: `${JSON.stringify({ ...b, data: typeof b.data === 'string' ? `<${b.data.length} chars>` : b.data })}${schemaErrors.length > 0 ? `; schema: ${schemaErrors.join('; ')}` : ''}`,
      ...evidenceAround(s, c.frame),
    }));
  }
  const resultId = chunks[0]?.body.result_id;
  const seqs = chunks.map((c) => c.body.chunk_seq);
  t.must('CHUNK-002', chunks.every((c) => c.body.result_id === resultId) && seqs.every((q, k) => q === k), () => ({
    expected: `chunks of result ${String(resultId)} with chunk_seq 0, 1, 2, ... in order`,
    actual: `chunk_seq [${seqs.join(', ')}], result_ids [${[...new Set(chunks.map((c) => String(c.body.result_id)))].join(', ')}]`,
    ...evidenceAround(s, ...chunks.slice(0, 6).map((c) => c.frame)),
  }));
  const mores = chunks.map((c) => c.body.more);
  t.must('CHUNK-003', mores.every((m, k) => m === (k < chunks.length - 1)), () => ({
    expected: 'more: true on every chunk but the last, false on the last, no chunk after it',
    actual: `more [${mores.join(', ')}]`,
    ...evidenceAround(s, ...chunks.slice(-3).map((c) => c.frame)),
  }));
  const result = payloadOf(run.terminal);
  t.must('CHUNK-004', run.terminal.type === 'job.result' && result.result_id === resultId && result.result === undefined, () => ({
    expected: `job.result carrying result_id ${JSON.stringify(resultId)} and no inline result`,
    actual: `${brief(run.terminal)} result_id ${JSON.stringify(result.result_id)}${result.result === undefined ? '' : `, result ${JSON.stringify(result.result).slice(0, 80)}`}`,
    ...evidenceAround(s, run.terminal),
  }));
  const assembled = Buffer.concat(chunks.map(decode));
  t.must('CHUNK-005', assembled.equals(expected), () => ({
    expected: `${expected.length} bytes, starting ${JSON.stringify(expected.subarray(0, 24).toString(encoding === 'utf8' ? 'utf8' : 'hex'))}`,
    actual: `${assembled.length} bytes, starting ${JSON.stringify(assembled.subarray(0, 24).toString(encoding === 'utf8' ? 'utf8' : 'hex'))}`,
    ...evidenceAround(s, ...chunks.slice(0, 3).map((c) => c.frame), run.terminal),
  }));
}

describe('events: result streaming', () => {
  conformanceTest(
    'a utf8 result streamed as chunks arrives in order, ends with more=false, and job.result names its result_id',
    { requirements: ['CHUNK-001', 'CHUNK-002', 'CHUNK-003', 'CHUNK-004', 'CHUNK-005'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s) => {
        requireFeatures(t, s, 'result_chunk');
        // Multi-byte characters: reassembly must work on the decoded text, not on lengths.
        // The last part ends in a newline: the assembled result keeps it (CHUNK-005).
        const parts = ['Grüße, ', 'naïve ', 'café — ', '日本語 ', 'done\n'];
        const script: AgentScript = { steps: [{ op: 'emit', kind: 'log' }, { op: 'chunks', parts }, { op: 'finish', summary: 'streamed' }] };
        await judgeStream(t, s, script, Buffer.from(parts.join(''), 'utf8'), 'utf8');
      }),
  );

  conformanceTest(
    'a binary result streamed as base64 chunks reassembles to exactly the streamed bytes',
    { requirements: ['CHUNK-001', 'CHUNK-002', 'CHUNK-003', 'CHUNK-004', 'CHUNK-005'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s) => {
        requireFeatures(t, s, 'result_chunk');
        const count = 12;
        const size = 1000;
        const expected = Buffer.concat(Array.from({ length: count }, (_, k) => Buffer.from(chunkData(k, size, 'base64'), 'base64')));
        await judgeStream(t, s, { steps: [{ op: 'chunks', parts: { count, size }, encoding: 'base64' }] }, expected, 'base64');
      }),
  );

  conformanceTest(
    'a streamed result larger than a typical size cap arrives whole, or the job ends with INTERNAL_ERROR: never silently truncated',
    { requirements: ['SEC-007'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s) => {
        requireFeatures(t, s, 'result_chunk');
        // 48 chunks of 32 000 bytes: 1.5 MB, past the 1 MB the drafts give as an example cap (v1.1 §14).
        const count = 48;
        const size = 32_000;
        const run = await runToTerminal(s, t, 'SEC-007', { steps: [{ op: 'chunks', parts: { count, size } }] });
        const received = Buffer.concat(chunksOf(run.frames).map(decode)).length;
        const end = payloadOf(run.terminal);
        const whole = run.terminal.type === 'job.result' ? received === count * size : end.code === 'INTERNAL_ERROR';
        t.must('SEC-007', whole, () => ({
          expected: `all ${count * size} streamed bytes before job.result, or job.error INTERNAL_ERROR if a limit was exceeded`,
          actual: `${received} bytes in result_chunks, then ${brief(run.terminal)}`,
          ...evidenceAround(s, run.terminal),
        }));
      }),
  );

  conformanceTest(
    'without the result_chunk feature the server sends no result_chunk events',
    { requirements: ['CHUNK-006'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const offered = t.target.profile.features.filter((f) => f !== 'result_chunk');
        const s = await sessions.open({ features: offered });
        requireAgent(t, s);
        const mark = s.mark();
        // The runtime should reject this script; if it runs it, no chunk may reach this session.
        const outcome = await submit(s, t, { steps: [{ op: 'chunks', parts: ['a', 'b', 'c'] }] });
        if (outcome.accepted) await waitForTerminal(s, outcome.jobId, t.target.timeoutMs, mark);
        const chunks = chunksOf(s.connection.framesSince(mark));
        t.must('CHUNK-006', chunks.length === 0, () => ({
          expected: 'no result_chunk event on a session that did not negotiate result_chunk',
          actual: chunks.map((c) => brief(c.frame)).join('; '),
          ...evidenceAround(s, ...chunks.map((c) => c.frame)),
        }));
      }),
  );

  conformanceTest(
    'a subscriber without the result_chunk feature gets no result_chunk events in its history replay',
    { requirements: ['CHUNK-006'] },
    (t: ConformanceContext) =>
      judgeHistoryGate(t, {
        id: 'CHUNK-006',
        feature: 'result_chunk',
        gated: [{ op: 'chunks', parts: ['a', 'b', 'c'] }],
        gatedEvents: 3,
        isGated: (f) => chunksOf([f]).length > 0,
        what: 'result_chunk events',
      }),
  );
});
