// Best-effort, bounded teardown (issue 11 cause 4) against the scripted server: a cleanup
// that does not get what it expects leaves a kit note, never a verdict or an error; and
// releasing a held job does not demand a job.cancelled the spec does not oblige.
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type Session } from '../harness/session.ts';
import { type ScriptedPeer, type ScriptedServer, serverFrame, startScriptedServer, welcoming } from '../harness/testing/scripted-server.ts';
import { endJobQuietly, submit } from './index.ts';
import { RecordingContext } from './testing/recording-context.ts';

const servers: ScriptedServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

const env = { session_id: 's1', job_id: 'j1' };

/** Accepts one job, then answers its cancel with `onCancel`. */
async function heldJob(onCancel: (peer: ScriptedPeer) => void): Promise<{ session: Session; t: RecordingContext }> {
  const server = await startScriptedServer(
    welcoming({ sessionId: 's1' }, async (peer) => {
      await peer.next('job.submit');
      peer.send(serverFrame('job.accepted', { job_id: 'j1' }, env));
      await peer.next('job.cancel');
      onCancel(peer);
    }),
  );
  servers.push(server);
  const t = new RecordingContext(server.url);
  const session = await connect(server.url, { token: 'bearer-token-primary-0001', profile: t.target.profile, timeoutMs: 1000 });
  await submit(session, t, { steps: [{ op: 'wait_cancel' }] });
  return { session, t };
}

const cancelledTerminal = serverFrame('job.error', { code: 'CANCELLED', message: 'cancelled', retryable: false, final_status: 'cancelled' }, { ...env, event_seq: 2 });

describe('teardown', () => {
  it('ends a held job through its terminal alone: no job.cancelled needed, nothing noted', async () => {
    const { session, t } = await heldJob((peer) => peer.send(cancelledTerminal));
    await endJobQuietly(t, session, 'j1');
    expect(t.notes).toEqual([]);
    expect(t.judgements).toEqual([]);
    await session.connection.closeSocket();
  });

  it('notes, and does not throw, when the server never ends the job', async () => {
    const { session, t } = await heldJob(() => undefined);
    await endJobQuietly(t, session, 'j1');
    expect(t.notes).toEqual([expect.stringMatching(/^cleanup of job j1 did not complete \(not a verdict\): .*timed out/)]);
    expect(t.judgements).toEqual([]);
    await session.connection.closeSocket();
  });

});
