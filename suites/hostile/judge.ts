// conformanceTest's verdict rules for a body run inside another test (conformanceTest itself
// registers a vitest test, which cannot happen while one runs): a broken check FAILs or WARNs
// by the catalogue's level of its id, t.must ends the body at once with the same formatted
// finding, t.should lets it go on, every declared id must be judged; plus a hard
// deadline, so a body that hangs is reported as hung instead of hanging the caller.
import { requirement } from '../../spec/requirements.ts';
import type { TargetConfig } from '../harness/config.ts';
import type { TranscriptEntry } from '../harness/transcript-types.ts';
import {
  brokenVerdict,
  ConformanceFailure,
  type ConformanceContext,
  type Evidence,
  formatFinding,
  StopAfterWarning,
} from '../verdicts/conformance-test.ts';
import type { Verdict } from '../verdicts/types.ts';

export interface JudgedRun {
  /** The verdicts of conformanceTest, plus ERROR (the body threw something else) and HUNG. */
  readonly verdict: Verdict | 'ERROR' | 'HUNG';
  /** The requirement whose MUST failed (FAIL) or the first SHOULD that warned (WARN). */
  readonly requirement?: string;
  /** The failure message as a reporter would show it (or the error's message). */
  readonly message: string;
  readonly ms: number;
}

class Skip extends Error {
  constructor(
    readonly verdict: 'NA' | 'UNTESTABLE',
    reason: string,
  ) {
    super(reason);
  }
}

type EvidenceSource = Evidence | (() => Evidence);

class Judge implements ConformanceContext {
  readonly judged = new Set<string>();
  warned: { id: string; message: string } | undefined;
  /** The first MUST a `should` found broken: the run FAILs with it. */
  failure: ConformanceFailure | undefined;

  constructor(
    readonly target: TargetConfig,
    private readonly declared: readonly string[],
  ) {}

  #check(id: string): void {
    if (!this.declared.includes(id)) throw new Error(`test judged ${id} but does not declare it in its requirements`);
    this.judged.add(id);
  }

  must(id: string, ok: boolean, evidence: EvidenceSource): asserts ok {
    this.#check(id);
    if (ok) return;
    const message = this.#broken(id, evidence);
    throw brokenVerdict(id) === 'FAIL' ? new ConformanceFailure(id, message) : new StopAfterWarning(id, message);
  }

  should(id: string, ok: boolean, evidence: EvidenceSource): void {
    this.#check(id);
    if (ok) return;
    const message = this.#broken(id, evidence);
    if (brokenVerdict(id) === 'FAIL') this.failure ??= new ConformanceFailure(id, message);
  }

  /** The finding of a broken check; the first WARN is kept for the result. */
  #broken(id: string, evidence: EvidenceSource): string {
    const found = typeof evidence === 'function' ? evidence() : evidence;
    const message = formatFinding(requirement(id), found);
    if (brokenVerdict(id) === 'WARN') this.warned ??= { id, message };
    return message;
  }

  /** The result once the body ended normally or stopped after a warning. */
  settled(ms: number): JudgedRun {
    if (this.failure !== undefined) return { verdict: 'FAIL', requirement: this.failure.requirementId, message: this.failure.message, ms };
    if (this.warned !== undefined) return { verdict: 'WARN', requirement: this.warned.id, message: this.warned.message, ms };
    return { verdict: 'PASS', message: 'every declared requirement held', ms };
  }

  notApplicable(reason: string): never {
    throw new Skip('NA', reason);
  }

  untestable(reason: string): never {
    throw new Skip('UNTESTABLE', reason);
  }

  attachEvidence(_entries: readonly TranscriptEntry[]): void {}

  framesSeen(): void {}

  setReplay(): void {}

  note(): void {}

  inconclusive(): void {}

  unjudged(): string[] {
    return this.declared.filter((id) => !this.judged.has(id));
  }
}

/** Runs `body` with conformanceTest's rules; never rejects, and settles within `deadlineMs`. */
export async function judgeRun(
  target: TargetConfig,
  requirements: readonly string[],
  body: (t: ConformanceContext) => Promise<void>,
  deadlineMs: number,
): Promise<JudgedRun> {
  for (const id of requirements) requirement(id);
  const judge = new Judge(target, requirements);
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), deadlineMs);
  });
  try {
    const outcome = await Promise.race([body(judge).then(() => 'done' as const), deadline]);
    if (outcome === 'hung') return { verdict: 'HUNG', message: `the body did not settle within ${deadlineMs} ms`, ms: ms() };
    const unjudged = judge.unjudged();
    if (unjudged.length > 0) return { verdict: 'ERROR', message: `test declared ${unjudged.join(', ')} but never judged them`, ms: ms() };
    return judge.settled(ms());
  } catch (error) {
    if (error instanceof StopAfterWarning) return judge.settled(ms());
    if (error instanceof ConformanceFailure) return { verdict: 'FAIL', requirement: error.requirementId, message: error.message, ms: ms() };
    if (error instanceof Skip) return { verdict: error.verdict, message: error.message, ms: ms() };
    return { verdict: 'ERROR', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error), ms: ms() };
  } finally {
    clearTimeout(timer);
  }
}
