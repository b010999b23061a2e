// Detection power: which property is expected to catch each reference defect, and a run of
// that property against the reference with the defect switched on, stopping at the first
// violated history (no shrinking), in-process. detection.test.ts asserts it; bench/detection.ts
// measures the kit's own runs instead (every defect, default run and --only properties).
import { DEFECT_NAMES, type DefectName } from '../../../reference/defects.ts';
import type { ReferenceOptions } from '../../../reference/options.ts';
import { PROPERTIES } from '../properties.ts';
import { runProperty, type PropertyOutcome } from '../property-runner.ts';
import type { PropertyName } from '../scenario.ts';
import { LEAK_RESUME_WINDOW_SEC, referenceLeakProbe } from './reference-leak-probe.ts';
import { startReferenceTarget } from './reference-target.ts';

export interface DetectionCase {
  readonly defect: DefectName;
  readonly property: PropertyName;
  /**
   * The requirements the defect breaks, directly or as its visible consequence (a replay that
   * skips the terminal leaves the job without one): a detection must name at least one.
   */
  readonly breaks: readonly string[];
  /** The defect leaves no wire symptom: judged by the reference's stats (LEAK-001). */
  readonly probe?: 'reference-leak';
  readonly reference?: ReferenceOptions;
}

export const DETECTION_PLAN: readonly DetectionCase[] = [
  { defect: 'seq-race', property: 'concurrent-emitters', breaks: ['SEQ-002', 'SEQ-003'] },
  // A reused seq also reads as a replay, so the job's terminal seems never to arrive (LIFE-001).
  { defect: 'seq-per-job', property: 'concurrent-emitters', breaks: ['SEQ-002', 'LIFE-001'] },
  { defect: 'event-after-terminal', property: 'concurrent-emitters', breaks: ['LIFE-002'] },
  { defect: 'subscribed-foreign-seq', property: 'concurrent-emitters', breaks: ['SUB-006', 'ENV-004', 'SEQ-002'] },
  { defect: 'credentials-leak', property: 'concurrent-emitters', breaks: ['CRED-004', 'CRED-006'] },
  // The other principal's session lists the submitter's jobs (the listing checker, listPolicy own).
  { defect: 'list-jobs-leak', property: 'concurrent-emitters', breaks: ['LIST-002'] },
  // A branch that ends in an emit, last of its parallel block, loses its final event (the marker checker).
  { defect: 'parallel-tail-lost', property: 'concurrent-emitters', breaks: ['EVT-003'] },
  // job.cancelled repeats the latest seq (the sequence checker follows every frame that carries one).
  { defect: 'cancel-ack-carries-seq', property: 'duplicate-cancels', breaks: ['SEQ-007'] },
  { defect: 'cancel-after-terminal', property: 'duplicate-cancels', breaks: ['CANCEL-004', 'CANCEL-003', 'LIFE-001', 'LIFE-004'] },
  { defect: 'subscriber-can-cancel', property: 'duplicate-cancels', breaks: ['CANCEL-007', 'CANCEL-006'] },
  // The generated cancels hit lingering jobs: a second cancel there, or the linger's own terminal.
  { defect: 'linger-cancel-twice', property: 'duplicate-cancels', breaks: ['CANCEL-003', 'LIFE-001', 'LIFE-002'] },
  { defect: 'lingering-cancel-as-result', property: 'duplicate-cancels', breaks: ['CANCEL-002'] },
  // A foreign principal's refused cancel still ends the job CANCELLED.
  { defect: 'foreign-cancel-marks-job', property: 'duplicate-cancels', breaks: ['CANCEL-006', 'CANCEL-007'] },
  // The dropped event may be a marked one (lost: EVT-003, SUB-005) or the terminal (RESUME-004).
  { defect: 'replay-drops-events', property: 'mid-job-disconnects', breaks: ['RESUME-003', 'SEQ-004', 'RESUME-004', 'EVT-003', 'SUB-005'] },
  { defect: 'replay-duplicates', property: 'mid-job-disconnects', breaks: ['RESUME-003', 'SEQ-004', 'EVT-003', 'SUB-005'] },
  { defect: 'resume-token-reused', property: 'mid-job-disconnects', breaks: ['RESUME-002'] },
  { defect: 'close-cancels-jobs', property: 'mid-job-disconnects', breaks: ['CLOSE-002', 'CLOSE-003'] },
  { defect: 'drop-kills-jobs', property: 'mid-job-disconnects', breaks: ['LIFE-006', 'RESUME-004'] },
  // A short resume window so the leak shows within a run (the probe waits it out).
  {
    defect: 'subscription-leak',
    property: 'mid-job-disconnects',
    breaks: ['LEAK-001'],
    probe: 'reference-leak',
    reference: { resumeWindowSec: LEAK_RESUME_WINDOW_SEC },
  },
];

/** Defects the property suites do not target, and why (the example-based suites catch them). */
const EXAMPLE_ONLY = 'its scenario needs a step the generated scenarios do not take';
export const OUT_OF_SCOPE: Readonly<Partial<Record<DefectName, string>>> = {
  'resume-skips-auth': `${EXAMPLE_ONLY} (a resume with a wrong bearer token); suites/security/existence.suite.ts catches it`,
  'delegate-budget-initial': `${EXAMPLE_ONLY} (the optional delegate step); suites/leases/delegation.suite.ts catches it`,
  'delegate-model-unchecked': `${EXAMPLE_ONLY} (the optional delegate step); suites/leases/delegation.suite.ts catches it`,
  'delegate-expiry-ends-parent': `${EXAMPLE_ONLY} (the optional delegate step); suites/leases/delegation.suite.ts catches it`,
  'rotation-id-missing': `${EXAMPLE_ONLY} (the optional rotate_credential step); suites/security/rotation.suite.ts catches it`,
  'resume-any-principal': `${EXAMPLE_ONLY} (another principal resuming); suites/security/existence.suite.ts catches it`,
  'cancel-reveals-existence': `${EXAMPLE_ONLY} (a cancel of an unknown job id to compare with); suites/deployments.test.ts catches it`,
  'list-filter-leak': `${EXAMPLE_ONLY} (a filtered listing); suites/security/existence.suite.ts catches it`,
  'fs-star-crosses-slash': `${EXAMPLE_ONLY} (tool calls through fs leases); suites/leases/corners.suite.ts catches it`,
  'budget-zero-allows': `${EXAMPLE_ONLY} (cost metrics spending a budget to 0); suites/leases/leases.suite.ts catches it`,
  'expiry-cached-grant': `${EXAMPLE_ONLY} (an operation repeated after expires_at); suites/leases/corners.suite.ts catches it`,
  'watchdog-retryable': `${EXAMPLE_ONLY} (a lease expiring while the agent sleeps); suites/leases/corners.suite.ts catches it`,
  'cancel-ack-needs-event': 'the generated cancels follow a job\'s first event; suites/cancel/corners.suite.ts catches it',
  'linger-finish-wins': `${EXAMPLE_ONLY} (an agent finishing inside on_cancel.linger_ms); suites/cancel/corners.suite.ts catches it`,
  'timeout-status-error': `${EXAMPLE_ONLY} (max_runtime_sec); suites/jobs/final-status.suite.ts catches it`,
  'timeout-needs-submitter': `${EXAMPLE_ONLY} (max_runtime_sec while the submitter is away); suites/jobs/outlive.suite.ts catches it`,
  'denial-overtakes-call': `${EXAMPLE_ONLY} (a tool call the lease denies); suites/events/events.suite.ts catches it`,
  'vendor-kind-reregistered': `${EXAMPLE_ONLY} (two events of one x- vendor kind); suites/events/events.suite.ts catches it`,
  'progress-fraction-string': `${EXAMPLE_ONLY} (a progress event with a fractional current); suites/events/events.suite.ts catches it`,
  'history-skips-feature-gate': `${EXAMPLE_ONLY} (a subscriber without progress or result_chunk replaying history); suites/events/events.suite.ts and chunks.suite.ts catch it`,
  'control-consumes-seq': `${EXAMPLE_ONLY} (a ping or an ack between job events); suites/events/sequence.suite.ts catches it`,
  'last-chunk-close-path': `${EXAMPLE_ONLY} (a streamed result); suites/events/chunks.suite.ts catches it`,
  'chunk-seq-counts-events': `${EXAMPLE_ONLY} (a streamed result after another event); suites/events/chunks.suite.ts catches it`,
  'small-stream-inlined': `${EXAMPLE_ONLY} (a small streamed result); suites/events/chunks.suite.ts catches it`,
  'last-chunk-trimmed': `${EXAMPLE_ONLY} (a streamed text ending in a newline); suites/events/chunks.suite.ts catches it`,
  'expiry-checked-with-lease': `${EXAMPLE_ONLY} (a submit with a bad expires_at); suites/leases/leases.suite.ts catches it`,
  'lease-kill-via-cancel': `${EXAMPLE_ONLY} (operations after expiry or after the budget ran out); suites/leases/leases.suite.ts catches it`,
  'budget-metered-by-unit': `${EXAMPLE_ONLY} (a non-cost metric in a budgeted currency); suites/leases/leases.suite.ts catches it`,
  'model-prefix-match': `${EXAMPLE_ONLY} (a model call through model.use); suites/leases/leases.suite.ts catches it`,
  'credentials-announced': `${EXAMPLE_ONLY} (a lease with model.use); suites/security/security.suite.ts catches it`,
  'credential-cached-by-lease': `${EXAMPLE_ONLY} (jobs with identical credential leases); suites/security/security.suite.ts catches it`,
  'credentials-unnegotiated': `${EXAMPLE_ONLY} (a session without provisioned_credentials); suites/security/security.suite.ts catches it`,
  'result-cap-truncates': `${EXAMPLE_ONLY} (a streamed result over 1 MiB); suites/events/chunks.suite.ts catches it`,
  'list-rows-credentials': `${EXAMPLE_ONLY} (another principal listing the job, which needs a deployment that lists every principal's jobs); suites/deployments.test.ts catches it`,
  'write-path-raw': `${EXAMPLE_ONLY} (an fs.write path with ..); suites/security/security.suite.ts catches it`,
  'history-dup-after-live': 'the generated subscribers do not join after a live one with history from 0 often enough to be a fair target; suites/subscribe/subscribe.suite.ts catches it',
  'resume-once': `${EXAMPLE_ONLY} often enough (a second resume of one session); suites/resume/resume.suite.ts catches it`,
  'pong-debounced': `${EXAMPLE_ONLY} (two pings back to back); suites/session/heartbeat.suite.ts catches it`,
  'pong-no-session-id': `${EXAMPLE_ONLY} (a session.ping from the client); suites/session/session.suite.ts catches it`,
  'accepted-empty-lease-omitted': 'the histories judge sequencing, terminals and cancels, not the job.accepted payload; suites/jobs/jobs.suite.ts catches it',
  'default-lease-granted': 'the histories judge sequencing, terminals and cancels, not the effective lease; suites/jobs/jobs.suite.ts catches it',
  'lease-star-widened': 'the histories judge sequencing, terminals and cancels, not the effective lease; suites/jobs/jobs.suite.ts catches it',
  'trace-id-span-length': 'the histories judge sequencing, terminals and cancels, not trace ids; suites/jobs/jobs.suite.ts catches it',
  'idem-other-session': `${EXAMPLE_ONLY} (an idempotency_key resubmitted from another session); suites/jobs/idempotency.suite.ts catches it`,
  'idem-ignores-version': `${EXAMPLE_ONLY} (an idempotency_key reused with another agent version); suites/jobs/idempotency.suite.ts catches it`,
  'idem-conflict-global': `${EXAMPLE_ONLY} (another principal reusing an idempotency_key); suites/jobs/idempotency.suite.ts catches it`,
  'archived-agent-unversioned': `${EXAMPLE_ONLY} (agent_versions views of an ended job); suites/jobs/jobs.suite.ts catches it`,
  'pre-hello-queued': `${EXAMPLE_ONLY} (a frame before the hello); suites/session/session.suite.ts catches it`,
  'ping-before-welcome': 'the scenario runner opens sessions through the harness, which waits past anything before the welcome; suites/session/session.suite.ts catches it',
  'refusal-without-id': `${EXAMPLE_ONLY} (a refused hello); suites/session/session.suite.ts catches it`,
  'listing-envelope-v1': `${EXAMPLE_ONLY} often enough to be a fair target (a listing); suites/session/session.suite.ts catches it`,
  'cancel-envelope-strict': `${EXAMPLE_ONLY} (unknown envelope fields); suites/session/session.suite.ts catches it`,
  'timeout-error-no-job-id': `${EXAMPLE_ONLY} (max_runtime_sec); suites/session/session.suite.ts catches it`,
  'resume-features-reset': `${EXAMPLE_ONLY} (a session without heartbeat, watched for a heartbeat interval after its resume); suites/session/heartbeat.suite.ts catches it`,
  'token-needs-features': `${EXAMPLE_ONLY} (a hello offering no features); suites/session/session.suite.ts catches it`,
  'resume-gap-replay': `${EXAMPLE_ONLY} (a resume after the session\'s events outlived the window); suites/resume/resume.suite.ts catches it`,
  'subscribe-observe-before-check': `${EXAMPLE_ONLY} (a same-principal deployment refusing a subscribe); suites/deployments.test.ts catches it`,
  'subscribe-live-unchecked': `${EXAMPLE_ONLY} (a same-principal deployment refusing a subscribe); suites/deployments.test.ts catches it`,
  'bye-keeps-streaming': `${EXAMPLE_ONLY} (session.bye); suites/deployments.test.ts catches it`,
  'linger-waits-for-agent': `${EXAMPLE_ONLY} (waiting out the 30 s cancel grace); suites/deployments.test.ts catches it`,
};

/** Every defect is either in the plan or out of scope with a reason. */
export function uncoveredDefects(): DefectName[] {
  const planned = new Set(DETECTION_PLAN.map((c) => c.defect));
  return DEFECT_NAMES.filter((d) => !planned.has(d) && OUT_OF_SCOPE[d] === undefined);
}

export interface DetectionOptions {
  readonly seed: number;
  readonly runs: number;
  readonly timeLimitMs?: number;
}

/** Whether a failure names a requirement the defect breaks (not some other finding). */
export function namesTheDefect(c: DetectionCase, outcome: PropertyOutcome): boolean {
  return outcome.failure?.violations.some((v) => c.breaks.includes(v.requirement)) ?? false;
}

/** Runs the case's property against the reference with its defect on, until the first violation. */
export async function detect(c: DetectionCase, options: DetectionOptions): Promise<PropertyOutcome> {
  const ref = await startReferenceTarget([c.defect], c.reference ?? {});
  try {
    return await runProperty(PROPERTIES[c.property], ref.target, {
      runs: options.runs,
      seed: options.seed,
      capabilities: ref.capabilities,
      shrink: false,
      replays: 0,
      ...(c.probe === 'reference-leak' ? { probe: referenceLeakProbe(ref.server, ref.resumeWindowMs) } : {}),
      ...(options.timeLimitMs === undefined ? {} : { timeLimitMs: options.timeLimitMs }),
    });
  } finally {
    await ref.stop();
  }
}
