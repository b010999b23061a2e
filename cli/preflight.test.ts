import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { DEFAULT_TOKENS, startReference, type ReferenceServer } from '../reference/index.ts';
import { DEFAULT_PROFILE } from '../suites/harness/config.ts';
import { isUlid } from '../spec/ulid.ts';
import { PreflightError, preflight } from './preflight.ts';

const [ALICE] = Object.keys(DEFAULT_TOKENS) as [string];

/** A loopback WebSocket server whose behaviour after the hello the test chooses. */
async function fakeServer(onHello: (socket: import('ws').WebSocket, hello: unknown) => void): Promise<{ url: string; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (socket) => socket.once('message', (data) => onHello(socket, JSON.parse(data.toString()))));
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/arcp`,
    close: () => {
      for (const c of wss.clients) c.terminate();
      return new Promise((resolve) => wss.close(() => resolve()));
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PreflightError);
    return (error as Error).message;
  }
  throw new Error('expected the preflight to fail');
}

const options = { tokenName: 'ARCP_TOKEN', profile: DEFAULT_PROFILE, timeoutMs: 3000 };

describe('preflight against the reference runtime', () => {
  let server: ReferenceServer;
  beforeAll(async () => {
    server = await startReference({ port: 0 });
  });
  afterAll(() => server.stop());

  it('returns the runtime, the effective features and the agents', async () => {
    const result = await preflight({ ...options, url: server.url, token: ALICE });
    expect(result.runtime?.name).toBeTruthy();
    expect(result.features).toContain('subscribe');
    expect(result.agentListed).toBe(true);
    expect(result.agents).toContain('conformance');
  });

  it('names a refused token without echoing it', async () => {
    const message = await failure(preflight({ ...options, url: server.url, token: 'wrong-secret-token' }));
    expect(message).toMatch(/rejected ARCP_TOKEN \(session\.error UNAUTHENTICATED/);
    expect(message).not.toContain('wrong-secret-token');
  });
});

describe('preflight against a broken or absent server', () => {
  it('explains a refused connection', async () => {
    expect(await failure(preflight({ ...options, url: 'ws://127.0.0.1:1/arcp', token: 't' }))).toBe(
      'cannot connect to ws://127.0.0.1:1/arcp: connection refused (ECONNREFUSED)',
    );
  });

  it('explains an HTTP refusal of the upgrade', async () => {
    const http: Server = createServer((_req, res) => {
      res.writeHead(401);
      res.end();
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    try {
      expect(await failure(preflight({ ...options, url: `ws://127.0.0.1:${port}/arcp?token=abc`, token: 't' }))).toBe(
        `ws://127.0.0.1:${port}/arcp refused the WebSocket upgrade with HTTP 401 Unauthorized (the server wants credentials at the HTTP level?)`,
      );
    } finally {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    }
  });

  it('explains a server that never answers the hello', async () => {
    const server = await fakeServer(() => undefined);
    try {
      expect(await failure(preflight({ ...options, timeoutMs: 300, url: server.url, token: 't' }))).toBe(
        `no session.welcome from ${server.url} within 300 ms (raise it with --timeout MS)`,
      );
    } finally {
      await server.close();
    }
  });

  it('explains a server that closes instead of answering', async () => {
    const server = await fakeServer((socket) => socket.close(4001, 'bad token'));
    try {
      expect(await failure(preflight({ ...options, url: server.url, token: 't' }))).toBe(
        `${server.url} closed the connection before any session.welcome (close 4001 bad token): is ARCP_TOKEN valid for this server?`,
      );
    } finally {
      await server.close();
    }
  });

  it('sends a well-formed hello with the bearer token and the profile features', async () => {
    let hello: unknown;
    const server = await fakeServer((socket, frame) => {
      hello = frame;
      socket.send(JSON.stringify({ arcp: '1.1', id: 'w', type: 'session.welcome', session_id: 's', payload: { resume_token: 'r', capabilities: { features: ['ack', 'x-extra'] } } }));
    });
    try {
      const result = await preflight({ ...options, url: server.url, token: 'tok-1' });
      expect(result.features).toEqual(['ack']);
      expect(result.agentListed).toBe(false);
      expect(hello).toMatchObject({ arcp: '1.1', type: 'session.hello', payload: { auth: { scheme: 'bearer', token: 'tok-1' }, capabilities: { features: DEFAULT_PROFILE.features } } });
    } finally {
      await server.close();
    }
  });

  it('sends ULID message ids, the goodbye included: some servers refuse any other id (v1.0 §5.1)', async () => {
    const sent: unknown[] = [];
    const server = await fakeServer((socket, frame) => {
      sent.push(frame);
      socket.on('message', (data) => sent.push(JSON.parse(data.toString())));
      socket.send(JSON.stringify({ arcp: '1.1', id: 'w', type: 'session.welcome', session_id: 's', payload: { capabilities: { features: [] } } }));
    });
    try {
      await preflight({ ...options, url: server.url, token: 'tok-1' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(sent.map((f) => (f as { type: string }).type)).toEqual(['session.hello', DEFAULT_PROFILE.closeForm]);
      for (const frame of sent) expect(isUlid((frame as { id: unknown }).id)).toBe(true);
    } finally {
      await server.close();
    }
  });
});

describe('preflight against a welcome listing many thousand agents', () => {
  it('finds the conformance agent wherever it is listed, and counts the agents it does not keep', async () => {
    const agents = Array.from({ length: 40_000 }, (_, k) => ({ name: `x-agent-${k}`, versions: ['1.0.0'] }));
    agents.splice(39_000, 0, { name: 'conformance', versions: ['2.0.0'] });
    const server = await fakeServer((socket) =>
      socket.send(JSON.stringify({ arcp: '1.1', id: 'w1', type: 'session.welcome', session_id: 's1', payload: { capabilities: { features: [], agents } } })),
    );
    try {
      const result = await preflight({ ...options, timeoutMs: 20_000, url: server.url, token: ALICE });
      expect(result.agentListed).toBe(true);
      expect(result.agents.length).toBeLessThan(2000);
      expect(result.agents.length + result.agentsUnlisted).toBe(40_001);
    } finally {
      await server.close();
    }
  });
});
