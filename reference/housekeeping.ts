// The runtime's clock-driven duties, on one timer: heartbeats (v1.1 §6.4), time-based
// freeing of buffers (v1.1 §6.5, §7.6) and the retention of finished jobs.
import { errorPayload } from './request-error.ts';
import { isoNow, randomId } from './ids.ts';
import type { Runtime } from './runtime.ts';
import type { Session } from './session.ts';

/** How often buffers and retention are swept. */
const SWEEP_MS = 1000;

export function startHousekeeping(rt: Runtime): () => void {
  const intervalMs = rt.config.heartbeatSec * 1000;
  const tickMs = Math.max(20, Math.min(250, intervalMs / 4));
  let lastSweep = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    for (const session of rt.sessions.values()) heartbeat(rt, session, now, intervalMs);
    if (now - lastSweep >= SWEEP_MS) {
      lastSweep = now;
      sweep(rt, now);
    }
  }, tickMs).unref();
  return () => clearInterval(timer);
}

// Ping when the runtime has been quiet, or the client silent, for an interval; after two
// silent intervals: HEARTBEAT_LOST and close. Jobs and the session live on (v1.1 §6.4).
function heartbeat(rt: Runtime, session: Session, now: number, intervalMs: number): void {
  const link = session.link;
  if (link === undefined || !session.has('heartbeat')) return;
  const silentFor = now - link.lastInboundAt;
  if (silentFor >= 2 * intervalMs) {
    session.outbound.send('session.error', errorPayload('HEARTBEAT_LOST', `no message from the client for ${Math.round(silentFor)} ms`));
    rt.detach(session, 'heartbeat');
    link.close(1001, 'HEARTBEAT_LOST');
    return;
  }
  const quiet = now - session.outbound.lastSentAt >= intervalMs;
  const probe = silentFor >= intervalMs && now - link.lastPingAt >= intervalMs;
  if (quiet || probe) {
    link.lastPingAt = now;
    session.outbound.send('session.ping', { nonce: randomId('p_', 8), sent_at: isoNow() });
  }
}

/**
 * Frees the session's buffered events older than the resume window (v1.1 §6.5: un-acked
 * events are not freed by time when ack is negotiated). The sweep does it each second; a
 * resume does it first, so what it may replay never depends on when the sweep last ran.
 */
export function freeExpiredEvents(rt: Runtime, session: Session, now: number): void {
  if (!session.has('ack')) session.outbound.log.freeOlderThan(now - rt.config.resumeWindowSec * 1000);
}

function sweep(rt: Runtime, now: number): void {
  const windowStart = now - rt.config.resumeWindowSec * 1000;
  for (const session of rt.sessions.values()) freeExpiredEvents(rt, session, now);
  const retentionStart = now - rt.config.jobRetentionSec * 1000;
  for (const job of [...rt.jobs.all()]) {
    job.history.freeOlderThan(windowStart);
    if (job.endedAtMs !== undefined && job.endedAtMs < retentionStart) rt.forgetJob(job);
  }
}
