// Error payloads (v1.1 §12, v1.0 §12, §7.3). LEASE_EXPIRED and BUDGET_EXHAUSTED carry
// retryable false (ERR-003), INTERNAL_ERROR retryable true (ERR-004), wherever an error
// payload appears: session.error, job.error, a tool_result event's body.error. Codes of
// session.error and of request-rejecting job.error (no job) are canonical (ERR-002); a job's
// terminal job.error may carry the agent's own code. A terminal's code and final_status
// agree: CANCELLED with "cancelled", TIMEOUT with "timed_out", anything else with "error"
// (ERR-005). A missing final_status is terminal-checker.ts's (LIFE-003).
import { ERROR_CODES, type ErrorCode, PINNED_RETRYABLE } from '../../spec/errors.ts';
import type { FrameFacts } from './session-tracker.ts';
import { FrameChecker } from './frame-checker.ts';
import type { CheckerContext, CheckerFactory } from './types.ts';
import { eventBody, eventKind, isObject, type JsonObject, shortJson, stringField } from './wire.ts';

const REQUIREMENTS = ['ERR-002', 'ERR-003', 'ERR-004', 'ERR-005'] as const;

const CANONICAL: ReadonlySet<string> = new Set(ERROR_CODES);

function statusForCode(code: string): string {
  if (code === 'CANCELLED') return 'cancelled';
  if (code === 'TIMEOUT') return 'timed_out';
  return 'error';
}

class ErrorPayloadChecker extends FrameChecker {
  constructor(context: CheckerContext) {
    super('error-payload', REQUIREMENTS, context);
  }

  protected onFrame(facts: FrameFacts): void {
    const { entry, wire } = facts;
    // A replay re-delivers a frame already judged: judge each seq once per session.
    if (wire === undefined || entry.dir !== 'in' || (facts.sequenced && facts.receipt !== undefined && !facts.fresh)) return;
    if (wire.type === 'session.error' || wire.type === 'job.error') {
      const where = `${wire.type}${wire.jobId ? ` for job ${wire.jobId}` : ''} on ${entry.conn}`;
      this.checkPinned(wire.payload, where, entry.index);
      const code = stringField(wire.payload, 'code');
      if (code === undefined) return;
      const rejection = wire.type === 'session.error' || wire.jobId === undefined;
      if (rejection && !CANONICAL.has(code)) {
        this.log.add('ERR-002', `${where} carries code ${shortJson(code)}, which is not one of the canonical error codes.`, [entry.index]);
      }
      const status = stringField(wire.payload, 'final_status');
      if (!rejection && status !== undefined && status !== statusForCode(code)) {
        this.log.add('ERR-005', `${where} pairs code ${code} with final_status "${status}"; expected "${statusForCode(code)}".`, [entry.index]);
      }
      return;
    }
    if (wire.type === 'job.event' && eventKind(wire) === 'tool_result') {
      const error = eventBody(wire)?.error;
      if (isObject(error)) this.checkPinned(error, `the tool_result error of job ${wire.jobId ?? '?'} at seq ${wire.seq ?? '?'}`, entry.index);
    }
  }

  private checkPinned(payload: JsonObject, where: string, index: number): void {
    const code = stringField(payload, 'code');
    const pinned = code === undefined ? undefined : PINNED_RETRYABLE[code as ErrorCode];
    if (pinned === undefined || payload.retryable === pinned) return;
    this.log.add(
      code === 'INTERNAL_ERROR' ? 'ERR-004' : 'ERR-003',
      `${where} carries ${code} with retryable ${shortJson(payload.retryable)}; it must be ${pinned}.`,
      [index],
    );
  }
}

export const errorPayloadChecker: CheckerFactory = {
  name: 'error-payload',
  requirements: REQUIREMENTS,
  create: (context) => new ErrorPayloadChecker(context),
};
