// A scenario: what the clients of one property run do, and the conformance-agent scripts
// their jobs run, as plain JSON data. Generators build it, the executor runs it, fixtures
// store it and `arcp-conformance replay` runs it again, so it must not depend on
// fast-check or on the code that generated it. Plain records (not fc.commands): a saved
// counterexample replays from the data alone, against any server, by any later version.
import { z } from 'zod';
import { AgentScript, summarizeExpectedMarkers, type AgentScript as Script } from '../../spec/agent-script.ts';

export const PROPERTY_NAMES = ['concurrent-emitters', 'duplicate-cancels', 'mid-job-disconnects'] as const;
export type PropertyName = (typeof PROPERTY_NAMES)[number];

export const SCENARIO_VERSION = 1;

/** Which configured principal a session authenticates as (never the token itself). */
export type PrincipalRole = 'primary' | 'secondary';

/**
 * When an action fires. Triggers count what the clients have received, not wall-clock time,
 * so runs stay fast and shrink well. Every trigger is also satisfied once the job it names
 * is known to be terminal (a count a finished job never reaches must not hang the run), and
 * every wait is bounded.
 */
export type Trigger =
  | { readonly on: 'start' }
  /** The job's job.accepted arrived. */
  | { readonly on: 'accepted'; readonly job: number }
  /** Some session has received at least `count` marked events of the job. */
  | { readonly on: 'events'; readonly job: number; readonly count: number }
  /** At most `count` of the job's marked events (summarizeExpectedMarkers) remain unreceived. */
  | { readonly on: 'remaining'; readonly job: number; readonly count: number }
  /** Some session has received the job's terminal. */
  | { readonly on: 'terminal'; readonly job: number }
  /** The named session has been dropped or closed by its client. */
  | { readonly on: 'disconnected'; readonly session: string };

export interface ResumePlan {
  /** Wait this long after the cut before resuming (small: within any resume window). */
  readonly afterMs: number;
  /** Present last_event_seq = (highest received - seqBack), never below the last ack. */
  readonly seqBack: number;
}

export type ScenarioAction =
  | { readonly op: 'submit'; readonly job: number; readonly when: Trigger }
  | { readonly op: 'subscribe'; readonly job: number; readonly history: boolean; readonly when: Trigger }
  /** `times` cancels sent back to back (a duplicate cancel when 2). */
  | { readonly op: 'cancel'; readonly job: number; readonly times: 1 | 2; readonly when: Trigger }
  /** Drop (abrupt) or close (graceful); then resume, or never come back (`resume: null`). */
  | { readonly op: 'disconnect'; readonly how: 'drop' | 'close'; readonly when: Trigger; readonly resume: ResumePlan | null }
  /** session.list_jobs: lets the checkers compare the listed status with the terminal. */
  | { readonly op: 'list'; readonly when: Trigger };

export interface ScenarioSession {
  /** Unique within the scenario; also the first token of the connection label. */
  readonly name: string;
  readonly principal: PrincipalRole;
  /** Send session.ack after every `ackEvery` new sequenced frames; 0 withholds acks. */
  readonly ackEvery: number;
  /**
   * Submits run one after another, in order. Every other action runs on its own, firing at
   * its trigger; the session's wire interactions (a request and its answer, a cut and its
   * resume) never overlap: they take turns on the session.
   */
  readonly actions: readonly ScenarioAction[];
}

export interface ScenarioJob {
  /** The conformance agent's input. */
  readonly script: Script;
  /** job.submit lease_request. */
  readonly leaseRequest?: Readonly<Record<string, readonly string[]>>;
  /** lease_constraints.expires_at = submit time + this (needs lease_expires_at). */
  readonly expiresInMs?: number;
}

export interface Scenario {
  readonly version: typeof SCENARIO_VERSION;
  readonly property: PropertyName;
  /** `sessions[0]` submits every job. */
  readonly sessions: readonly ScenarioSession[];
  readonly jobs: readonly ScenarioJob[];
}

// ---- schema (for scenarios read back from fixtures) -------------------------------------

const JobIndex = z.number().int().nonnegative();
const Count = z.number().int().nonnegative().max(1_000_000);
const SessionName = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'session names are lowercase words like owner or sub-other');

const TriggerSchema = z.discriminatedUnion('on', [
  z.strictObject({ on: z.literal('start') }),
  z.strictObject({ on: z.literal('accepted'), job: JobIndex }),
  z.strictObject({ on: z.literal('events'), job: JobIndex, count: Count }),
  z.strictObject({ on: z.literal('remaining'), job: JobIndex, count: Count }),
  z.strictObject({ on: z.literal('terminal'), job: JobIndex }),
  z.strictObject({ on: z.literal('disconnected'), session: SessionName }),
]);

const ResumePlanSchema = z.strictObject({
  afterMs: z.number().int().nonnegative().max(60_000),
  seqBack: Count,
});

const ActionSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('submit'), job: JobIndex, when: TriggerSchema }),
  z.strictObject({ op: z.literal('subscribe'), job: JobIndex, history: z.boolean(), when: TriggerSchema }),
  z.strictObject({ op: z.literal('cancel'), job: JobIndex, times: z.union([z.literal(1), z.literal(2)]), when: TriggerSchema }),
  z.strictObject({ op: z.literal('disconnect'), how: z.enum(['drop', 'close']), when: TriggerSchema, resume: ResumePlanSchema.nullable() }),
  z.strictObject({ op: z.literal('list'), when: TriggerSchema }),
]);

const SessionSchema = z.strictObject({
  name: SessionName,
  principal: z.enum(['primary', 'secondary']),
  ackEvery: Count,
  actions: z.array(ActionSchema).max(64),
});

const JobSchema = z.strictObject({
  script: AgentScript,
  leaseRequest: z.record(z.string(), z.array(z.string())).optional(),
  expiresInMs: z.number().int().positive().max(600_000).optional(),
});

export const ScenarioSchema = z
  .strictObject({
    version: z.literal(SCENARIO_VERSION),
    property: z.enum(PROPERTY_NAMES),
    sessions: z.array(SessionSchema).min(1).max(16),
    jobs: z.array(JobSchema).min(1).max(16),
  })
  .superRefine((scenario, ctx) => {
    for (const problem of scenarioProblems(scenario as Scenario)) ctx.addIssue({ code: 'custom', message: problem });
  });

/** Parses a scenario read from a fixture; the error names every problem. */
export function parseScenario(value: unknown): { ok: true; scenario: Scenario } | { ok: false; problems: string[] } {
  const parsed = ScenarioSchema.safeParse(value);
  if (parsed.success) return { ok: true, scenario: parsed.data as Scenario };
  return {
    ok: false,
    problems: parsed.error.issues.slice(0, 10).map((issue) => {
      const path = issue.path.map(String).join('.');
      return path === '' ? issue.message : `${path}: ${issue.message}`;
    }),
  };
}

function triggerJob(trigger: Trigger): number | undefined {
  return 'job' in trigger ? trigger.job : undefined;
}

function actionJob(action: ScenarioAction): number | undefined {
  return 'job' in action ? action.job : undefined;
}

/**
 * Consistency rules the executor relies on: references are in range, and the first session
 * submits every job exactly once, in job order, each submit waiting at most on jobs
 * submitted before it (so the submit lane never stalls on itself).
 */
export function scenarioProblems(scenario: Scenario): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const session of scenario.sessions) {
    if (names.has(session.name)) problems.push(`session name ${session.name} is used twice`);
    names.add(session.name);
  }
  const jobCount = scenario.jobs.length;
  const submits: number[] = [];
  scenario.sessions.forEach((session, s) => {
    session.actions.forEach((action, a) => {
      const where = `sessions.${s}.actions.${a}`;
      for (const job of [actionJob(action), triggerJob(action.when)]) {
        if (job !== undefined && job >= jobCount) problems.push(`${where}: job ${job} does not exist (${jobCount} jobs)`);
      }
      if (action.when.on === 'disconnected' && !names.has(action.when.session)) {
        problems.push(`${where}: waits for unknown session ${action.when.session}`);
      }
      if (action.op !== 'submit') return;
      if (s !== 0) problems.push(`${where}: only the first session submits jobs`);
      const waits = triggerJob(action.when);
      if (action.when.on === 'disconnected' || (waits !== undefined && waits >= action.job)) {
        problems.push(`${where}: the submit of job ${action.job} may only wait on an earlier job`);
      }
      submits.push(action.job);
    });
  });
  if (submits.length !== jobCount || submits.some((job, k) => job !== k)) {
    problems.push(`the first session must submit jobs 0..${jobCount - 1} once each, in order (got ${submits.join(', ') || 'none'})`);
  }
  return problems;
}

// ---- reading a scenario --------------------------------------------------------------

/** Marked events a complete run of each job emits (upper bounds when branches race to end). */
export function expectedEventTotals(scenario: Scenario): number[] {
  return scenario.jobs.map((job) => summarizeExpectedMarkers(job.script).total);
}

/** The sessions whose principal differs from the submitter's. */
export function isForeign(scenario: Scenario, session: ScenarioSession): boolean {
  return session.principal !== scenario.sessions[0]?.principal;
}

/** A trigger in words, for notes. */
export function describeTrigger(trigger: Trigger): string {
  switch (trigger.on) {
    case 'start':
      return 'start';
    case 'accepted':
      return `job ${trigger.job} accepted`;
    case 'events':
      return `${trigger.count} events of job ${trigger.job}`;
    case 'remaining':
      return `at most ${trigger.count} events of job ${trigger.job} left`;
    case 'terminal':
      return `the terminal of job ${trigger.job}`;
    case 'disconnected':
      return `session ${trigger.session} cut`;
  }
}

/** One line for messages: `2 jobs, 3 sessions, 5 actions (cancel x2, disconnect x1, ...)`. */
export function describeScenario(scenario: Scenario): string {
  const ops = new Map<string, number>();
  for (const session of scenario.sessions) for (const action of session.actions) ops.set(action.op, (ops.get(action.op) ?? 0) + 1);
  const actions = [...ops.values()].reduce((a, b) => a + b, 0);
  const detail = [...ops].map(([op, n]) => `${op} x${n}`).join(', ');
  return `${scenario.jobs.length} job${scenario.jobs.length === 1 ? '' : 's'}, ${scenario.sessions.length} session${
    scenario.sessions.length === 1 ? '' : 's'
  }, ${actions} action${actions === 1 ? '' : 's'} (${detail})`;
}
