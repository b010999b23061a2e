// Requests a server may legally leave unanswered: a job.cancel it will not act on (another
// principal's, or for an id this principal cannot see; v1.1 §7.6 requires no reply, and
// §6.6 then wants the same answer for both). The kit tells silence from a slow reply with a
// barrier: a session.ping sent right after the request. A server handles one connection's
// frames in order, so once its pong arrives it has handled the request too.
import type { WireFrame } from '../harness/frames.ts';
import type { Session } from '../harness/session.ts';
import type { ConformanceContext } from '../verdicts/conformance-test.ts';

export interface AnswerOrSilence {
  /** The reply `match` accepted, if one came before the pong. */
  readonly reply: WireFrame | undefined;
  /** The frame that showed the request was handled: the reply, or the pong. Undefined: neither came in time. */
  readonly handled: WireFrame | undefined;
}

/** Runs `send`, then a ping barrier; bounded by the target's timeout. */
export async function answerOrSilence(
  session: Session,
  t: ConformanceContext,
  send: () => void,
  match: (frame: WireFrame) => boolean,
  description: string,
): Promise<AnswerOrSilence> {
  const after = session.mark();
  send();
  session.send('session.ping', { nonce: `barrier-${after}`, sent_at: new Date().toISOString() });
  const handled = await session.watch((f) => match(f) || f.type === 'session.pong', {
    description: `${description}, or the pong of the ping sent after it (silence)`,
    forMs: t.target.timeoutMs,
    after,
  });
  return { reply: handled !== undefined && match(handled) ? handled : undefined, handled };
}
