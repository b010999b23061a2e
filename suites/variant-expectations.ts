// What the kit should say about the reference runtime with each legal variant on
// (reference/variants.ts): nothing but PASS, except the WARN and N/A verdicts written here,
// each with the reason the variant gives it. A FAIL or UNTESTABLE is never expected: a
// legal choice must not fail the run (DESIGN §5). Read by the variant matrix
// (suites/variant-matrix*.ts).
import type { VariantName } from '../reference/variants.ts';

export interface ExpectedVerdict {
  readonly requirement: string;
  readonly verdict: 'WARN' | 'NA';
  readonly why: string;
}

export interface VariantExpectation {
  /**
   * The suites the variant changes anything in (its affordable run), as `--only` suite names:
   * never mixed with requirement ids, which `--only` would intersect with the files.
   */
  readonly suites: readonly string[];
  /** The non-PASS verdicts the variant should give, and why. */
  readonly gives: readonly ExpectedVerdict[];
  /** A kit-wide rule the kit needs before it passes this variant (issue 11), for the report. */
  readonly needsRule?: string;
}

/** The embedded run's own non-PASS verdicts with no variant on (its deployment policy). */
export const EMBEDDED_BASELINE: readonly ExpectedVerdict[] = [
  { requirement: 'SUB-007', verdict: 'NA', why: 'the embedded run lets any principal subscribe (profile subscribePolicy "any"), so no subscribe is unauthorized' },
  { requirement: 'SUB-008', verdict: 'NA', why: 'the embedded run lets any principal subscribe (profile subscribePolicy "any"), so no subscribe is unauthorized' },
  { requirement: 'LIST-008', verdict: 'NA', why: 'the embedded run lets other principals subscribe (subscribePolicy "any"), so job existence is no secret there (deployments.test.ts checks it same-principal)' },
  { requirement: 'CLOSE-004', verdict: 'NA', why: 'the embedded profile closes with session.close; the kit sends the v1.0 session.bye only when the profile names it' },
];

export const VARIANT_EXPECTATIONS: Readonly<Record<VariantName, VariantExpectation>> = {
  'ulid-ids': {
    suites: ['session', 'errors', 'jobs'],
    gives: [],
    needsRule: 'rules: the kit writes ULID ids in every frame, the preflight included (cause 1)',
  },
  'job-error-rejections': {
    suites: ['jobs', 'errors', 'leases', 'cancel', 'events', 'session'],
    gives: [],
    needsRule: 'rules: a job.error naming no job the session holds is a rejection (cause 2)',
  },
  'runtime-status-event': {
    suites: ['events', 'resume', 'session', 'subscribe'],
    gives: [],
    needsRule: "rules: the agent's events are its marked ones (cause 3)",
  },
  'forget-finished-jobs': {
    suites: ['session', 'jobs', 'cancel'],
    gives: [{ requirement: 'LIST-007', verdict: 'WARN', why: 'the runtime no longer lists a job once it has ended (a SHOULD of ours, judged once)' }],
  },
  'proactive-lease-expiry': {
    suites: ['leases'],
    gives: [
      { requirement: 'LEASE-004', verdict: 'NA', why: 'the runtime ends a job at expires_at itself (v1.1 §9.5 MAY), so no operation happens after expiry' },
      { requirement: 'ERR-003', verdict: 'NA', why: 'the same test: the LEASE_EXPIRED tool_result it would read is never produced' },
    ],
  },
  'cancel-no-linger': { suites: ['cancel', 'subscribe', 'jobs', 'security'], gives: [] },
  'silent-foreign-cancel': { suites: ['cancel', 'errors'], gives: [] },
  'drop-pre-hello': { suites: ['session'], gives: [] },
  'malformed-closes': { suites: ['errors', 'session'], gives: [] },
  'no-next-cursor': { suites: ['session', 'security'], gives: [] },
  'result-field-renamed': {
    suites: ['jobs'],
    gives: [{ requirement: 'LIFE-008', verdict: 'WARN', why: 'the inline result is under `output`: legal, but clients read `result`' }],
  },
  'no-session-closed': {
    suites: ['session', 'resume'],
    gives: [{ requirement: 'CLOSE-001', verdict: 'WARN', why: 'the runtime closes the socket without session.closed (a SHOULD)' }],
  },
  'frame-limit-64k': { suites: ['session', 'errors', 'events'], gives: [] },
  'agent-without-optional-steps': {
    suites: ['leases', 'security'],
    gives: [
      { requirement: 'LEASE-008', verdict: 'NA', why: 'the conformance agent lacks the optional delegate step, so no delegation can be asked for' },
      { requirement: 'CRED-007', verdict: 'NA', why: 'the conformance agent lacks the optional rotate_credential step, so no rotation can be asked for' },
    ],
  },
  'open-subscribe': {
    suites: ['subscribe', 'security', 'session', 'cancel'],
    gives: [{ requirement: 'LIST-002', verdict: 'NA', why: 'the deployment lists other principals\' jobs on purpose (profile listPolicy "any")' }],
  },
};
