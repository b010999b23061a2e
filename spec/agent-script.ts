// The conformance agent's script (DESIGN §4): the `input` of a job submitted to the
// `conformance` agent. The kit generates scripts; a runtime that hosts the agent runs them
// (prose for vendors: spec/conformance-agent.md). The schema is strict and bounded, so a
// bad or oversized script is an INVALID_REQUEST at submission, never a hang.
import { z } from 'zod';
import { PINNED_RETRYABLE, type ErrorCode } from './errors.ts';
import { EVENT_BODIES } from './events.ts';
import type { Feature } from './features.ts';
import { AmountString } from './lease.ts';
import { Timestamp } from './primitives.ts';

// ---- limits ---------------------------------------------------------------------------

export const SCRIPT_LIMITS = Object.freeze({
  /** Steps in the whole script, counting every step inside every branch. */
  maxSteps: 10_000,
  /** Nesting depth of `parallel` steps. */
  maxDepth: 8,
  /** Branches of one `parallel` step. */
  maxBranches: 64,
  /** Events of one `emit` step. */
  maxCount: 2_000_000,
  /** Marked events a complete run emits (the sum over every branch). */
  maxEvents: 2_000_000,
  /** One `sleep`, one `wait_cancel`, `on_cancel.linger_ms`, and the whole script's worst-case duration. */
  maxDurationMs: 600_000,
  /** One result chunk, in decoded bytes (v1.1 §14 suggests capping chunks at 1 MB). */
  maxChunkBytes: 1_048_576,
  /** All chunks of the script together, in decoded bytes. */
  maxResultBytes: 64 * 1_048_576,
  /** Characters of a string field chosen by the script (kind, code, message, names). */
  maxText: 1024,
});

// ---- steps ----------------------------------------------------------------------------

/** Event kinds an `emit` step may produce; vendor kinds are `x-` prefixed (v1.0 §8.2). */
export const EMIT_KINDS = ['log', 'thought', 'status', 'metric', 'progress', 'artifact_ref'] as const;
export type EmitKind = (typeof EMIT_KINDS)[number];
export const VENDOR_KIND_PATTERN = /^x-[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Capabilities a `tool` step may exercise; `cost.budget` and `model.use` are not operations. */
export const TOOL_CAPABILITY_PATTERN = /^(?!cost\.budget$|model\.use$)[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/;

/** Codes a `fail` step may not use: they belong to the runtime (cancel, timeout). */
export const RUNTIME_ONLY_CODES: readonly string[] = ['CANCELLED', 'TIMEOUT'];

export interface EmitStep {
  op: 'emit';
  /** log | thought | status | metric | progress | artifact_ref | x-... */
  kind: string;
  /** Merged over the kind's default body (see defaultEventBody); `marker` is always overwritten. */
  body?: Record<string, unknown>;
  /** N events back to back (default 1). */
  count?: number;
}
export interface SleepStep {
  op: 'sleep';
  ms: number;
}
export interface ParallelStep {
  op: 'parallel';
  /** Each branch is a step list run concurrently with the others (concurrent emitters). */
  branches: Step[][];
}
export interface CostStep {
  op: 'cost';
  /** Emits metric `cost.<name>` (default `cost.inference`) with value=amount, unit=currency. */
  amount: number;
  currency: string;
  name?: string;
}
export interface ToolStep {
  op: 'tool';
  /** Tool name, echoed in tool_call. */
  tool: string;
  /** Lease capability the call needs (default `tool.call`). */
  capability?: string;
  /** The resource checked against the capability's patterns (default: the tool name). */
  target?: string;
  /** A model the call invokes; checked against `model.use`. */
  model?: string;
}
export interface ChunksStep {
  op: 'chunks';
  /** Literal chunk data, or `count` generated chunks of `size` bytes each (see chunkData). */
  parts: string[] | { count: number; size: number };
  encoding?: 'utf8' | 'base64';
}
export interface WaitCancelStep {
  op: 'wait_cancel';
  /** Returns when the job is cancelled or after max_ms, whichever is first. */
  max_ms: number;
}
export interface FinishStep {
  op: 'finish';
  result?: unknown;
  summary?: string;
}
export interface FailStep {
  op: 'fail';
  code: string;
  message: string;
  retryable?: boolean;
}

/**
 * OPTIONAL (spec/conformance-agent.md): the agent delegates to a sub-agent (v1.0 §10,
 * v1.1 §9.4): a marked `delegate` event; the runtime refuses a child lease beyond the
 * parent's with an unmarked tool_result LEASE_SUBSET_VIOLATION, else starts the child job.
 */
export interface DelegateStep {
  op: 'delegate';
  /** The sub-agent; the parent lease's `agent.delegate` patterns must cover it. */
  agent: string;
  /** The child job's input: a script of its own. */
  input: AgentScript;
  /** The child's lease; it must be within the parent's effective lease (v1.1 §9.4). */
  lease_request: Record<string, string[]>;
  lease_constraints?: { expires_at?: string };
}
/**
 * OPTIONAL (spec/conformance-agent.md): the runtime rotates every credential of the job and
 * announces each with an unmarked status `{phase: "credential_rotated", id, value}` (v1.1 §9.8.2).
 */
export interface RotateCredentialStep {
  op: 'rotate_credential';
}

export type Step =
  | EmitStep
  | SleepStep
  | ParallelStep
  | CostStep
  | ToolStep
  | ChunksStep
  | WaitCancelStep
  | FinishStep
  | FailStep
  | DelegateStep
  | RotateCredentialStep;

/** Steps a vendor's conformance agent may leave out; the kit reports their checks N/A then. */
export const OPTIONAL_STEP_OPS = ['delegate', 'rotate_credential'] as const;

export interface AgentScript {
  steps: Step[];
  on_cancel?: {
    /** After a cancel the agent keeps running its steps for up to this long (default 0). */
    linger_ms?: number;
  };
}

const Text = z.string().min(1).max(SCRIPT_LIMITS.maxText);
const Ms = z.number().int().nonnegative().max(SCRIPT_LIMITS.maxDurationMs);
const JsonObject = z.record(z.string(), z.unknown());
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const EmitStepSchema = z.strictObject({
  op: z.literal('emit'),
  kind: z
    .string()
    .max(SCRIPT_LIMITS.maxText)
    .refine((k) => (EMIT_KINDS as readonly string[]).includes(k) || VENDOR_KIND_PATTERN.test(k), {
      message: `kind must be one of ${EMIT_KINDS.join(', ')} or an x- vendor kind`,
    }),
  body: JsonObject.optional(),
  count: z.number().int().min(1).max(SCRIPT_LIMITS.maxCount).optional(),
});
const SleepStepSchema = z.strictObject({ op: z.literal('sleep'), ms: Ms });
const CostStepSchema = z.strictObject({
  op: z.literal('cost'),
  amount: z.number(),
  currency: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/).max(64),
  name: z.string().regex(/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/).max(128).optional(),
});
const ToolStepSchema = z.strictObject({
  op: z.literal('tool'),
  tool: Text,
  capability: z.string().regex(TOOL_CAPABILITY_PATTERN).max(128).optional(),
  target: Text.optional(),
  model: Text.optional(),
});
const ChunksStepSchema = z.strictObject({
  op: z.literal('chunks'),
  parts: z.union([
    z.array(z.string().max(SCRIPT_LIMITS.maxChunkBytes)).min(1).max(100_000),
    z.strictObject({
      count: z.number().int().min(1).max(100_000),
      size: z.number().int().min(0).max(SCRIPT_LIMITS.maxChunkBytes),
    }),
  ]),
  encoding: z.enum(['utf8', 'base64']).optional(),
});
const WaitCancelStepSchema = z.strictObject({ op: z.literal('wait_cancel'), max_ms: Ms });
const FinishStepSchema = z.strictObject({
  op: z.literal('finish'),
  result: z.unknown().optional(),
  summary: z.string().max(SCRIPT_LIMITS.maxText).optional(),
});
const FailStepSchema = z.strictObject({
  op: z.literal('fail'),
  code: Text.refine((c) => !RUNTIME_ONLY_CODES.includes(c), { message: 'CANCELLED and TIMEOUT are the runtime\'s codes' }),
  message: z.string().max(SCRIPT_LIMITS.maxText),
  retryable: z.boolean().optional(),
});

const DelegateStepSchema = z.strictObject({
  op: z.literal('delegate'),
  agent: Text,
  input: z.lazy(() => AgentScript),
  lease_request: z.record(z.string().max(128), z.array(Text).max(64)),
  lease_constraints: z.strictObject({ expires_at: Timestamp.optional() }).optional(),
}).superRefine((step, ctx) => {
  // v1.1 §9.6: budget patterns are amounts, so the subset check can compare them.
  for (const amount of step.lease_request['cost.budget'] ?? []) {
    if (!AmountString.safeParse(amount).success) ctx.addIssue({ code: 'custom', message: `lease_request cost.budget ${JSON.stringify(amount)} is not CUR:amount` });
  }
});
const RotateCredentialStepSchema = z.strictObject({ op: z.literal('rotate_credential') });

export const StepSchema: z.ZodType<Step> = z.lazy(() =>
  z.discriminatedUnion('op', [
    EmitStepSchema,
    SleepStepSchema,
    ParallelStepSchema,
    CostStepSchema,
    ToolStepSchema,
    ChunksStepSchema,
    WaitCancelStepSchema,
    FinishStepSchema,
    FailStepSchema,
    DelegateStepSchema,
    RotateCredentialStepSchema,
  ]),
) as z.ZodType<Step>;

const StepListSchema = z.array(StepSchema).max(SCRIPT_LIMITS.maxSteps);

const ParallelStepSchema = z.strictObject({
  op: z.literal('parallel'),
  branches: z.array(StepListSchema).min(1).max(SCRIPT_LIMITS.maxBranches),
});

/** The conformance agent's input (DESIGN §4). Whole-script limits are checked after the shape. */
export const AgentScript: z.ZodType<AgentScript> = z
  .strictObject({
    steps: StepListSchema,
    on_cancel: z.strictObject({ linger_ms: Ms.optional() }).optional(),
  })
  .superRefine((script, ctx) => {
    for (const problem of scriptProblems(script as AgentScript)) ctx.addIssue({ code: 'custom', message: problem });
  }) as z.ZodType<AgentScript>;

// ---- event bodies ----------------------------------------------------------------------

/** The marker every agent-emitted event body carries (DESIGN §4). */
export interface Marker {
  /** Branch path: `0` is the script's top level; child k of branch `p` is `p.k`. */
  branch: string;
  /** Position of the event among the branch's marked events, from 0. */
  i: number;
}

/**
 * The body an `emit` step's event starts from before the script's `body` is merged over it.
 * `index` is the event's 0-based position within its step, `count` the step's count.
 */
export function defaultEventBody(kind: string, index: number, count: number): Record<string, unknown> {
  switch (kind) {
    case 'log':
      return { level: 'info', message: 'conformance' };
    case 'thought':
      return { text: 'conformance' };
    case 'status':
      return { phase: 'conformance' };
    case 'metric':
      return { name: 'conformance.tick', value: index };
    case 'progress':
      return { current: index + 1, total: count };
    case 'artifact_ref':
      return { uri: `arcp://conformance/artifact/${index}`, content_type: 'text/plain' };
    default:
      return {};
  }
}

/** The body of the `index`th event of an emit step, marker included. */
export function emitBody(step: EmitStep, index: number, marker: Marker): Record<string, unknown> {
  return { ...defaultEventBody(step.kind, index, step.count ?? 1), ...step.body, marker };
}

/**
 * Data of generated chunk `k` for `parts: {count, size}`: utf8 chunks are `size` copies of
 * the letter `a`+(k mod 26); base64 chunks encode `size` bytes, each equal to k mod 256.
 */
export function chunkData(k: number, size: number, encoding: 'utf8' | 'base64'): string {
  if (encoding === 'utf8') return String.fromCharCode(97 + (k % 26)).repeat(size);
  return Buffer.alloc(size, k % 256).toString('base64');
}

/** Decoded byte length of one chunk's data. */
export function chunkByteLength(data: string, encoding: 'utf8' | 'base64'): number {
  return encoding === 'utf8' ? Buffer.byteLength(data, 'utf8') : Buffer.from(data, 'base64').length;
}

/** The `retryable` a `fail` step's job.error carries. */
export function failRetryable(step: FailStep): boolean {
  return step.retryable ?? PINNED_RETRYABLE[step.code as ErrorCode] ?? false;
}

// ---- whole-script analysis ---------------------------------------------------------------

/** Marked events one step emits in a complete run (parallel: its branches count separately). */
function ownMarkedEvents(step: Step): number {
  switch (step.op) {
    case 'emit':
      return step.count ?? 1;
    case 'cost':
      return 1;
    case 'tool':
      return 2; // tool_call + tool_result
    case 'chunks':
      return Array.isArray(step.parts) ? step.parts.length : step.parts.count;
    case 'delegate':
      return 1; // the delegate event; a refusal is the runtime's (unmarked)
    default:
      return 0;
  }
}

function isTerminalStep(step: Step): step is FinishStep | FailStep {
  return step.op === 'finish' || step.op === 'fail';
}

/** Steps that actually run: a top-level or branch list stops at its first finish/fail. */
export function reachableSteps(steps: readonly Step[]): readonly Step[] {
  const end = steps.findIndex(isTerminalStep);
  return end < 0 ? steps : steps.slice(0, end + 1);
}

export interface ExpectedMarkers {
  /** Marked events per branch path in a complete run. */
  readonly branches: Readonly<Record<string, number>>;
  /** Their sum. */
  readonly total: number;
  /**
   * False when a finish/fail inside a parallel branch can end the job while other branches
   * still run: the counts are then upper bounds.
   */
  readonly exact: boolean;
  /** How the job ends in a complete run; undefined when branches race to finish/fail. */
  readonly outcome?:
    | { readonly final_status: 'success'; readonly chunked: boolean }
    | { readonly final_status: 'error'; readonly code: string; readonly retryable: boolean };
}

/**
 * What a complete run of `script` emits: marked events per branch, assuming no cancel, no
 * `max_runtime_sec` timeout and no lease expiry (each of those ends the job early). Tool
 * calls that are denied still emit both their events. Pure; checkers use it to notice lost
 * events that leave no seq gap.
 */
export function summarizeExpectedMarkers(script: AgentScript): ExpectedMarkers {
  const branches: Record<string, number> = {};
  let exact = true;
  let chunked = false;

  // Child branches of one branch are numbered across all its parallel steps, in order.
  const walk = (steps: readonly Step[], path: string, nested: boolean): void => {
    branches[path] ??= 0;
    let children = 0;
    for (const step of reachableSteps(steps)) {
      branches[path] += ownMarkedEvents(step);
      if (step.op === 'chunks') chunked = true;
      if (nested && isTerminalStep(step)) exact = false;
      if (step.op === 'parallel') {
        for (const branch of step.branches) walk(branch, `${path}.${children++}`, true);
      }
    }
  };
  walk(script.steps, '0', false);

  const total = Object.values(branches).reduce((a, b) => a + b, 0);
  const summary: ExpectedMarkers = { branches, total, exact };
  if (!exact) return summary;
  const last = reachableSteps(script.steps).at(-1);
  if (last?.op === 'fail') {
    return { ...summary, outcome: { final_status: 'error', code: last.code, retryable: failRetryable(last) } };
  }
  return { ...summary, outcome: { final_status: 'success', chunked } };
}

/** Features a runtime must have negotiated with the submitting session to run the script. */
export function requiredFeatures(script: AgentScript): Feature[] {
  const needed = new Set<Feature>();
  const visit = (steps: readonly Step[]): void => {
    for (const step of steps) {
      if (step.op === 'emit' && step.kind === 'progress') needed.add('progress');
      if (step.op === 'chunks') needed.add('result_chunk');
      if (step.op === 'parallel') step.branches.forEach(visit);
      if (step.op === 'delegate') visit(step.input.steps); // the child runs in this session too
    }
  };
  visit(script.steps);
  return [...needed];
}

/** Worst-case duration of a step list in ms: sleeps and waits add up, parallel takes the max. */
function durationBoundMs(steps: readonly Step[]): number {
  let total = 0;
  for (const step of reachableSteps(steps)) {
    if (step.op === 'sleep') total += step.ms;
    else if (step.op === 'wait_cancel') total += step.max_ms;
    else if (step.op === 'parallel') total += Math.max(0, ...step.branches.map(durationBoundMs));
  }
  return total;
}

/** Step lists nested in a step: parallel branches, and a delegated child's script. */
function nestedLists(step: Step): readonly (readonly Step[])[] {
  if (step.op === 'parallel') return step.branches;
  if (step.op === 'delegate') return [step.input.steps];
  return [];
}

// A delegated child's steps count with the parent's, so nesting cannot multiply the limits.
function countSteps(steps: readonly Step[]): number {
  let n = 0;
  for (const step of steps) n += 1 + nestedLists(step).reduce((a, b) => a + countSteps(b), 0);
  return n;
}

function depth(steps: readonly Step[]): number {
  let max = 0;
  for (const step of steps) {
    const nested = nestedLists(step);
    if (nested.length > 0) max = Math.max(max, 1 + Math.max(0, ...nested.map(depth)));
  }
  return max;
}

function allSteps(steps: readonly Step[]): Step[] {
  return steps.flatMap((s) => (s.op === 'parallel' ? [s, ...s.branches.flatMap(allSteps)] : [s]));
}

/** Semantic problems the shape alone cannot express; empty when the script is runnable. */
export function scriptProblems(script: AgentScript): string[] {
  const problems: string[] = [];
  if (depth(script.steps) > SCRIPT_LIMITS.maxDepth) problems.push(`parallel and delegate steps nest deeper than ${SCRIPT_LIMITS.maxDepth}`);
  if (countSteps(script.steps) > SCRIPT_LIMITS.maxSteps) problems.push(`more than ${SCRIPT_LIMITS.maxSteps} steps`);
  if (problems.length > 0) return problems; // the walks below assume a bounded tree

  const steps = allSteps(script.steps);
  const expected = summarizeExpectedMarkers(script);
  if (expected.total > SCRIPT_LIMITS.maxEvents) problems.push(`a complete run emits ${expected.total} events (limit ${SCRIPT_LIMITS.maxEvents})`);
  const duration = durationBoundMs(script.steps);
  if (duration > SCRIPT_LIMITS.maxDurationMs) problems.push(`worst-case duration ${duration} ms exceeds ${SCRIPT_LIMITS.maxDurationMs} ms`);

  const chunkSteps = steps.filter((s): s is ChunksStep => s.op === 'chunks');
  if (chunkSteps.length > 1) problems.push('at most one chunks step per script (a job has one result_id)');
  const chunks = chunkSteps[0];
  if (chunks !== undefined) {
    const encoding = chunks.encoding ?? 'utf8';
    let bytes = 0;
    if (Array.isArray(chunks.parts)) {
      for (const part of chunks.parts) {
        if (encoding === 'base64' && !BASE64.test(part)) problems.push('chunks: a part is not valid base64');
        bytes += chunkByteLength(part, encoding);
      }
    } else {
      bytes = chunks.parts.count * chunks.parts.size;
    }
    if (bytes > SCRIPT_LIMITS.maxResultBytes) problems.push(`chunks: ${bytes} bytes exceed ${SCRIPT_LIMITS.maxResultBytes}`);
    // v1.1 §8.4: an inline result and result_chunk never mix in one job.
    if (steps.some((s) => s.op === 'finish' && s.result !== undefined)) {
      problems.push('a script with a chunks step cannot finish with an inline result');
    }
  }

  for (const step of steps) {
    if (step.op === 'emit') {
      const body = emitBody(step, 0, { branch: '0', i: 0 });
      const schema = EVENT_BODIES[step.kind as EmitKind] as z.ZodType | undefined;
      if (schema !== undefined && !schema.safeParse(body).success) problems.push(`emit ${step.kind}: body does not fit the kind's schema`);
      if (step.kind === 'metric' && typeof body.name === 'string' && body.name.startsWith('cost.')) {
        problems.push('emit metric: cost.* metrics are reported with the cost step');
      }
    }
    if (step.op === 'fail') {
      const pinned = PINNED_RETRYABLE[step.code as ErrorCode];
      if (pinned !== undefined && step.retryable !== undefined && step.retryable !== pinned) {
        problems.push(`fail ${step.code}: retryable must be ${pinned}`);
      }
    }
  }
  return problems;
}

/** Parses a job input as a script; the error text names every problem. */
export function parseAgentScript(input: unknown): { ok: true; script: AgentScript } | { ok: false; problems: string[] } {
  const parsed = AgentScript.safeParse(input);
  if (parsed.success) return { ok: true, script: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.slice(0, 10).map((issue) => {
      const path = issue.path.map(String).join('.');
      return path === '' ? issue.message : `${path}: ${issue.message}`;
    }),
  };
}
