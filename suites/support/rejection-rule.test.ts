// The rejection rule as the suites' helpers read it (harness/job-holdings.ts, DESIGN §5),
// against the scripted server: a job.error naming no job the session holds answers the
// request; one naming a held job is that job's terminal.
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../harness/session.ts';
import { type ScriptedServer, serverFrame, startScriptedServer, welcoming } from '../harness/testing/scripted-server.ts';
import { isRejection, isTerminal, submit, waitForTerminal } from './index.ts';
import { RecordingContext } from './testing/recording-context.ts';

const servers: ScriptedServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function serve(script: Parameters<typeof welcoming>[1]): Promise<{ url: string; t: RecordingContext }> {
  const server = await startScriptedServer(welcoming({ sessionId: 's1' }, script));
  servers.push(server);
  return { url: server.url, t: new RecordingContext(server.url) };
}

async function sessionOn(url: string, t: RecordingContext) {
  return connect(url, { token: 'bearer-token-primary-0001', profile: t.target.profile, timeoutMs: 1000 });
}

const SCRIPT = { steps: [{ op: 'finish' }] };

describe('the rejection rule in the suites', () => {
  it('takes a job.error carrying a fresh job_id as the rejection of a submit', async () => {
    const { url, t } = await serve(async (peer) => {
      await peer.next('job.submit');
      peer.send(serverFrame('job.error', { code: 'AGENT_NOT_AVAILABLE', message: 'no such agent', retryable: false }, { session_id: 's1', job_id: 'job_fresh' }));
    });
    const session = await sessionOn(url, t);
    const outcome = await submit(session, t, SCRIPT, { agent: 'no-such-agent' });
    expect(outcome).toMatchObject({ accepted: false, code: 'AGENT_NOT_AVAILABLE' });
    await session.connection.closeSocket();
  });

  it('takes a job.error naming a job the session holds as its terminal, not a rejection', async () => {
    const { url, t } = await serve(async (peer) => {
      await peer.next('job.submit');
      peer.send(serverFrame('job.accepted', { job_id: 'j1' }, { session_id: 's1', job_id: 'j1' }));
      peer.send(serverFrame('job.error', { code: 'INTERNAL_ERROR', message: 'boom', retryable: false, final_status: 'error' }, { session_id: 's1', job_id: 'j1', event_seq: 1 }));
    });
    const session = await sessionOn(url, t);
    const outcome = await submit(session, t, SCRIPT);
    expect(outcome).toMatchObject({ accepted: true, jobId: 'j1' });
    const terminal = await waitForTerminal(session, 'j1', 1000);
    expect(isTerminal(terminal)).toBe(true);
    expect(isRejection(terminal)).toBe(false);
    await session.connection.closeSocket();
  });

  it('lets DUPLICATE_KEY answer a keyed submit even when it names a held job (that job.error stays its terminal)', async () => {
    const { url, t } = await serve(async (peer) => {
      await peer.next('job.submit');
      peer.send(serverFrame('job.accepted', { job_id: 'j1' }, { session_id: 's1', job_id: 'j1' }));
      await peer.next('job.submit');
      peer.send(serverFrame('job.error', { code: 'DUPLICATE_KEY', message: 'key reused', retryable: false }, { session_id: 's1', job_id: 'j1' }));
    });
    const session = await sessionOn(url, t);
    await submit(session, t, SCRIPT, { payload: { idempotency_key: 'k' } });
    const again = await submit(session, t, { steps: [{ op: 'emit', kind: 'log' }, { op: 'finish' }] }, { payload: { idempotency_key: 'k' } });
    expect(again).toMatchObject({ accepted: false, code: 'DUPLICATE_KEY' });
    expect(isTerminal(again.frame)).toBe(true);
    await session.connection.closeSocket();
  });
});
