// Assembles a Scenario from generated parts: the submitting session first, other sessions
// as actions need them, each principal only where the target can serve it.
import { summarizeExpectedMarkers } from '../../../spec/agent-script.ts';
import { SCENARIO_VERSION, type PrincipalRole, type PropertyName, type Scenario, type ScenarioAction, type ScenarioJob, type Trigger } from '../scenario.ts';
import { type Capabilities, has } from './capabilities.ts';

/** Where in a job's life an action fires. */
export type Moment = 'after-submit' | 'mid' | 'near-terminal' | 'after-terminal';

export const OWNER = 'owner';

/**
 * The trigger for a moment of job `job` whose complete run emits `total` marked events;
 * `k` picks the point (mid: after 1..total-1 events; near-terminal: 0-2 events left).
 */
export function momentTrigger(moment: Moment, k: number, job: number, total: number): Trigger {
  switch (moment) {
    case 'after-submit':
      return { on: 'accepted', job };
    case 'mid':
      return total <= 1 ? { on: 'events', job, count: total } : { on: 'events', job, count: 1 + (k % (total - 1)) };
    case 'near-terminal':
      return { on: 'remaining', job, count: k % 3 };
    case 'after-terminal':
      return { on: 'terminal', job };
  }
}

export class ScenarioBuilder {
  readonly #property: PropertyName;
  readonly #jobs: readonly ScenarioJob[];
  readonly #caps: Capabilities;
  readonly #sessions = new Map<string, { principal: PrincipalRole; ackEvery: number; actions: ScenarioAction[] }>();
  readonly #subscribed = new Set<string>();

  constructor(property: PropertyName, jobs: readonly ScenarioJob[], caps: Capabilities, ownerAckEvery: number) {
    this.#property = property;
    this.#jobs = jobs;
    this.#caps = caps;
    this.session(OWNER, 'primary', ownerAckEvery);
  }

  get jobCount(): number {
    return this.#jobs.length;
  }

  /** Marked events job `job` emits in a complete run. */
  total(job: number): number {
    const script = this.#jobs[job]?.script;
    return script === undefined ? 0 : summarizeExpectedMarkers(script).total;
  }

  /** Adds a session (once); acks only where the target negotiated them. */
  session(name: string, principal: PrincipalRole, ackEvery = 0): string {
    if (!this.#sessions.has(name)) this.#sessions.set(name, { principal, ackEvery: has(this.#caps, 'ack') ? ackEvery : 0, actions: [] });
    return name;
  }

  add(name: string, action: ScenarioAction): void {
    const session = this.#sessions.get(name);
    if (session === undefined) throw new Error(`ScenarioBuilder: unknown session ${name}`);
    session.actions.push(action);
  }

  /** Submits every job from the owner: job 0 at once, job j after `gaps[j-1]` events of job j-1. */
  submitAll(gaps: readonly number[]): void {
    for (let job = 0; job < this.#jobs.length; job++) {
      const gap = gaps[(job - 1 + gaps.length) % Math.max(1, gaps.length)] ?? 0;
      const when: Trigger = job === 0 ? { on: 'start' } : gap === 0 ? { on: 'accepted', job: job - 1 } : { on: 'events', job: job - 1, count: gap };
      this.add(OWNER, { op: 'submit', job, when });
    }
  }

  /** One subscription of `name` to `job` (later requests for the same pair are ignored). */
  subscribe(name: string, job: number, when: Trigger, history: boolean): void {
    const key = `${name}\u0000${job}`;
    if (this.#subscribed.has(key)) return;
    this.#subscribed.add(key);
    this.add(name, { op: 'subscribe', job, history, when });
  }

  build(): Scenario {
    return {
      version: SCENARIO_VERSION,
      property: this.#property,
      jobs: this.#jobs,
      sessions: [...this.#sessions].map(([name, s]) => ({ name, principal: s.principal, ackEvery: s.ackEvery, actions: s.actions })),
    };
  }
}
