// Conformance-agent scripts for generated jobs. A job is drawn as a small shape (branches of
// back-to-back bursts with pauses, an ending, an optional lease) and built into the script
// the agent runs. Each property steers the shape through a ScriptProfile: many branches and
// long bursts for seq races, pauses and wait_cancel so cancels and drops land mid-job.
import fc from 'fast-check';
import type { AgentScript, Step } from '../../../spec/agent-script.ts';
import type { ScenarioJob } from '../scenario.ts';
import { type Capabilities, has } from './capabilities.ts';

export interface BurstShape {
  readonly kind: string;
  /** Events back to back. */
  readonly count: number;
  /** Pause after the burst (0: the next burst follows at once). */
  readonly pauseMs: number;
}

export type ExtraStep = 'cost' | 'tool';

export interface BranchShape {
  readonly bursts: readonly BurstShape[];
  /** Runtime-visible steps after the first burst: cost metrics (budget events) and tool calls. */
  readonly extras: readonly ExtraStep[];
}

/** finish / fail at the top level; finish inside branch 0 while others run; wait for a cancel first. */
export type Ending = 'finish' | 'fail' | 'branch-finish' | 'wait-cancel';
export type LeaseShape = 'none' | 'budget' | 'expiry';

export interface JobShape {
  /** Top-level events before the branches. */
  readonly prelude: number;
  readonly branches: readonly BranchShape[];
  readonly ending: Ending;
  readonly waitCancelMs: number;
  /** on_cancel.linger_ms: the agent keeps emitting this long after a cancel. */
  readonly lingerMs: number;
  /** Result chunks streamed before a top-level finish. */
  readonly chunks: number;
  readonly lease: LeaseShape;
  /** With an expiring lease: expires_at this far after the submit. */
  readonly expiresInMs: number;
}

type Weighted<T> = readonly (readonly [T, number])[];

/** How a property wants its jobs: weights put the dangerous shapes first in line. */
export interface ScriptProfile {
  readonly branches: Weighted<number>;
  readonly burstsPerBranch: { readonly min: number; readonly max: number };
  readonly burstCount: { readonly min: number; readonly max: number };
  readonly pauses: Weighted<number>;
  readonly prelude: { readonly max: number };
  readonly endings: Weighted<Ending>;
  readonly leases: Weighted<LeaseShape>;
  readonly extras: { readonly max: number };
  readonly chunks: { readonly max: number; readonly weight: number };
  readonly waitCancelMs: { readonly min: number; readonly max: number };
  readonly lingerMs: Weighted<number>;
  readonly expiresInMs: { readonly min: number; readonly max: number };
}

function weighted<T>(choices: Weighted<T>): fc.Arbitrary<T> {
  // The first choice is where shrinking goes: list the simplest first.
  return fc.oneof(...choices.map(([value, weight]) => ({ arbitrary: fc.constant(value), weight })));
}

const BASE_KINDS = ['log', 'metric', 'status', 'thought', 'x-conformance.tick'] as const;

export function emitKinds(caps: Capabilities): readonly string[] {
  return has(caps, 'progress') ? [...BASE_KINDS, 'progress'] : BASE_KINDS;
}

export function jobShape(profile: ScriptProfile, caps: Capabilities): fc.Arbitrary<JobShape> {
  const burst = fc.record({
    kind: fc.constantFrom(...emitKinds(caps)),
    count: fc.integer(profile.burstCount),
    pauseMs: weighted(profile.pauses),
  });
  const branch = fc.record({
    bursts: fc.array(burst, { minLength: profile.burstsPerBranch.min, maxLength: profile.burstsPerBranch.max }),
    extras: fc.array(fc.constantFrom<ExtraStep>('cost', 'tool'), { maxLength: profile.extras.max }),
  });
  const chunkCount = has(caps, 'result_chunk') && profile.chunks.max > 0
    ? fc.oneof({ arbitrary: fc.constant(0), weight: 100 - profile.chunks.weight }, { arbitrary: fc.integer({ min: 1, max: profile.chunks.max }), weight: profile.chunks.weight })
    : fc.constant(0);
  return weighted(profile.branches).chain((n) =>
    fc.record({
      prelude: fc.integer({ min: 0, max: profile.prelude.max }),
      branches: fc.array(branch, { minLength: n, maxLength: n }),
      ending: weighted(profile.endings),
      waitCancelMs: fc.integer(profile.waitCancelMs),
      lingerMs: weighted(profile.lingerMs),
      chunks: chunkCount,
      lease: weighted(profile.leases),
      expiresInMs: fc.integer(profile.expiresInMs),
    }),
  );
}

function burstSteps(burst: BurstShape): Step[] {
  const steps: Step[] = [{ op: 'emit', kind: burst.kind, count: burst.count }];
  if (burst.pauseMs > 0) steps.push({ op: 'sleep', ms: burst.pauseMs });
  return steps;
}

function extraStep(extra: ExtraStep): Step {
  return extra === 'cost' ? { op: 'cost', amount: 0.3, currency: 'USD' } : { op: 'tool', tool: 'search' };
}

function branchSteps(branch: BranchShape): Step[] {
  const steps: Step[] = [];
  branch.bursts.forEach((burst, k) => {
    steps.push(...burstSteps(burst));
    if (k === 0) steps.push(...branch.extras.map(extraStep));
  });
  if (branch.bursts.length === 0) steps.push(...branch.extras.map(extraStep));
  return steps;
}

/** The lease a shape can actually use on this target (features decide). */
export function effectiveLease(shape: JobShape, caps: Capabilities): LeaseShape {
  if (shape.lease === 'budget' && has(caps, 'cost.budget')) return 'budget';
  if (shape.lease === 'expiry' && has(caps, 'lease_expires_at')) return 'expiry';
  return 'none';
}

/** Builds the job (script, lease request) a shape describes, for a target's capabilities. */
export function buildJob(shape: JobShape, caps: Capabilities): ScenarioJob {
  const lease = effectiveLease(shape, caps);
  const branches = shape.branches.map(branchSteps);
  // branch-finish needs another branch still running when branch 0 ends the job.
  const ending: Ending = shape.ending === 'branch-finish' && branches.length < 2 ? 'finish' : shape.ending;
  if (ending === 'branch-finish') branches[0]?.push({ op: 'finish', summary: 'branch 0 ended the job' });
  if (lease === 'expiry') {
    // A tool call after expires_at: the runtime must end the job with LEASE_EXPIRED.
    branches[0]?.unshift({ op: 'tool', tool: 'search' });
    branches[0]?.push({ op: 'sleep', ms: shape.expiresInMs + 20 }, { op: 'tool', tool: 'search' });
  }
  const steps: Step[] = [];
  if (shape.prelude > 0) steps.push({ op: 'emit', kind: 'log', count: shape.prelude });
  if (branches.length === 1) steps.push(...(branches[0] ?? []));
  else if (branches.length > 1) steps.push({ op: 'parallel', branches });
  if (ending === 'wait-cancel') steps.push({ op: 'wait_cancel', max_ms: shape.waitCancelMs });
  if (shape.chunks > 0 && ending !== 'branch-finish') steps.push({ op: 'chunks', parts: { count: shape.chunks, size: 8 } });
  if (ending === 'fail') steps.push({ op: 'fail', code: 'INTERNAL_ERROR', message: 'scripted failure' });
  else steps.push({ op: 'finish', summary: 'done' });
  const script: AgentScript = shape.lingerMs > 0 ? { steps, on_cancel: { linger_ms: shape.lingerMs } } : { steps };
  if (lease === 'budget') return { script, leaseRequest: { 'tool.call': ['*'], 'cost.budget': ['USD:1.00'] } };
  if (lease === 'expiry') return { script, leaseRequest: { 'tool.call': ['*'] }, expiresInMs: shape.expiresInMs };
  return { script };
}
