// "The agent's events" (issue 11 cause 3): a runtime may add unmarked events of its own
// before and between the conformance agent's; the kit waits for, counts and times only the
// marked ones.
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../harness/session.ts';
import { type ScriptedServer, serverFrame, startScriptedServer, welcoming } from '../harness/testing/scripted-server.ts';
import { payloadOf } from '../harness/frames.ts';
import { submit, waitForAgentEvent } from './index.ts';
import { RecordingContext } from './testing/recording-context.ts';

const servers: ScriptedServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

const env = { session_id: 's1', job_id: 'j1' };
let seq = 0;
const runtimeStatus = (phase: string) => serverFrame('job.event', { kind: 'status', body: { phase } }, { ...env, event_seq: ++seq });
const agentLog = (i: number) => serverFrame('job.event', { kind: 'log', body: { level: 'info', message: `m${i}`, marker: { branch: '0', i } } }, { ...env, event_seq: ++seq });

describe('waitForAgentEvent', () => {
  it("waits past the runtime's own unmarked events for the agent's marked ones", async () => {
    const server = await startScriptedServer(
      welcoming({ sessionId: 's1' }, async (peer) => {
        await peer.next('job.submit');
        peer.send(serverFrame('job.accepted', { job_id: 'j1' }, env));
        peer.send(runtimeStatus('running'));
        peer.send(serverFrame('job.event', { kind: 'metric', body: { name: 'cost.budget.remaining', value: 1 } }, { ...env, event_seq: ++seq }));
        peer.send(agentLog(0));
        peer.send(runtimeStatus('back_pressure'));
        peer.send(agentLog(1));
        peer.send(agentLog(2));
      }),
    );
    servers.push(server);
    const t = new RecordingContext(server.url);
    const session = await connect(server.url, { token: 'bearer-token-primary-0001', profile: t.target.profile, timeoutMs: 1000 });
    const mark = session.mark();
    await submit(session, t, { steps: [{ op: 'emit', kind: 'log', count: 3 }] });
    const first = await waitForAgentEvent(session, 'j1', { after: mark });
    expect(payloadOf(first).body).toMatchObject({ marker: { branch: '0', i: 0 } });
    const third = await waitForAgentEvent(session, 'j1', { after: mark, count: 3 });
    expect(payloadOf(third).body).toMatchObject({ marker: { branch: '0', i: 2 } });
    await session.connection.closeSocket();
  });
});
