// Builds records from synthetic test results for the reporters' tests: every verdict,
// a baseline, evidence with witnesses, and hostile text in the places a server controls.
import type { Requirement } from '../../spec/requirement-types.ts';
import type { Baseline } from '../baseline.ts';
import {
  buildRecord,
  type Catalogue,
  type CollectedProblem,
  type CollectedTest,
  type ConformanceRecord,
  type MergedShards,
  type RunSettings,
} from '../record.ts';
import { HOSTILE_TEXT, SAMPLE_TRANSCRIPT, SAMPLE_WITNESSES } from './sample-transcript.ts';

function req(id: string, level: Requirement['level'] = 'MUST'): Requirement {
  return {
    id,
    section: '1.1 §0',
    level,
    text: `text of ${id}`,
    quotes: [{ section: '1.1 §0', quote: `The runtime ${level} do what ${id} says.` }],
    features: [],
    observable: true,
    needsAgent: false,
  };
}

export const SAMPLE_CATALOGUE: Catalogue = {
  version: 'test-catalogue',
  requirements: [req('SEQ-001'), req('SEQ-002'), req('CANCEL-001'), req('CANCEL-002'), req('CLOSE-001', 'SHOULD'), req('HB-001'), req('LIFE-001'), req('ENV-001')],
  areas: { ENV: 'Envelope', HB: 'Heartbeats', CLOSE: 'Session close', LIFE: 'Lifecycle', CANCEL: 'Cancellation', SEQ: 'Sequence' },
};

export const DEFAULT_SETTINGS: RunSettings = {
  strict: false,
  allowUntestable: false,
  timeoutMs: 5000,
  maxWaitMs: 15000,
  only: [],
  skip: [],
  onlySuites: [],
  skipSuites: [],
};

export function passed(file: string, title: string, ids: string[]): CollectedTest {
  return {
    file,
    title,
    state: 'passed',
    meta: { requirements: ids, verdict: 'PASS', outcomes: ids.map((id) => ({ id, verdict: 'PASS' as const })) },
    errors: [],
    durationMs: 12,
  };
}

export function failed(file: string, title: string, id: string, detail: string, extra: Partial<CollectedTest['meta'] & object> = {}): CollectedTest {
  return {
    file,
    title,
    state: 'failed',
    meta: { requirements: [id], verdict: 'FAIL', outcomes: [{ id, verdict: 'FAIL', detail }], ...extra },
    errors: [`${id} (MUST, 1.1 §0): text of ${id}\n  expected: x\n  actual: ${detail}`],
    durationMs: 40,
  };
}

/** One test of every kind. */
export function sampleTests(): CollectedTest[] {
  return [
    passed('suites/seq.suite.ts', 'seq is strictly +1 [SEQ-001]', ['SEQ-001']),
    failed('suites/cancel.suite.ts', 'one terminal per job [CANCEL-001]', 'CANCEL-001', `second terminal ${HOSTILE_TEXT}`, {
      evidence: { transcript: SAMPLE_TRANSCRIPT, witnesses: SAMPLE_WITNESSES },
      replay: { seed: 42, path: '3:1', runs: 100, command: 'arcp-conformance replay fixtures/cancel-42.json' },
    }),
    {
      file: 'suites/close.suite.ts',
      title: 'close is answered [CLOSE-001]',
      state: 'passed',
      meta: { requirements: ['CLOSE-001'], verdict: 'WARN', outcomes: [{ id: 'CLOSE-001', verdict: 'WARN', detail: 'no session.closed' }] },
      errors: [],
      durationMs: 5,
    },
    {
      file: 'suites/hb.suite.ts',
      title: 'heartbeat [HB-001]',
      state: 'skipped',
      skipNote: 'N/A: heartbeat was not negotiated',
      meta: { requirements: ['HB-001'], verdict: 'NA', outcomes: [{ id: 'HB-001', verdict: 'NA', detail: 'heartbeat was not negotiated' }] },
      errors: [],
      durationMs: 0,
    },
    {
      file: 'suites/life.suite.ts',
      title: 'needs the agent [LIFE-001]',
      state: 'failed',
      meta: { requirements: ['LIFE-001'], verdict: 'UNTESTABLE', outcomes: [{ id: 'LIFE-001', verdict: 'UNTESTABLE', detail: 'no conformance agent' }] },
      errors: ['UNTESTABLE: no conformance agent (pass --allow-untestable to accept this)'],
      durationMs: 3,
    },
  ];
}

export interface SampleOptions {
  readonly tests?: CollectedTest[];
  readonly problems?: CollectedProblem[];
  readonly settings?: Partial<RunSettings>;
  readonly baseline?: Baseline;
  readonly redact?: (text: string) => string;
  readonly interrupted?: string;
  readonly merged?: MergedShards;
}

export function sampleRecord(options: SampleOptions = {}): ConformanceRecord {
  const settings = { ...DEFAULT_SETTINGS, ...options.settings };
  return buildRecord({
    kit: { name: 'arcp-conformance', version: '0.0.0-test' },
    catalogue: SAMPLE_CATALOGUE,
    startedAt: new Date('2025-01-01T00:00:00Z'),
    finishedAt: new Date('2025-01-01T00:00:02Z'),
    target: { url: 'ws://127.0.0.1:9/arcp', embedded: false, features: ['ack'], agents: ['conformance'], secondPrincipal: true },
    profile: { agent: 'conformance' },
    settings,
    tests: options.tests ?? sampleTests(),
    problems: options.problems ?? [],
    ...(options.baseline ? { baseline: { file: 'baseline.json', baseline: options.baseline } } : {}),
    selected: () => true,
    ...(options.interrupted === undefined ? {} : { interrupted: options.interrupted }),
    ...(options.merged === undefined ? {} : { merged: options.merged }),
    redact: options.redact ?? ((t) => t),
  });
}
