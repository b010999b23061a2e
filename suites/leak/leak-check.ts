// LEAK-001 measured on a server process: does memory keep growing for sessions that are gone
// for good? (audit ruby-subscription-leak-on-close: a closed session left attached to its
// subscriptions, fan-out filling its dead outbox for the rest of the job.)
//
// One chatty job runs throughout. Control phase: sessions subscribe to it and stay open,
// acking, while the server's RSS is sampled: its slope, and how far it strays from that trend
// (the noise). Leak phase: more sessions subscribe and then close without ever resuming. Once
// their resume window has passed the server must have let them go, so RSS may grow no faster
// than in the control phase, beyond the noise (growth.ts). A server that still fans out into
// their buffers grows with every event of the job. When the measurement is within noise of
// neither answer it goes on, in rounds; if it is still undecided at the end the check says
// "inconclusive" with the measured numbers, never a FAIL.
import type { AgentScript, Step } from '../../spec/agent-script.ts';
import { DEFAULT_PROFILE, type Profile } from '../harness/config.ts';
import { type FramePredicate, type WireFrame, isWireFrame, payloadOf } from '../harness/frames.ts';
import { isRejection } from '../harness/job-holdings.ts';
import { connect, type Session } from '../harness/session.ts';
import { Transcript } from '../harness/transcript.ts';
import { type GrowthJudgement, judgeGrowth } from './growth.ts';
import { RssSampler, type RssSample, samplesBetween } from './rss.ts';

export interface LeakCheckOptions {
  readonly url: string;
  /** Bearer token of the principal that submits and subscribes. */
  readonly token: string;
  /** The server process whose RSS is sampled. */
  readonly pid: number;
  /** The server's resume window (session.welcome resume_window_sec). */
  readonly resumeWindowSec: number;
  readonly profile?: Profile;
  /** Bound of each wait (connect, subscribe, close). */
  readonly timeoutMs?: number;
  /** Sessions subscribed and kept open throughout (default 4). */
  readonly controlSessions?: number;
  /** Sessions that subscribe and close for good in the leak phase (default 24). */
  readonly leakSessions?: number;
  /** Length of the control measurement (default 3000 ms). */
  readonly controlMs?: number;
  /** One round of the measurement after the resume window (default 4000 ms). */
  readonly measureMs?: number;
  /** The measurement goes on in rounds while undecided, up to this long (default 16000 ms). */
  readonly maxMeasureMs?: number;
  /** Growth counts as a leak only when sustained this long (default 6000 ms: two rounds). */
  readonly minFailMs?: number;
  /** Waited past the window before measuring, for the server's own sweep (default 1000 ms). */
  readonly marginMs?: number;
  /** Events per second the chatty job aims for (default 1000). */
  readonly eventsPerSecond?: number;
  /** Characters of each event's message (default 256), so a leak shows quickly. */
  readonly messageChars?: number;
  /**
   * Leak-phase slope allowed above the control slope whatever the measured noise, in KB/s
   * (default 512; a leak of every event for every closed session grows several times faster,
   * see expectedLeakKbPerSec).
   */
  readonly toleranceKbPerSec?: number;
  readonly sampleIntervalMs?: number;
}

export interface LeakPhases {
  readonly controlFromMs: number;
  readonly controlToMs: number;
  readonly lastCloseMs: number;
  readonly measureFromMs: number;
  readonly measureToMs: number;
}

/** `inconclusive`: the noise left the measurement undecided; it accuses nobody. */
export type LeakVerdict = 'pass' | 'fail' | 'inconclusive';

export interface LeakCheckResult {
  readonly verdict: LeakVerdict;
  readonly controlSlopeKbPerSec: number;
  readonly leakSlopeKbPerSec: number;
  /** How far RSS strayed from its trend in the control phase, in KB. */
  readonly noiseKb: number;
  /** The slope the final measurement allowed: control + tolerance + noise over its length. */
  readonly allowedKbPerSec: number;
  readonly toleranceKbPerSec: number;
  /** How fast a server keeping each closed session's copy of every event (at wire size) would grow. */
  readonly expectedLeakKbPerSec: number;
  /** Every RSS sample of the run (the slopes are fitted over the two phases' slices). */
  readonly samples: readonly RssSample[];
  readonly phases: LeakPhases;
  readonly closedSessions: number;
  readonly resumeWindowSec: number;
  /** One sentence: what was measured and what it means. */
  readonly summary: string;
}

/** The leak check could not run (refused subscribe, a session that never opened, ...). */
export class LeakCheckError extends Error {
  override readonly name = 'LeakCheckError';
}

const ACK_EVERY = 200;
const WARM_UP_MS = 2500;
/**
 * Emit-and-sleep pairs in the chatty script. The script has no loop, so the period grows with
 * the duration to keep the job.submit frame well under 64 KiB (servers cap frame size).
 */
const MAX_PERIODS = 120;
const MIN_PERIOD_MS = 100;

/** The phases besides the resume window, at their longest (defaults), for callers' bounds. */
export const LEAK_CHECK_PHASES_MS = WARM_UP_MS + 3000 + 1000 + 16_000 + 24 * 500;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** A job that emits `eventsPerSecond` log events for about `durationMs`, then finishes. */
export function chattyScript(durationMs: number, eventsPerSecond: number, messageChars: number): AgentScript {
  const periodMs = Math.max(MIN_PERIOD_MS, Math.ceil(durationMs / MAX_PERIODS));
  const periods = Math.max(1, Math.ceil(durationMs / periodMs));
  const count = Math.max(1, Math.round((eventsPerSecond * periodMs) / 1000));
  const message = 'leak-check '.padEnd(Math.max(11, Math.min(messageChars, 1024)), 'x');
  const steps: Step[] = [];
  for (let k = 0; k < periods; k += 1) {
    steps.push({ op: 'emit', kind: 'log', count, body: { level: 'info', message } }, { op: 'sleep', ms: periodMs });
  }
  steps.push({ op: 'finish', summary: 'leak check done' });
  return { steps };
}

function describe(frame: WireFrame): string {
  const payload = payloadOf(frame);
  return `${String(frame.type)}${typeof payload.code === 'string' ? ` ${payload.code}` : ''}${typeof payload.message === 'string' ? `: ${payload.message}` : ''}`;
}

/** Acks every ACK_EVERY sequenced frames, so the server may free what the session has seen. */
function keepAcking(session: Session): void {
  if (!session.features.has('ack')) return;
  let since = 0;
  session.connection.addInboundListener((frame) => {
    if (!isWireFrame(frame) || typeof frame.event_seq !== 'number') return;
    since += 1;
    if (since < ACK_EVERY || !session.connection.isOpen) return;
    since = 0;
    session.send('session.ack', { last_processed_seq: frame.event_seq });
  });
}

class Checker {
  readonly #o: Required<Omit<LeakCheckOptions, 'profile'>> & { profile: Profile };
  readonly #sessions: Session[] = [];

  constructor(options: LeakCheckOptions) {
    this.#o = {
      profile: DEFAULT_PROFILE,
      timeoutMs: 5000,
      controlSessions: 4,
      leakSessions: 24,
      controlMs: 3000,
      measureMs: 4000,
      maxMeasureMs: 16_000,
      minFailMs: 6000,
      marginMs: 1000,
      eventsPerSecond: 1000,
      messageChars: 256,
      toleranceKbPerSec: 512,
      sampleIntervalMs: 100,
      // An option given as undefined keeps its default.
      ...(Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as LeakCheckOptions),
    };
  }

  async #open(label: string): Promise<Session> {
    // Bounded transcripts: the check runs long, and nothing here is judged from the frames.
    const session = await connect(this.#o.url, {
      token: this.#o.token,
      transcript: new Transcript({ bounded: { tail: 256, landmarks: 256, inbox: 256 } }),
      profile: this.#o.profile,
      timeoutMs: this.#o.timeoutMs,
      label,
    });
    this.#sessions.push(session);
    keepAcking(session);
    return session;
  }

  async #request(session: Session, type: string, payload: Record<string, unknown>, match: FramePredicate, what: string): Promise<WireFrame> {
    const frame = await session.request(type, payload, (f, _id, entry) => match(f, entry) || isRejection(f), {
      description: what,
      timeoutMs: this.#o.timeoutMs,
    });
    if (isRejection(frame)) throw new LeakCheckError(`${type} was refused: ${describe(frame)}`);
    return frame;
  }

  async #subscribe(session: Session, jobId: string): Promise<void> {
    await this.#request(
      session,
      'job.subscribe',
      { job_id: jobId, history: false },
      (f) => f.type === 'job.subscribed' && (f.job_id === jobId || payloadOf(f).job_id === jobId),
      `job.subscribed for ${jobId}`,
    );
  }

  async run(): Promise<LeakCheckResult> {
    const o = this.#o;
    const windowMs = o.resumeWindowSec * 1000;
    const sampler = new RssSampler(o.pid, o.sampleIntervalMs);
    try {
      const owner = await this.#open('leak-owner');
      if (!owner.features.has('subscribe')) throw new LeakCheckError('the server did not negotiate the subscribe feature');
      // Twice the phases plus half a second per closed session, for a slow machine; cancelled
      // at the end.
      const durationMs = Math.min(550_000, 2 * (WARM_UP_MS + o.controlMs + windowMs + o.marginMs + o.maxMeasureMs) + o.leakSessions * 500);
      const accepted = await this.#request(
        owner,
        'job.submit',
        { agent: o.profile.agent, input: chattyScript(durationMs, o.eventsPerSecond, o.messageChars) },
        (f) => f.type === 'job.accepted',
        'job.accepted for the chatty job',
      );
      const jobId = String(payloadOf(accepted).job_id);
      try {
        return await this.#phases(sampler, owner, jobId, windowMs);
      } finally {
        if (owner.connection.isOpen) owner.send('job.cancel', { job_id: jobId, reason: 'leak check done' }, { job_id: jobId });
      }
    } finally {
      sampler.stop();
      await Promise.all(this.#sessions.map((s) => s.connection.closeSocket(1000, '', 1000).catch(() => undefined)));
    }
  }

  async #phases(sampler: RssSampler, owner: Session, jobId: string, windowMs: number): Promise<LeakCheckResult> {
    const o = this.#o;
    let jobEnded = false;
    owner.connection.addInboundListener((f) => {
      if (isWireFrame(f) && f.job_id === jobId && (f.type === 'job.result' || f.type === 'job.error')) jobEnded = true;
    });
    let ownerBytes = 0;
    owner.connection.addInboundListener((_f, entry) => {
      ownerBytes += entry.bytes;
    });
    await sleep(WARM_UP_MS); // the job streams, the server's heap settles
    for (let k = 0; k < o.controlSessions; k += 1) await this.#subscribe(await this.#open(`leak-control-${k}`), jobId);
    const controlFromMs = sampler.now();
    const bytesBefore = ownerBytes;
    await sleep(o.controlMs);
    const controlToMs = sampler.now();
    const wireKbPerSec = (ownerBytes - bytesBefore) / 1024 / ((controlToMs - controlFromMs) / 1000);

    for (let k = 0; k < o.leakSessions; k += 1) {
      const session = await this.#open(`leak-closed-${k}`);
      await this.#subscribe(session, jobId);
      await session.close({ reason: 'leak check: gone for good', timeoutMs: o.timeoutMs });
    }
    const lastCloseMs = sampler.now();
    await sleep(windowMs + o.marginMs);
    const measureFromMs = sampler.now();
    const control = samplesBetween(sampler.samples, controlFromMs, controlToMs);
    const limits = { toleranceKbPerSec: o.toleranceKbPerSec, minFailMs: o.minFailMs };
    let judgement: GrowthJudgement;
    do {
      await sleep(o.measureMs);
      if (jobEnded) throw new LeakCheckError(`the chatty job ${jobId} ended before the measurement did, so nothing was measured under load`);
      if (sampler.error !== undefined) throw new LeakCheckError(`RSS sampling stopped: ${sampler.error.message}`);
      judgement = judgeGrowth(control, samplesBetween(sampler.samples, measureFromMs, sampler.now()), limits);
    } while (judgement.decision === 'undecided' && sampler.now() - measureFromMs + o.measureMs <= o.maxMeasureMs);
    const measureToMs = sampler.now();

    const verdict: LeakVerdict = judgement.decision === 'undecided' ? 'inconclusive' : judgement.decision;
    const fmt = (n: number) => `${n.toFixed(1)} KB/s`;
    const [first, second] = judgement.halvesKbPerSec;
    const summary =
      `${o.leakSessions} sessions subscribed to a job emitting ~${o.eventsPerSecond} events/s and closed for good; ` +
      `${((measureFromMs - lastCloseMs) / 1000).toFixed(1)} s after the last close (resume window ${o.resumeWindowSec} s) the server's RSS grew at ${fmt(judgement.measuredSlopeKbPerSec)} ` +
      `over ${((measureToMs - measureFromMs) / 1000).toFixed(1)} s (halves ${fmt(first)}, ${fmt(second)}), against ${fmt(judgement.controlSlopeKbPerSec)} with ${o.controlSessions} open subscribers only, ` +
      `whose RSS strayed ${judgement.noiseKb.toFixed(0)} KB from its trend (allowed: the control slope + ${fmt(o.toleranceKbPerSec)} + that noise over the measurement = ${fmt(judgement.allowedKbPerSec)}; ` +
      `keeping every event for each closed session would add about ${fmt(wireKbPerSec * o.leakSessions)} at wire size)`;
    return {
      verdict,
      controlSlopeKbPerSec: judgement.controlSlopeKbPerSec,
      leakSlopeKbPerSec: judgement.measuredSlopeKbPerSec,
      noiseKb: judgement.noiseKb,
      allowedKbPerSec: judgement.allowedKbPerSec,
      toleranceKbPerSec: o.toleranceKbPerSec,
      expectedLeakKbPerSec: wireKbPerSec * o.leakSessions,
      samples: [...sampler.samples],
      phases: { controlFromMs, controlToMs, lastCloseMs, measureFromMs, measureToMs },
      closedSessions: o.leakSessions,
      resumeWindowSec: o.resumeWindowSec,
      summary,
    };
  }
}

/**
 * Runs the control and leak phases against the server at `url` and judges LEAK-001 from
 * process `pid`'s RSS. Rejects with LeakCheckError (or the harness's HarnessError) when the check
 * cannot run; every wait is bounded.
 */
export async function runLeakCheck(options: LeakCheckOptions): Promise<LeakCheckResult> {
  if (!(options.resumeWindowSec >= 0 && Number.isFinite(options.resumeWindowSec))) {
    throw new LeakCheckError(`the resume window must be a finite number of seconds >= 0 (got ${String(options.resumeWindowSec)})`);
  }
  return new Checker(options).run();
}
