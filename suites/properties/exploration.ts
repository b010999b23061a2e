// How hard a property tried: per run, the interleaving it observed (hashed), how each cancel
// fell against its job's completion, and in which phase of a job each disconnect came;
// summed over a property's runs. Reported in the test's meta (`task.meta.arcpProperty`)
// and as one console line.
import { createHash } from 'node:crypto';
import type { TranscriptEntry } from '../harness/transcript-types.ts';

/**
 * A cancel against its job's completion, as the clients saw it: `before-terminal` (the job
 * ended cancelled), `after-terminal` (sent once the terminal had arrived), `lost-race` (sent
 * before any terminal arrived, yet the job ended on its own), `foreign` (from a session with
 * no authority over the job), `unsent` (the job was never accepted).
 */
export type CancelOrdering = 'before-terminal' | 'after-terminal' | 'lost-race' | 'foreign' | 'unsent';
export const CANCEL_ORDERINGS: readonly CancelOrdering[] = ['before-terminal', 'after-terminal', 'lost-race', 'foreign', 'unsent'];

/** Where a disconnect fell in the life of a job its session was receiving. */
export type JobPhase = 'before-first-event' | 'mid' | 'near-terminal' | 'after-terminal';
export const JOB_PHASES: readonly JobPhase[] = ['before-first-event', 'mid', 'near-terminal', 'after-terminal'];

export interface RunExploration {
  /** Hash of the observed interleaving (see scheduleSignature). */
  readonly schedule: string;
  readonly cancels: readonly CancelOrdering[];
  readonly disconnects: readonly JobPhase[];
  /** Waits that hit their bound: triggers not reached, answers that never came. */
  readonly boundedWaits: number;
  /**
   * Why the run could not carry out its scenario (a job never accepted, a session lost
   * before its actions ran); undefined when it did. A run that did not has judged nothing.
   */
  readonly unexercised?: string;
}

export interface ExplorationSummary {
  runs: number;
  distinctSchedules: number;
  cancels: Record<CancelOrdering, number>;
  disconnects: Record<JobPhase, number>;
  boundedWaits: number;
  /** Runs that carried out their scenario: only these are evidence. */
  exercised: number;
  /** Why the latest run that did not carry out its scenario could not. */
  unexercised?: string;
  /** Runs per scenario shape (scenarioShape); absent when no shape was recorded. */
  shapes?: Record<string, number>;
}

/**
 * The shape of a generated scenario, what its runs are counted by: how many jobs and
 * sessions, and which client actions it takes (e.g. `2 jobs, 3 sessions: cancel+subscribe`).
 */
export function scenarioShape(scenario: { readonly jobs: readonly unknown[]; readonly sessions: readonly { readonly actions: readonly { readonly op: string }[] }[] }): string {
  const ops = [...new Set(scenario.sessions.flatMap((s) => s.actions.map((a) => a.op)).filter((op) => op !== 'submit'))].sort();
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(scenario.jobs.length, 'job')}, ${plural(scenario.sessions.length, 'session')}${ops.length === 0 ? '' : `: ${ops.join('+')}`}`;
}

/** The phase of a job for a session that has received `received` of `total` marked events. */
export function jobPhase(received: number, total: number, terminal: boolean): JobPhase {
  if (terminal) return 'after-terminal';
  if (received === 0) return 'before-first-event';
  const near = Math.max(1, Math.ceil(total * 0.2));
  return total - received <= near ? 'near-terminal' : 'mid';
}

function obj(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * The interleaving a run observed, with every run-specific value (ids, seqs, times) left out:
 * per frame, its connection's session name, direction, type, job index and (for events) kind
 * and marker; connection cuts too. Two runs with the same signature saw the same schedule.
 */
export function scheduleSignature(
  entries: readonly TranscriptEntry[],
  jobIndex: (jobId: string) => number | undefined,
): string {
  const sessionOf = new Map<string, string>();
  const hash = createHash('sha1');
  for (const entry of entries) {
    if (entry.kind === 'conn') {
      if (entry.event === 'open') sessionOf.set(entry.conn, (entry.label ?? entry.conn).split(/[\s,]+/)[0] ?? entry.conn);
      else if (entry.event !== 'closed') hash.update(`${sessionOf.get(entry.conn)}!${entry.event};`);
      continue;
    }
    const frame = obj(entry.frame);
    if (frame === undefined || typeof frame.type !== 'string' || frame.type === 'session.ping' || frame.type === 'session.pong') continue;
    const payload = obj(frame.payload);
    const jobId = typeof frame.job_id === 'string' ? frame.job_id : typeof payload?.job_id === 'string' ? payload.job_id : undefined;
    const job = jobId === undefined ? '' : String(jobIndex(jobId) ?? '?');
    const marker = obj(obj(payload?.body)?.marker);
    const kind = typeof payload?.kind === 'string' ? payload.kind : '';
    const where = marker === undefined ? '' : `${String(marker.branch)}/${String(marker.i)}`;
    hash.update(`${sessionOf.get(entry.conn)}${entry.dir === 'in' ? '<' : '>'}${frame.type}:${job}:${kind}:${where};`);
  }
  return hash.digest('hex').slice(0, 16);
}

export class ExplorationTally {
  readonly #schedules = new Set<string>();
  readonly #summary: ExplorationSummary = {
    runs: 0,
    distinctSchedules: 0,
    cancels: Object.fromEntries(CANCEL_ORDERINGS.map((c) => [c, 0])) as Record<CancelOrdering, number>,
    disconnects: Object.fromEntries(JOB_PHASES.map((p) => [p, 0])) as Record<JobPhase, number>,
    boundedWaits: 0,
    exercised: 0,
  };

  add(run: RunExploration): void {
    const s = this.#summary;
    s.runs += 1;
    this.#schedules.add(run.schedule);
    s.distinctSchedules = this.#schedules.size;
    for (const c of run.cancels) s.cancels[c] += 1;
    for (const p of run.disconnects) s.disconnects[p] += 1;
    s.boundedWaits += run.boundedWaits;
    if (run.unexercised === undefined) s.exercised += 1;
    else s.unexercised = run.unexercised;
  }

  addShape(shape: string): void {
    const shapes = (this.#summary.shapes ??= {});
    shapes[shape] = (shapes[shape] ?? 0) + 1;
  }

  summary(): ExplorationSummary {
    return structuredClone(this.#summary);
  }
}

/** One console line: runs, distinct schedules, cancel orderings, disconnect phases. */
export function formatExploration(property: string, s: ExplorationSummary, extra = ''): string {
  const c = s.cancels;
  const d = s.disconnects;
  return (
    `[property] ${property}: ${s.runs} runs (${s.exercised} carried out their scenario), ${s.distinctSchedules} distinct schedules; ` +
    `cancels before/after/lost-race/foreign ${c['before-terminal']}/${c['after-terminal']}/${c['lost-race']}/${c.foreign}; ` +
    `disconnects before-first-event/mid/near-terminal/after-terminal ${d['before-first-event']}/${d.mid}/${d['near-terminal']}/${d['after-terminal']}; ` +
    `bounded waits ${s.boundedWaits}` +
    (s.shapes === undefined ? '' : `; ${Object.keys(s.shapes).length} scenario shapes (${topShapes(s.shapes)})`) +
    (extra === '' ? '' : `; ${extra}`)
  );
}

/** The three most frequent shapes with their run counts. */
function topShapes(shapes: Record<string, number>): string {
  return Object.entries(shapes)
    .sort(([, a], [, b]) => b - a)
    .slice(0, 3)
    .map(([shape, n]) => `${shape} ×${n}`)
    .join('; ');
}
