// What a suite test does, end to end, through the kit's real machinery: open a session
// (suites/support), submit a conformance-agent job, wait for its terminal, then judge every
// received frame's shape and the whole history with every checker (streamed through the
// monitor as frames arrive). Against a misbehaving server the first thing that went wrong
// becomes a FAIL naming its requirement, with what the server did in the message.
import { ALL_CHECKERS } from '../checkers/index.ts';
import type { HistoryMonitor } from '../checkers/monitor.ts';
import { assertServerStop } from '../harness/errors.ts';
import type { Session } from '../harness/session.ts';
import type { Transcript } from '../harness/transcript.ts';
import type { ConnectionEntry, FrameEntry } from '../harness/transcript-types.ts';
import { openSession, requireAgent, submitAccepted, waitForTerminal } from '../support/index.ts';
import type { ConformanceContext } from '../verdicts/conformance-test.ts';
import { monitoredTranscript, type MonitoredTranscriptOptions } from './kit-pipeline.ts';
import { SCRIPT_EVENTS } from './misbehaviour.ts';

/** The ids the probe judges: its three steps, frame shape, and every checker's. */
export const PROBE_REQUIREMENTS: readonly string[] = [
  ...new Set(['HELLO-001', 'JOB-001', 'LIFE-001', 'ENV-003', ...ALL_CHECKERS.flatMap((c) => c.requirements)]),
];

const SCRIPT = { steps: [{ op: 'emit', kind: 'log', count: SCRIPT_EVENTS }] };

/** A message that is not one JSON object in a text frame (ENV-003), if any arrived. */
function firstMalformed(transcript: Transcript): FrameEntry | undefined {
  return transcript.frames({ dir: 'in' }).find((e) => e.frame === undefined || typeof e.frame !== 'object' || e.frame === null || Array.isArray(e.frame));
}

function describeMalformed(entry: FrameEntry): string {
  const why = entry.verdict.valid ? 'not a JSON object' : (entry.verdict.errors[0] ?? 'invalid');
  return `${entry.conn} received a ${entry.bytes.toLocaleString('en-US')}-byte message: ${why}`;
}

/** How the socket ended, from the transcript: `code 1006, error read ECONNRESET`. */
function socketEnd(transcript: Transcript): string {
  const closed = transcript.entries.filter((e): e is ConnectionEntry => e.kind === 'conn' && e.event === 'closed').at(-1);
  if (closed === undefined) return '';
  return ` (the socket closed: code ${closed.code ?? '?'}${closed.reason ? `, reason ${closed.reason}` : ''}${closed.error ? `, error ${closed.error}` : ''})`;
}

function judgeFrames(t: ConformanceContext, transcript: Transcript): void {
  const bad = firstMalformed(transcript);
  t.must('ENV-003', bad === undefined, () => ({
    expected: 'every server message one JSON object in a WebSocket text frame',
    actual: describeMalformed(bad as FrameEntry),
    transcript: transcript.window([(bad as FrameEntry).index]),
  }));
}

function judgeHistory(t: ConformanceContext, monitor: HistoryMonitor, transcript: Transcript, complete: boolean): void {
  const violations = monitor.finish({ complete });
  const first = violations[0];
  if (first !== undefined) {
    t.must(first.requirement, false, {
      expected: 'a history in which every checked requirement holds',
      actual: first.message,
      transcript: transcript.window([...first.witnesses]),
    });
  }
}

export interface ProbeOptions extends MonitoredTranscriptOptions {
  /** Called with the transcript once it exists (e.g. to sample its size). */
  readonly onTranscript?: (transcript: Transcript) => void;
}

/** The probe's body for conformanceTest (or judgeRun): declare PROBE_REQUIREMENTS. */
export async function probeBody(t: ConformanceContext, options: ProbeOptions = {}): Promise<void> {
  const { transcript, monitor } = monitoredTranscript(options);
  options.onTranscript?.(transcript);
  // A wait that failed: judge what did arrive first (its cause may be there), then the step.
  const step = async <T>(id: string, expected: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      assertServerStop(error);
      judgeFrames(t, transcript);
      judgeHistory(t, monitor, transcript, false);
      t.must(id, false, { expected, actual: `${error.message}${socketEnd(transcript)}`, transcript: transcript.entries.slice(-8) });
      throw error; // unreachable: must(false) throws
    }
  };
  let session: Session | undefined;
  try {
    session = await step('HELLO-001', 'session.welcome answering session.hello', () => openSession(t, { transcript, label: 'hostile-probe' }));
    t.must('HELLO-001', true, { expected: '', actual: '' });
    requireAgent(t, session);
    const opened = session;
    const mark = opened.mark();
    const { jobId } = await step('JOB-001', 'job.accepted answering job.submit', () => submitAccepted(opened, t, 'JOB-001', SCRIPT));
    await step('LIFE-001', `the terminal of job ${jobId}`, () => waitForTerminal(opened, jobId, t.target.timeoutMs, mark));
    t.must('LIFE-001', true, { expected: '', actual: '' });
    judgeFrames(t, transcript);
    judgeHistory(t, monitor, transcript, true);
    // Nothing failed: every checker's requirement held over the whole history.
    for (const id of PROBE_REQUIREMENTS) t.must(id, true, { expected: '', actual: '' });
  } finally {
    await session?.connection.closeSocket(1000, '', 500);
  }
}
