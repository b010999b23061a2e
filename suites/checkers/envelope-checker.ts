// Invariant: every server frame carries `"arcp": "1.1"`, and every server frame after the
// connection's welcome carries the session's own session_id (DESIGN §5, v1.0 §5.1). Frames a
// resumed session receives before its new welcome (v1.0 §6.3 replays first) already belong
// to it. A subscriber's forwarded events must carry the subscriber's session_id, not the
// submitter's (v1.1 §7.6): that case is named as such.
import { ARCP_VERSION } from '../../spec/messages.ts';
import type { FrameFacts } from './session-tracker.ts';
import { FrameChecker } from './frame-checker.ts';
import type { CheckerContext, CheckerFactory } from './types.ts';
import { describeFrame, shortJson } from './wire.ts';

const REQUIREMENTS = ['ENV-002', 'ENV-004', 'ENV-005', 'SUB-006'] as const;

class EnvelopeChecker extends FrameChecker {
  constructor(context: CheckerContext) {
    super('envelope', REQUIREMENTS, context);
  }

  protected onFrame(facts: FrameFacts): void {
    const { entry, wire, conn, session } = facts;
    if (wire === undefined || entry.dir !== 'in') return;
    if (wire.arcp !== ARCP_VERSION) {
      this.log.add('ENV-002', `${describeFrame(wire)} on ${conn.id} carries arcp ${shortJson(wire.arcp)}; expected "${ARCP_VERSION}".`, [entry.index]);
    }
    if ((wire.type === 'job.event' || wire.type === 'job.result' || (facts.sequenced && wire.type === 'job.error')) && wire.envelopeJobId === undefined) {
      this.log.add('ENV-005', `${describeFrame(wire)} on ${conn.id} carries no envelope job_id.`, [entry.index]);
    }
    if (wire.type === 'session.welcome' || session === undefined || session.anonymous) return;
    const welcomed = conn.welcomeIndex !== undefined && conn.welcomeIndex < entry.index;
    const replayBeforeWelcome = conn.resume?.outcome === 'pending' && facts.sequenced;
    if (!(welcomed || replayBeforeWelcome) || wire.sessionId === session.id) return;

    const witnesses = [conn.welcomeIndex ?? conn.resume?.index, entry.index];
    const carried = wire.sessionId === undefined ? 'no session_id' : `session_id ${wire.sessionId}`;
    const job = facts.job;
    const forwarded = facts.sequenced && job !== undefined && session.subscriptions.has(job.id) && !job.owners.includes(session.id);
    if (forwarded && job !== undefined) {
      const whose = wire.sessionId !== undefined && job.owners.includes(wire.sessionId) ? ", the submitting session's" : '';
      this.log.add(
        'SUB-006',
        `${describeFrame(wire)} for job ${job.id} forwarded to subscriber session ${session.id} on ${conn.id} carries ${carried}${whose} instead of ${session.id}.`,
        witnesses,
      );
      return;
    }
    const other = wire.sessionId === undefined ? undefined : this.tracker.session(wire.sessionId);
    this.log.add(
      'ENV-004',
      `${describeFrame(wire)}${wire.jobId ? ` for job ${wire.jobId}` : ''} on ${conn.id} carries ${carried}${
        other !== undefined ? ' (another session of this transcript)' : ''
      }; expected ${session.id}.`,
      witnesses,
    );
  }
}

export const envelopeChecker: CheckerFactory = {
  name: 'envelope',
  requirements: REQUIREMENTS,
  create: (context) => new EnvelopeChecker(context),
};
