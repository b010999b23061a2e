// withSessions against the harness's scripted server: what the test body did is what comes
// out, and every socket the body opened is closed however it ended, within a bound.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { type TargetConfig, loadTargetConfig } from '../harness/config.ts';
import type { Connection } from '../harness/connection.ts';
import { type ScriptedServer, startScriptedServer, welcomeFrame, welcoming } from '../harness/testing/scripted-server.ts';
import { Transcript } from '../harness/transcript.ts';
import { type ConformanceContext, UntestableError } from '../verdicts/conformance-test.ts';
import { withSessions } from './index.ts';

/**
 * The context withSessions runs in: a target with only a primary token, so a `secondary`
 * open is UNTESTABLE as on a one-principal server. withSessions judges nothing, so any
 * judgement is a bug and throws.
 */
class CleanupContext implements ConformanceContext {
  readonly target: TargetConfig;

  constructor(url: string) {
    this.target = loadTargetConfig({ ARCP_URL: url, ARCP_TOKEN: 'bearer-token-primary-0001', ARCP_TIMEOUT_MS: '1000' });
  }

  must(id: string, ok: boolean): asserts ok {
    throw new Error(`withSessions judged must(${id}, ${ok})`);
  }

  should(id: string): void {
    throw new Error(`withSessions judged should(${id})`);
  }

  notApplicable(reason: string): never {
    throw new Error(`withSessions ended the test as N/A: ${reason}`);
  }

  untestable(reason: string): never {
    throw new UntestableError(`UNTESTABLE: ${reason}`);
  }

  attachEvidence(): void {
    throw new Error('withSessions attached evidence');
  }

  /** The frames withSessions records, as it hands them over (the evidence of an UNTESTABLE). */
  seen: (() => readonly unknown[]) | undefined;

  framesSeen(frames: () => readonly unknown[]): void {
    this.seen = frames;
  }

  setReplay(): void {
    throw new Error('withSessions set a replay');
  }

  note(text: string): void {
    throw new Error(`withSessions noted: ${text}`);
  }

  inconclusive(id: string): void {
    throw new Error(`withSessions left ${id} inconclusive`);
  }
}

interface Closable {
  close(): Promise<void>;
}

const servers: Closable[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** A scripted server that welcomes every hello; raw connections send none and just stay open. */
async function serve(): Promise<ScriptedServer> {
  const server = await startScriptedServer(welcoming());
  servers.push(server);
  return server;
}

/** A server that welcomes a hello, then stops reading the socket: the client's close frame is never seen, so never answered. */
async function serveDeaf(): Promise<string> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  wss.on('connection', (socket, request) => {
    socket.once('message', () => {
      socket.send(JSON.stringify(welcomeFrame()));
      request.socket.pause();
    });
  });
  servers.push({
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  });
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/arcp`;
}

/** How long the server may take to see a socket close after withSessions settled. */
const PEER_CLOSE_BOUND_MS = 3000;

/** The close code of each peer in connection order, as the server saw it; 'open' for one still connected after the bound. */
async function peerCloseCodes(server: ScriptedServer): Promise<(number | 'open')[]> {
  return Promise.all(
    server.peers.map(async (peer) => {
      let timer: NodeJS.Timeout | undefined;
      const stillOpen = new Promise<'open'>((resolve) => {
        timer = setTimeout(() => resolve('open'), PEER_CLOSE_BOUND_MS);
      });
      const code = await Promise.race([peer.closed.then((info) => info.code), stillOpen]);
      clearTimeout(timer);
      return code;
    }),
  );
}

/** What a withSessions call settled with: its rejection, or 'resolved'. */
async function outcomeOf(run: Promise<void>): Promise<unknown> {
  try {
    await run;
    return 'resolved';
  } catch (error) {
    return error;
  }
}

describe('withSessions', () => {
  it("rethrows the body's own error unchanged and closes every session and raw connection it opened", async () => {
    const server = await serve();
    const failure = new Error('the test body failed');
    const opened: Connection[] = [];
    const outcome = await outcomeOf(
      withSessions(new CleanupContext(server.url), async (sessions) => {
        opened.push((await sessions.open({ label: 'a' })).connection);
        opened.push((await sessions.open({ label: 'b' })).connection);
        opened.push(await sessions.raw('raw'));
        opened.push((await sessions.open({ label: 'c', transcript: new Transcript() })).connection);
        throw failure;
      }),
    );
    expect(outcome).toBe(failure);
    // A graceful close (1000) of each, already complete on the client when withSessions settled.
    expect(opened.map((c) => c.closeInfo?.code)).toEqual([1000, 1000, 1000, 1000]);
    expect(await peerCloseCodes(server)).toEqual([1000, 1000, 1000, 1000]);
  });

  it('records sessions and raw connections on one transcript, unless an open names its own', async () => {
    const server = await serve();
    const own = new Transcript();
    await withSessions(new CleanupContext(server.url), async (sessions) => {
      const a = await sessions.open({ label: 'a' });
      const b = await sessions.open({ label: 'b' });
      const raw = await sessions.raw('raw');
      const c = await sessions.open({ label: 'c', transcript: own });
      expect(b.transcript).toBe(a.transcript);
      expect(raw.transcript).toBe(a.transcript);
      expect(c.transcript).toBe(own);
      const connsOn = (transcript: Transcript) => new Set(transcript.entries.map((e) => e.conn));
      expect(connsOn(a.transcript)).toEqual(new Set([a.connection.id, b.connection.id, raw.id]));
      expect(connsOn(own)).toEqual(new Set([c.connection.id]));
    });
  });

  it('tolerates sockets the body already dropped or closed, and still closes the rest', async () => {
    const server = await serve();
    const outcome = await outcomeOf(
      withSessions(new CleanupContext(server.url), async (sessions) => {
        const dropped = await sessions.open({ label: 'dropped' });
        const closed = await sessions.open({ label: 'closed' });
        const rawDropped = await sessions.raw('raw dropped');
        await sessions.open({ label: 'untouched' });
        await sessions.raw('raw untouched');
        dropped.drop();
        rawDropped.drop();
        await closed.connection.closeSocket();
      }),
    );
    expect(outcome).toBe('resolved');
    // 1006: the server saw the dropped sockets cut with no close frame.
    expect(await peerCloseCodes(server)).toEqual([1006, 1000, 1006, 1000, 1000]);
  });

  // The bound here is the test timeout: the cleanup gives each handshake a second, then cuts
  // the socket, and the sockets close in parallel. No duration is asserted (shared machine).
  it('resolves against a server that never answers the close handshake, cutting each socket', { timeout: 10_000 }, async () => {
    const url = await serveDeaf();
    const opened: Connection[] = [];
    await withSessions(new CleanupContext(url), async (sessions) => {
      opened.push((await sessions.open({ label: 'a' })).connection);
      opened.push((await sessions.open({ label: 'b' })).connection);
    });
    // 1006, not 1000: the handshake never completed, so the kit cut each socket itself.
    expect(opened.map((c) => c.closeInfo?.code)).toEqual([1006, 1006]);
  });

  it('closes the connection a session resumed on, not just the one it was opened on', async () => {
    const server = await serve();
    let resumed: Connection | undefined;
    await withSessions(new CleanupContext(server.url), async (sessions) => {
      const s = await sessions.open({ label: 'resumes' });
      s.drop();
      resumed = (await s.resume()).connection;
      expect(s.connection).toBe(resumed);
    });
    expect(resumed?.closeInfo?.code).toBe(1000);
    // The first connection was cut by the drop; the one the session resumed on was closed.
    expect(await peerCloseCodes(server)).toEqual([1006, 1000]);
  });

  it('closes what was opened before a later open throws, and rethrows that error', async () => {
    const server = await serve();
    const context = new CleanupContext(server.url);
    const outcome = await outcomeOf(
      withSessions(context, async (sessions) => {
        await sessions.open({ label: 'first' });
        await sessions.raw('raw');
        await sessions.open({ principal: 'secondary', label: 'other principal' });
      }),
    );
    expect(outcome).toBeInstanceOf(UntestableError);
    expect(outcome).toMatchObject({ message: expect.stringContaining('needs a second principal') });
    // The frames seen up to the UNTESTABLE are its evidence: the first session's hello and welcome.
    const seen = (context.seen?.() ?? []) as { kind: string; frame?: { type?: string } }[];
    expect(seen.filter((e) => e.kind === 'frame').map((e) => e.frame?.type)).toEqual(expect.arrayContaining(['session.hello', 'session.welcome']));
    // The secondary open never connected; the two before it were closed.
    expect(await peerCloseCodes(server)).toEqual([1000, 1000]);
  });
});
