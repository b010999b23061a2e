// A feature outside the negotiated intersection stays out of every path a session receives
// events by (v1.1 §6.2: "Either peer MUST NOT use a feature outside that intersection"): not
// only its own jobs' live events, but also the history replayed by job.subscribe. Shared by
// the progress (EVT-008) and result streaming (CHUNK-006) checks.
import type { Step } from '../../spec/agent-script.ts';
import type { Feature } from '../../spec/features.ts';
import type { WireFrame } from '../harness/frames.ts';
import { HOLD_MS, heldScript, requestSubscribe, waitForMarkers } from '../subscribe/support.ts';
import { brief, evidenceAround, requireAgent, requireFeatures, submitAccepted, waitForTerminal, withSessions } from '../support/index.ts';
import type { ConformanceContext } from '../verdicts/conformance-test.ts';

export interface HistoryGateCase {
  readonly id: string;
  readonly feature: Feature;
  /** Marked steps that emit events only a session with `feature` may receive. */
  readonly gated: readonly Step[];
  /** How many marked events `gated` emits. */
  readonly gatedEvents: number;
  readonly isGated: (frame: WireFrame) => boolean;
  readonly what: string;
}

/**
 * A session with the feature runs a job that emits gated events, then one marked log and a
 * hold; during the hold a session of the same principal that did not negotiate the feature
 * subscribes with history from the start. Nothing gated may reach it, replayed or live.
 */
export function judgeHistoryGate(t: ConformanceContext, gate: HistoryGateCase): Promise<void> {
  return withSessions(t, async (sessions) => {
    const owner = await sessions.open({ label: 'owner' });
    requireAgent(t, owner);
    requireFeatures(t, owner, gate.feature, 'subscribe');
    const features = t.target.profile.features.filter((f) => f !== gate.feature);
    const watcher = await sessions.open({ label: `subscriber without ${gate.feature}`, features });
    requireFeatures(t, watcher, 'subscribe');
    const held = heldScript(1, 0);
    const mark = owner.mark();
    const { jobId } = await submitAccepted(owner, t, gate.id, { steps: [...gate.gated, ...held.steps] });
    await waitForMarkers(owner, jobId, gate.gatedEvents + 1, t.target.timeoutMs, mark);
    const outcome = await requestSubscribe(watcher, t, jobId, { history: true, fromEventSeq: 0 });
    if (!outcome.subscribed) {
      t.untestable(`job.subscribe with history of a job of the same principal was refused (${brief(outcome.frame)}); the subscribe suite judges that`);
    }
    await waitForTerminal(watcher, jobId, t.target.timeoutMs + HOLD_MS, outcome.mark);
    const leaked = watcher.connection.framesSince(outcome.mark).filter(gate.isGated);
    t.must(gate.id, leaked.length === 0, () => ({
      expected: `no ${gate.what} replayed or forwarded to a subscriber that did not negotiate ${gate.feature}`,
      actual: `${leaked.length} ${gate.what}: ${leaked.slice(0, 3).map(brief).join('; ')}`,
      ...evidenceAround(watcher, outcome.frame, ...leaked.slice(0, 3)),
    }));
  });
}
