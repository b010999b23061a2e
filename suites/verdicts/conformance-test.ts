import { it, type TestContext } from 'vitest';
import { decidingQuote } from '../../spec/normative.ts';
import { requirement } from '../../spec/requirements.ts';
import type { Requirement } from '../../spec/requirement-types.ts';
import { loadTargetConfig, type TargetConfig } from '../harness/config.ts';
import { harnessErrorBehind, isHarnessError } from '../harness/errors.ts';
import type { TranscriptEntry } from '../harness/transcript-types.ts';
import { describeEntries } from './format.ts';
import { isSelected, selectionFromEnv } from './selection.ts';
import { outcomesOfStoppedTest } from './stopped.ts';
import type { ArcpTaskMeta, RequirementOutcome, Verdict } from './types.ts';

/** What a check saw, for a message a vendor can act on. */
export interface Evidence {
  readonly expected: string;
  readonly actual: string;
  /** The relevant part of the transcript (already redacted by the harness). */
  readonly transcript?: readonly TranscriptEntry[];
  /** Transcript indices of the frames that prove it; reports highlight them. */
  readonly witnesses?: readonly number[];
}

type EvidenceSource = Evidence | (() => Evidence);

/** A transcript window and the frames in it that show the point (highlighted). */
export type EvidenceWindow = Pick<Evidence, 'transcript' | 'witnesses'>;

/** The frames a test saw, as evidence: the last of them, nothing highlighted. */
const FRAMES_SEEN = 64;

/** Thrown when a MUST is broken: the test fails with a message naming the requirement. */
export class ConformanceFailure extends Error {
  override readonly name = 'ConformanceFailure';
  constructor(
    readonly requirementId: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Thrown by `t.must` when the broken requirement is a SHOULD or MAY: the test cannot go on,
 * and its verdict is WARN, not FAIL.
 */
export class StopAfterWarning extends Error {
  override readonly name = 'StopAfterWarning';
  constructor(
    readonly requirementId: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * What a broken check of `id` means: FAIL for a MUST, WARN for anything weaker. The level
 * comes from the catalogue, never from the call site (DESIGN §5: every FAIL rests on a MUST
 * sentence); `must` and `should` only say whether the test can go on.
 */
export function brokenVerdict(id: string): 'FAIL' | 'WARN' {
  return requirement(id).level === 'MUST' ? 'FAIL' : 'WARN';
}

/** Thrown when a test cannot run against this server and untestable is not allowed. */
export class UntestableError extends Error {
  override readonly name = 'UntestableError';
}

export interface ConformanceContext {
  readonly target: TargetConfig;
  /**
   * A check the test cannot go on without: when `ok` is false the test ends now, FAIL if
   * the catalogue makes `id` a MUST, WARN otherwise.
   */
  must(id: string, ok: boolean, evidence: EvidenceSource): asserts ok;
  /**
   * A check the test goes on after: when `ok` is false the outcome is WARN, or FAIL if the
   * catalogue makes `id` a MUST (the test then fails when it ends).
   */
  should(id: string, ok: boolean, evidence: EvidenceSource): void;
  /** The feature was not negotiated: the test ends as N/A. */
  notApplicable(reason: string): never;
  /**
   * The server lacks what the test needs (e.g. the conformance agent), or needs what the run
   * does not allow (a timer past --max-wait). `evidence`: the frames that show it (the welcome
   * that announced the timer); without it, the frames the test saw (framesSeen).
   */
  untestable(reason: string, evidence?: EvidenceWindow): never;
  /**
   * Where the frames this test exchanges are recorded (withSessions passes its transcript):
   * the evidence of an UNTESTABLE, or of a failure that carries none of its own.
   */
  framesSeen(frames: () => readonly TranscriptEntry[]): void;
  /** Attach a transcript window shown by reporters even when the test passes. */
  attachEvidence(entries: readonly TranscriptEntry[]): void;
  /** Record how a property run can be replayed. */
  setReplay(replay: NonNullable<ArcpTaskMeta['replay']>): void;
  /** A kit note (e.g. a cleanup that did not get what it expected): reported, never a verdict. */
  note(text: string): void;
  /**
   * The test ran but could not conclude `id` (e.g. a property stopped at a counterexample
   * of another requirement): no verdict, not even PASS; the reason is noted.
   */
  inconclusive(id: string, reason: string): void;
}

export interface ConformanceSpec {
  /** Requirement ids the test judges; each must be judged at least once by must/should. */
  readonly requirements: readonly string[];
  readonly timeoutMs?: number;
}

const SEVERITY: Record<Verdict, number> = { PASS: 0, NA: 1, WARN: 2, UNTESTABLE: 3, FAIL: 4 };

export function worstVerdict(verdicts: Iterable<Verdict>): Verdict {
  let worst: Verdict = 'PASS';
  for (const v of verdicts) if (SEVERITY[v] > SEVERITY[worst]) worst = v;
  return worst;
}

/**
 * `SEQ-001 (MUST, 1.1 §8.3): sentence`, the drafts' sentence it rests on, then expected,
 * actual and the transcript excerpt.
 */
export function formatFinding(req: Requirement, evidence: Evidence): string {
  const spec = decidingQuote(req);
  const lines = [
    `${req.id} (${req.level}, ${req.section}): ${req.text}`,
    `  spec:     ${spec.section} "${spec.quote}"`,
    `  expected: ${evidence.expected}`,
    `  actual:   ${evidence.actual}`,
  ];
  if (evidence.transcript && evidence.transcript.length > 0) {
    lines.push('  transcript:', describeEntries(evidence.transcript));
  }
  return lines.join('\n');
}

/** The shape reporters read (reporters/evidence.ts). */
function evidenceMeta(evidence: EvidenceWindow): { transcript: readonly TranscriptEntry[]; witnesses: readonly number[] } {
  return { transcript: evidence.transcript ?? [], witnesses: evidence.witnesses ?? [] };
}

function resolveEvidence(source: EvidenceSource): Evidence {
  return typeof source === 'function' ? source() : source;
}

function notConcluded(ids: readonly string[], reason: string): string {
  return `${ids.join(', ')} not concluded: ${reason}`;
}

export class Judge implements ConformanceContext {
  private readonly outcomes = new Map<string, RequirementOutcome>();
  private readonly inconclusiveIds = new Set<string>();
  /** The ids of the latest "not concluded" note, and its reason: the next id with that reason joins it. */
  private lastInconclusive: { readonly reason: string; readonly ids: string[] } | undefined;
  /** The first MUST a `should` found broken: the test fails with it when it ends. */
  private failure: ConformanceFailure | undefined;
  private seen: (() => readonly TranscriptEntry[]) | undefined;
  /** Whether the evidence slot holds a FAIL's transcript (recordBroken). */
  private evidenceProvesFail = false;

  constructor(
    readonly target: TargetConfig,
    private readonly declared: readonly string[],
    private readonly meta: ArcpTaskMeta,
    private readonly vitest: TestContext,
  ) {}

  private record(id: string, verdict: Verdict, detail?: string): void {
    if (!this.declared.includes(id)) {
      throw new Error(`test judged ${id} but does not declare it in its requirements`);
    }
    const previous = this.outcomes.get(id);
    if (previous && SEVERITY[previous.verdict] >= SEVERITY[verdict]) return;
    this.outcomes.set(id, detail === undefined ? { id, verdict } : { id, verdict, detail });
    this.meta.outcomes = [...this.outcomes.values()];
  }

  must(id: string, ok: boolean, evidence: EvidenceSource): asserts ok {
    if (ok) return this.record(id, 'PASS');
    const found = resolveEvidence(evidence);
    const message = formatFinding(requirement(id), found);
    if (this.recordBroken(id, found) === 'FAIL') throw new ConformanceFailure(id, message);
    throw new StopAfterWarning(id, message);
  }

  should(id: string, ok: boolean, evidence: EvidenceSource): void {
    if (ok) return this.record(id, 'PASS');
    const found = resolveEvidence(evidence);
    if (this.recordBroken(id, found) === 'FAIL') this.failure ??= new ConformanceFailure(id, formatFinding(requirement(id), found));
  }

  /**
   * Records a broken check at the catalogue's level. The evidence slot holds the first FAIL's
   * transcript (a WARN's only until a FAIL comes): the first FAIL is the headline the
   * reports show, so the diagram must prove that one, not a later one.
   */
  private recordBroken(id: string, found: Evidence): 'FAIL' | 'WARN' {
    const verdict = brokenVerdict(id);
    this.record(id, verdict, `expected ${found.expected}; got ${found.actual}`);
    if (found.transcript && (this.meta.evidence === undefined || (verdict === 'FAIL' && !this.evidenceProvesFail))) {
      this.meta.evidence = evidenceMeta(found);
      this.evidenceProvesFail = verdict === 'FAIL';
    }
    return verdict;
  }

  notApplicable(reason: string): never {
    this.meta.verdict = 'NA';
    this.meta.outcomes = this.declared.map((id) => ({ id, verdict: 'NA' as const, detail: reason }));
    this.vitest.skip(`N/A: ${reason}`);
    throw new Error('unreachable: vitest skip returned');
  }

  untestable(reason: string, evidence?: EvidenceWindow): never {
    this.meta.verdict = 'UNTESTABLE';
    this.meta.outcomes = this.declared.map((id) => ({ id, verdict: 'UNTESTABLE' as const, detail: reason }));
    if (evidence?.transcript !== undefined && evidence.transcript.length > 0) this.meta.evidence = evidenceMeta(evidence);
    if (this.target.allowUntestable) {
      this.vitest.skip(`UNTESTABLE (allowed): ${reason}`);
    }
    throw new UntestableError(`UNTESTABLE: ${reason} (pass --allow-untestable to accept this)`);
  }

  /**
   * Makes a test that `error` stopped before any verdict UNTESTABLE, and throws, when the error
   * is no finding about the server: the kit let go of frames a judgement needed (a harness
   * error `incomplete`: a flood), or the kit's own code threw (anything with no harness error
   * behind it: a bug in the kit, a bad setting). Returns for a harness error, which stopVerdict judges.
   */
  untestableWhenNotJudged(error: unknown): void {
    if (this.meta.verdict !== undefined || error instanceof UntestableError) return;
    if (isHarnessError(error, 'incomplete')) this.untestable(error.message, error.evidence);
    if (harnessErrorBehind(error) !== undefined || error instanceof ConformanceFailure) return;
    const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.untestable(`the test stopped on an error of the kit's own, not on a check of the server: ${what}`);
  }

  attachEvidence(entries: readonly TranscriptEntry[]): void {
    this.meta.evidence = entries;
  }

  setReplay(replay: NonNullable<ArcpTaskMeta['replay']>): void {
    this.meta.replay = replay;
  }

  framesSeen(frames: () => readonly TranscriptEntry[]): void {
    this.seen = frames;
  }

  /** An UNTESTABLE or FAIL with no evidence of its own shows the frames the test saw, if any. */
  evidenceFromFramesSeen(): void {
    if (this.meta.evidence !== undefined || (this.meta.verdict !== 'UNTESTABLE' && this.meta.verdict !== 'FAIL')) return;
    const transcript = this.seen?.().slice(-FRAMES_SEEN) ?? [];
    if (transcript.length > 0) this.meta.evidence = { transcript, witnesses: [] };
  }

  note(text: string): void {
    this.meta.notes = [...(this.meta.notes ?? []), text];
  }

  inconclusive(id: string, reason: string): void {
    if (!this.declared.includes(id)) throw new Error(`test left ${id} inconclusive but does not declare it in its requirements`);
    this.inconclusiveIds.add(id);
    // Ids left for one reason share one note (a campaign cut short leaves dozens), as long as
    // no other note came in between.
    const notes = this.meta.notes ?? [];
    const last = this.lastInconclusive;
    if (last !== undefined && last.reason === reason && notes.at(-1) === notConcluded(last.ids, reason)) {
      last.ids.push(id);
      this.meta.notes = [...notes.slice(0, -1), notConcluded(last.ids, reason)];
      return;
    }
    this.lastInconclusive = { reason, ids: [id] };
    this.note(notConcluded([id], reason));
  }

  /**
   * A harness error (a wait that timed out, a socket that closed) says what was awaited and
   * what arrived instead; this adds which requirements the test was judging when it stopped:
   * those it had not concluded yet.
   */
  nameStop(error: unknown): void {
    if (!isHarnessError(error)) return;
    const open = this.declared.filter((id) => !this.outcomes.has(id));
    error.message = `while judging ${(open.length > 0 ? open : this.declared).join(', ')}: ${error.message}`;
  }

  /**
   * The verdict of a test a harness error stopped (a wait ran out, the socket closed): each
   * declared id it did not find broken counts as broken at its own level (the record rule:
   * nothing stays PASS), so a test judging only SHOULDs is a WARN, never a FAIL.
   */
  stopVerdict(error: unknown): Verdict {
    if (harnessErrorBehind(error) === undefined) return 'FAIL';
    const outcomes = outcomesOfStoppedTest(this.declared, [...this.outcomes.values()], (id) => requirement(id).level, 'stopped');
    return worstVerdict(outcomes.map((o) => o.verdict));
  }

  /** Called after the body returns: every declared id must have been judged. */
  conclude(): void {
    const unjudged = this.declared.filter((id) => !this.outcomes.has(id) && !this.inconclusiveIds.has(id));
    if (unjudged.length > 0) {
      throw new Error(`test declared ${unjudged.join(', ')} but never judged ${unjudged.length > 1 ? 'them' : 'it'}`);
    }
    this.settle();
  }

  /**
   * Called when a `must` on a SHOULD ended the body early: the ids it did not reach are
   * reported as not concluded (a MUST behind a broken SHOULD must not pass unseen).
   */
  stopped(stop: StopAfterWarning): void {
    for (const id of this.declared) {
      if (!this.outcomes.has(id) && !this.inconclusiveIds.has(id)) this.inconclusive(id, `the test stopped at its warning on ${stop.requirementId} before it reached this check`);
    }
    this.settle();
  }

  private settle(): void {
    this.meta.verdict = worstVerdict([...this.outcomes.values()].map((o) => o.verdict));
    if (this.failure) throw this.failure;
  }
}

/**
 * Registers one conformance test. The body judges its requirements with `t.must` and
 * `t.should`; the verdict and outcomes land in `task.meta.arcp` for the reporters.
 * Tests not picked by `--only` / `--skip` are not registered at all.
 */
export function conformanceTest(
  title: string,
  spec: ConformanceSpec,
  body: (t: ConformanceContext) => Promise<void>,
): void {
  for (const id of spec.requirements) requirement(id); // unknown ids fail at collection time
  if (!isSelected(spec.requirements, selectionFromEnv())) return;
  const label = `${title} [${spec.requirements.join(', ')}]`;
  it(
    label,
    async (vitest) => {
      const meta: ArcpTaskMeta = { requirements: spec.requirements };
      vitest.task.meta.arcp = meta;
      const judge = new Judge(loadTargetConfig(), spec.requirements, meta, vitest);
      try {
        await body(judge);
      } catch (error) {
        if (error instanceof StopAfterWarning) return judge.stopped(error);
        judge.untestableWhenNotJudged(error);
        if (meta.verdict === undefined) meta.verdict = error instanceof UntestableError ? 'UNTESTABLE' : judge.stopVerdict(error);
        // A harness error (a wait ran out, the socket closed) carries the frames up to it, also
        // when it ended a property's scenario (ScenarioAborted wraps it).
        const evidence = harnessErrorBehind(error)?.evidence;
        if (meta.evidence === undefined && evidence !== undefined) meta.evidence = evidence;
        judge.evidenceFromFramesSeen();
        judge.nameStop(error);
        throw error;
      }
      judge.conclude();
    },
    spec.timeoutMs,
  );
}
