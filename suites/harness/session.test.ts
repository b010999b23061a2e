import { afterEach, describe, expect, it } from 'vitest';
import { parseProfile, type Profile } from './config.ts';
import { forJob, isType, payloadOf } from './frames.ts';
import { isRedacted } from './redact.ts';
import { AGENTS_KEPT, type Session, connect, connectRaw, awaitWelcome, helloPayload } from './session.ts';
import { type Script, type ScriptedServer, dig, serverFrame, startScriptedServer, welcomeFrame, welcoming } from './testing/scripted-server.ts';
import { Transcript } from './transcript.ts';
import { STREAMED_FRAME_BYTES } from './giant-frames.ts';
import { AGENT_LIST_KEPT } from './long-agent-lists.ts';
import { rejection } from './testing/rejection.ts';

const TOKEN = 'bearer-token-of-alice-0001';
const RT1 = 'rt-first-resume-token-aaaa';
const RT2 = 'rt-rotated-resume-token-bbbb';
const CRED = 'sk-virt-credential-cccc';
const CRED_ROTATED = 'sk-virt-credential-dddd';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(script: Script): Promise<ScriptedServer> {
  const server = await startScriptedServer(script);
  cleanups.push(() => server.close());
  return server;
}

async function open(url: string, options: { profile?: Profile; features?: string[]; transcript?: Transcript; timeoutMs?: number } = {}): Promise<Session> {
  const session = await connect(url, { token: TOKEN, timeoutMs: 1000, label: 'owner', ...options });
  cleanups.push(() => session.connection.drop());
  return session;
}

const event = (seq: number, jobId = 'j1') =>
  serverFrame('job.event', { kind: 'log', body: { level: 'info', message: `event ${seq}` } }, { session_id: 'sess_1', job_id: jobId, event_seq: seq });

describe('connect', () => {
  it('sends the DESIGN §5 hello and exposes the negotiated session', async () => {
    const server = await serve(
      welcoming({
        sessionId: 'sess_1',
        resumeToken: RT1,
        features: ['ack', 'subscribe', 'x-vendor-thing'],
        agents: ['echo', { name: 'conformance', versions: ['1.0.0', '2.0.0'], default: '2.0.0' }, 42],
        heartbeatIntervalSec: 15,
        resumeWindowSec: 120,
      }),
    );
    const session = await open(server.url, { features: ['ack', 'subscribe', 'heartbeat'] });
    const hello = server.peers[0]!.received[0]!.frame;
    expect(hello).toMatchObject({
      arcp: '1.1',
      type: 'session.hello',
      payload: {
        client: { name: 'arcp-conformance' },
        auth: { scheme: 'bearer', token: TOKEN },
        capabilities: { encodings: ['json'], features: ['ack', 'subscribe', 'heartbeat'] },
      },
    });
    expect(dig(hello, 'session_id')).toBeUndefined();
    expect(session.sessionId).toBe('sess_1');
    expect([...session.features]).toEqual(['ack', 'subscribe']);
    expect(session.agents).toEqual([
      { name: 'echo', versions: [] },
      { name: 'conformance', versions: ['1.0.0', '2.0.0'], default: '2.0.0' },
    ]);
    expect(session.heartbeatIntervalSec).toBe(15);
    expect(session.resumeWindowSec).toBe(120);
    expect(session.resumeToken).toBe(RT1);
    expect(isRedacted(payloadOf(session.welcome).resume_token)).toBe(true);
    expect(session.lastEventSeq).toBeUndefined();
  });

  it('keeps of a long agent inventory its first entries and the profile’s agent, wherever it is listed; VER-001’s shape is judged on all of it', async () => {
    const others = Array.from({ length: 5000 }, (_, k) => ({ name: `x-${k}`, versions: ['1.0.0'] }));
    const conformance = { name: 'conformance', versions: ['2.0.0'], default: '2.0.0' };
    const server = await serve(welcoming({ sessionId: 'sess_a', agents: [...others.slice(0, 4000), conformance, 7, ...others.slice(4000)] }));
    const session = await open(server.url);
    expect(session.agents.map((a) => a.name)).toEqual([...others.slice(0, AGENTS_KEPT).map((a) => a.name), 'conformance']);
    expect(session.agents.at(-1)).toEqual(conformance);
    expect(session.agentInventory.notRich).toEqual([7]);
  });

  it('receives a welcome of many MiB of agents with a bounded list that still holds the profile’s agent and every shape', async () => {
    const others = Array.from({ length: 40_000 }, (_, k) => ({ name: `x-agent-${k}`, versions: ['1.0.0'], default: '1.0.0' }));
    const conformance = { name: 'conformance', versions: ['2.0.0'], default: '2.0.0' };
    const server = await serve(welcoming({ sessionId: 'sess_big', agents: [...others.slice(0, 30_000), conformance, { name: 'odd' }, ...others.slice(30_000)] }));
    const transcript = new Transcript();
    // A bound for a few MiB on a loaded machine: the test is about what is kept, not speed.
    const session = await open(server.url, { transcript, timeoutMs: 20_000 });
    const welcome = transcript.entries.find((e) => e.kind === 'frame' && e.dir === 'in');
    expect(welcome?.kind === 'frame' && welcome.bytes).toBeGreaterThan(STREAMED_FRAME_BYTES);
    expect(session.agents.map((a) => a.name).slice(AGENTS_KEPT - 2)).toEqual([...others.slice(AGENTS_KEPT - 2, AGENTS_KEPT).map((a) => a.name), 'conformance']);
    // The entry that is not rich is seen (VER-001), though the entries like the others were left out.
    expect(session.connection.agentEntriesElided).toBe(40_002 - AGENT_LIST_KEPT - 2);
    expect(session.agentInventory.notRich).toEqual([{ name: 'odd' }]);
  });

  it('offers the profile’s features by default and takes the session id from the payload if needed', async () => {
    const server = await serve(welcoming({ sessionId: 'sess_p', sessionIdInPayload: true, features: ['progress'] }));
    const session = await open(server.url, { profile: parseProfile({ features: ['progress', 'result_chunk'] }) });
    expect(session.sessionId).toBe('sess_p');
    expect([...session.features]).toEqual(['progress']);
    expect(dig(server.peers[0]!.received[0]!.frame, 'payload.capabilities.features')).toEqual(['progress', 'result_chunk']);
  });

  it('fails with protocol when the welcome has no session id anywhere', async () => {
    const server = await serve(async (peer) => {
      await peer.next('session.hello');
      peer.send(serverFrame('session.welcome', { resume_token: RT1 }));
    });
    const error = await rejection(connect(server.url, { token: TOKEN, timeoutMs: 1000 }));
    expect(error.kind).toBe('protocol');
    expect(error.message).toContain('session_id');
  });

  it('times out within the bound when the hello is never answered', async () => {
    const server = await serve(() => undefined);
    const error = await rejection(connect(server.url, { token: TOKEN, timeoutMs: 300 }));
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('session.welcome or session.error');
    expect((await server.peers[0]!.closed).code).toBe(1000);
  });

  it('is rejected, with code and reason, when the server closes mid-handshake', async () => {
    const server = await serve(async (peer) => {
      await peer.next('session.hello');
      peer.close(1008, 'policy');
    });
    const error = await rejection(connect(server.url, { token: TOKEN, timeoutMs: 1000 }));
    expect(error.kind).toBe('rejected');
    expect(error.message).toMatch(/closed .* before any session.welcome \(code 1008, reason "policy"\)/);
  });

  it('is rejected with the error payload on session.error, token redacted even when echoed', async () => {
    const server = await serve(async (peer) => {
      await peer.next('session.hello');
      peer.send(serverFrame('session.error', { code: 'UNAUTHENTICATED', message: `token ${TOKEN} is not valid`, retryable: false }));
      peer.close(1008, `bad ${TOKEN}`);
    });
    const transcript = new Transcript();
    const error = await rejection(connect(server.url, { token: TOKEN, timeoutMs: 1000, transcript }));
    expect(error.kind).toBe('rejected');
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.payload).toMatchObject({ code: 'UNAUTHENTICATED', retryable: false });
    expect(error.message).toContain('UNAUTHENTICATED');
    expect(error.message).not.toContain(TOKEN);
    expect(JSON.stringify(error.payload)).not.toContain(TOKEN);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(JSON.stringify(transcript)).not.toContain(TOKEN);
  });

  it('reports an unreachable server', async () => {
    const server = await startScriptedServer(() => undefined);
    await server.close();
    const error = await rejection(connect(server.url, { token: TOKEN, timeoutMs: 1000 }));
    expect(error.kind).toBe('unreachable');
  });

  it('lets a test write its own hello on a raw connection', async () => {
    const server = await serve(async (peer) => {
      const hello = await peer.next('session.hello');
      if (dig(hello, 'payload.auth.token') === 'wrong-token-zzzz') {
        peer.send(serverFrame('session.error', { code: 'UNAUTHENTICATED', message: 'no', retryable: false }));
      }
    });
    const connection = await connectRaw(server.url, { timeoutMs: 1000 });
    cleanups.push(() => connection.drop());
    connection.send('session.hello', helloPayload({ name: 'x', version: '1' }, 'wrong-token-zzzz', []));
    const error = await rejection(awaitWelcome(connection, 1000));
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(connection.transcript)).not.toContain('wrong-token-zzzz');
  });
});

describe('session traffic', () => {
  it('sends with the session id, tracks the highest seq, and matches replies to requests', async () => {
    const server = await serve(
      welcoming({ sessionId: 'sess_1' }, async (peer) => {
        const list = await peer.next('session.list_jobs');
        peer.send(event(3));
        peer.send(event(4));
        peer.send(serverFrame('session.jobs', { request_id: dig(list, 'id'), jobs: [] }, { session_id: 'sess_1' }));
      }),
    );
    const session = await open(server.url);
    const reply = await session.request('session.list_jobs', {}, (f, id) => f.type === 'session.jobs' && payloadOf(f).request_id === id, {
      description: 'session.jobs',
    });
    expect(payloadOf(reply).jobs).toEqual([]);
    expect(server.peers[0]!.received[1]!.frame).toMatchObject({ type: 'session.list_jobs', session_id: 'sess_1' });
    expect(session.lastEventSeq).toBe(4);
  });
});

describe('close', () => {
  const closing = (answer: (peer: import('./testing/scripted-server.ts').ScriptedPeer) => void, type = 'session.close'): Script =>
    welcoming({ sessionId: 'sess_1' }, async (peer) => {
      await peer.next(type);
      answer(peer);
    });

  it('handles a server that acknowledges and closes the socket', async () => {
    const server = await serve(
      closing((peer) => {
        peer.send(serverFrame('session.closed', {}, { session_id: 'sess_1' }));
        peer.close(1000);
      }),
    );
    const session = await open(server.url);
    expect(await session.close({ reason: 'done' })).toEqual({ closedAck: true, socketClosed: true });
    expect(dig(server.peers[0]!.received[1]!.frame, 'payload.reason')).toBe('done');
  });

  it('handles a server that only closes the socket', async () => {
    const server = await serve(closing((peer) => peer.close(1000)));
    const session = await open(server.url);
    expect(await session.close()).toEqual({ closedAck: false, socketClosed: true });
  });

  it('closes the socket itself when the server acknowledges but keeps it open', async () => {
    const server = await serve(closing((peer) => peer.send(serverFrame('session.closed', {}, { session_id: 'sess_1' }))));
    const session = await open(server.url);
    expect(await session.close({ socketTimeoutMs: 200 })).toEqual({ closedAck: true, socketClosed: false });
    expect(session.connection.isOpen).toBe(false);
    expect((await server.peers[0]!.closed).code).toBe(1000);
  });

  it('uses session.bye with the bye close form', async () => {
    const server = await serve(
      closing((peer) => {
        peer.send(serverFrame('session.bye', {}, { session_id: 'sess_1' }));
        peer.close(1000);
      }, 'session.bye'),
    );
    const session = await open(server.url, { profile: parseProfile({ closeForm: 'session.bye' }) });
    expect(await session.close()).toEqual({ closedAck: true, socketClosed: true });
  });

  it('drop() cuts the socket: the server sees 1006', async () => {
    const server = await serve(welcoming());
    const session = await open(server.url);
    session.drop();
    expect((await server.peers[0]!.closed).code).toBe(1006);
  });
});

describe('resume', () => {
  /** First connection: welcome RT1, events 1-3. Second: checks the resume, replays 4 before the welcome, 5 after. */
  function resumable(checkResume: (frame: unknown) => void): Script {
    return async (peer, index) => {
      if (index === 0) {
        await peer.next('session.hello');
        peer.send(welcomeFrame({ sessionId: 'sess_1', resumeToken: RT1 }));
        for (const seq of [1, 2, 3]) peer.send(event(seq));
        return;
      }
      const request = await peer.next();
      checkResume(request);
      peer.send(event(4));
      peer.send(welcomeFrame({ sessionId: 'sess_1', resumeToken: RT2 }));
      peer.send(event(5));
    };
  }

  const forms: [Profile['resumeForm'], (frame: unknown) => void][] = [
    [
      'hello-resume',
      (frame) => {
        expect(dig(frame, 'type')).toBe('session.hello');
        expect(dig(frame, 'payload.resume')).toEqual({ session_id: 'sess_1', resume_token: RT1, last_event_seq: 3 });
        expect(dig(frame, 'payload.auth.token')).toBe(TOKEN);
      },
    ],
    [
      'hello-flat',
      (frame) => {
        expect(dig(frame, 'type')).toBe('session.hello');
        expect(dig(frame, 'payload')).toMatchObject({ session_id: 'sess_1', resume_token: RT1, last_event_seq: 3 });
        expect(dig(frame, 'payload.resume')).toBeUndefined();
      },
    ],
    [
      'session-resume',
      (frame) => {
        expect(dig(frame, 'type')).toBe('session.resume');
        expect(dig(frame, 'payload')).toEqual({
          session_id: 'sess_1',
          resume_token: RT1,
          last_event_seq: 3,
          auth: { scheme: 'bearer', token: TOKEN },
        });
      },
    ],
  ];

  for (const [form, check] of forms) {
    it(`resumes with the ${form} form, rotates the token and keeps replay that precedes the welcome`, async () => {
      const server = await serve(resumable(check));
      const session = await open(server.url, { profile: parseProfile({ resumeForm: form }) });
      await session.waitFor(forJob('j1', 'job.event'), { description: 'event 3', after: 0, timeoutMs: 1000 });
      await session.waitFor((f) => f.event_seq === 3, { description: 'event 3', after: 0, timeoutMs: 1000 });
      const first = session.connection;
      first.drop();
      const resumed = await session.resume();
      await server.settled();
      expect(server.errors).toEqual([]);
      expect(session.resumeToken).toBe(RT2);
      expect(session.connection).toBe(resumed.connection);
      expect(resumed.connection.id).not.toBe(first.id);
      expect(resumed.beforeWelcome.map((f) => f.event_seq)).toEqual([4]);
      const replayed = await session.waitFor((f) => f.event_seq === 4, { description: 'replayed event 4', after: resumed.mark });
      expect(replayed.type).toBe('job.event');
      await session.waitFor((f) => f.event_seq === 5, { description: 'live event 5', after: resumed.mark });
      expect(session.lastEventSeq).toBe(5);
      // The two welcomes carry different labels: the token rotated, and neither value is recorded.
      const welcomes = session.transcript.frames({ type: 'session.welcome' }).map((e) => dig(e.frame, 'payload.resume_token'));
      expect(welcomes).toHaveLength(2);
      expect(welcomes[0]).not.toBe(welcomes[1]);
      const recorded = JSON.stringify(session.transcript);
      for (const secret of [TOKEN, RT1, RT2]) expect(recorded).not.toContain(secret);
      expect(new Set(session.transcript.frames().map((e) => e.conn))).toEqual(new Set(['c1', 'c2']));
    });
  }

  it('leaves the session unchanged when the resume is rejected', async () => {
    const server = await serve(async (peer, index) => {
      if (index === 0) {
        await peer.next('session.hello');
        peer.send(welcomeFrame({ sessionId: 'sess_1', resumeToken: RT1 }));
        return;
      }
      const hello = await peer.next('session.hello');
      expect(dig(hello, 'payload.resume.last_event_seq')).toBe(17);
      expect(dig(hello, 'payload.resume.resume_token')).toBe('rt-stale-token-eeee');
      peer.send(serverFrame('session.error', { code: 'RESUME_WINDOW_EXPIRED', message: `window gone for ${RT1}`, retryable: false }));
      peer.close(1000);
    });
    const session = await open(server.url);
    const first = session.connection;
    first.drop();
    const error = await rejection(session.resume({ lastEventSeq: 17, token: 'rt-stale-token-eeee' }));
    await server.settled();
    expect(server.errors).toEqual([]);
    expect(error.kind).toBe('rejected');
    expect(error.code).toBe('RESUME_WINDOW_EXPIRED');
    expect(error.message).not.toContain(RT1);
    expect(session.connection).toBe(first);
    expect(session.resumeToken).toBe(RT1);
  });
});

describe('redaction end to end', () => {
  it('keeps tokens and credential values out of the transcript and of error messages', async () => {
    const server = await serve(
      welcoming({ sessionId: 'sess_1', resumeToken: RT1 }, async (peer) => {
        await peer.next('job.submit');
        const credential = { id: 'cred_1', scheme: 'bearer', value: CRED, endpoint: 'https://gw.example/v1' };
        peer.send(serverFrame('job.accepted', { job_id: 'j1', lease: {}, credentials: [credential] }, { session_id: 'sess_1', job_id: 'j1' }));
        peer.send(
          serverFrame(
            'job.event',
            { kind: 'status', body: { phase: 'credential_rotated', id: 'cred_1', value: CRED_ROTATED } },
            { session_id: 'sess_1', job_id: 'j1', event_seq: 1 },
          ),
        );
        peer.sendRaw(`oops, leaked ${CRED_ROTATED} and ${TOKEN} in plain text`);
      }),
    );
    const session = await open(server.url);
    session.send('job.submit', { agent: 'conformance', input: {} });
    const accepted = await session.waitFor(isType('job.accepted'), { description: 'job.accepted', after: 0 });
    await session.waitFor((f) => f.event_seq === 1, { description: 'the rotation', after: 0 });
    const error = await rejection(session.waitFor(isType('job.result'), { description: 'job.result', after: 0, timeoutMs: 300 }));
    expect(error.kind).toBe('timeout');
    const credentials = payloadOf(accepted).credentials as { value: unknown }[];
    expect(isRedacted(credentials[0]!.value)).toBe(true);
    const everything = JSON.stringify(session.transcript) + error.message + JSON.stringify(session);
    for (const secret of [TOKEN, RT1, CRED, CRED_ROTATED]) expect(everything).not.toContain(secret);
    const raw = session.transcript.frames((e) => e.raw !== undefined)[0]?.raw;
    expect(raw).toMatch(/^oops, leaked \[redacted:\d+\] and \[redacted:\d+\] in plain text$/);
  });
});
