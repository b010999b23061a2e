import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Connection, openConnection } from './connection.ts';
import { FRAME_STILL_ARRIVING } from './errors.ts';
import { serverFrameHeader } from './giant-frames.ts';
import { isType, payloadOf } from './frames.ts';
import { type ScriptedServer, dig, serverFrame, startScriptedServer } from './testing/scripted-server.ts';
import { Transcript } from './transcript.ts';
import type { ConnectionEntry, FrameEntry } from './transcript-types.ts';
import { rejection } from './testing/rejection.ts';
import { isUlid } from '../../spec/ulid.ts';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(script: Parameters<typeof startScriptedServer>[0]): Promise<ScriptedServer> {
  const server = await startScriptedServer(script);
  cleanups.push(() => server.close());
  return server;
}

async function open(url: string, options: { timeoutMs?: number; maxPayloadBytes?: number; autoPong?: boolean } = {}) {
  const transcript = new Transcript();
  const connection = await openConnection(url, { transcript, timeoutMs: 1000, ...options });
  cleanups.push(() => connection.drop());
  return { connection, transcript };
}

function frameEntries(transcript: Transcript, dir: 'in' | 'out'): FrameEntry[] {
  return transcript.frames({ dir });
}

describe('send', () => {
  it('builds envelopes with arcp 1.1, fresh unique ids, and only the given fields', async () => {
    const server = await serve(() => undefined);
    const { connection } = await open(server.url);
    const ids = [
      connection.send('session.hello', { client: { name: 'x', version: '1' } }),
      connection.send('job.cancel', { job_id: 'j1' }, { session_id: 's1', job_id: 'j1', trace_id: 'a'.repeat(32) }),
      connection.send('session.ack', { last_processed_seq: 3 }, { session_id: 's1' }),
    ];
    expect(new Set(ids).size).toBe(3);
    // ULIDs: v1.0 §5.1 recommends them and some servers refuse any other id.
    expect(ids.every(isUlid)).toBe(true);
    const peer = server.peers[0]!;
    const hello = await peer.next('session.hello');
    const cancel = await peer.next('job.cancel');
    expect(hello).toEqual({ arcp: '1.1', id: ids[0], type: 'session.hello', payload: { client: { name: 'x', version: '1' } } });
    expect(cancel).toMatchObject({ arcp: '1.1', id: ids[1], session_id: 's1', job_id: 'j1', trace_id: 'a'.repeat(32) });
    expect(dig(hello, 'session_id')).toBeUndefined();
  });

  it('records outbound frames with their verdict, and raw sends as they are', async () => {
    const server = await serve(() => undefined);
    const { connection, transcript } = await open(server.url);
    connection.send('session.ack', { last_processed_seq: 1 }, { session_id: 's1' });
    connection.send('session.ack', { last_processed_seq: -1 }, { session_id: 's1' });
    connection.sendRaw('{not json');
    connection.sendRaw(Buffer.from([1, 2, 3]));
    await server.peers[0]!.next(undefined, 1000);
    const out = frameEntries(transcript, 'out');
    expect(out.map((e) => e.verdict.valid)).toEqual([true, false, false, false]);
    expect(out[2]).toMatchObject({ frame: undefined, raw: '{not json', bytes: 9 });
    expect(out[3]).toMatchObject({ frame: undefined, bytes: 3 });
  });

  it('refuses to send a frame over 64 KiB (a common server limit), and sends one just under it', async () => {
    const server = await serve(() => undefined);
    const { connection, transcript } = await open(server.url);
    const error = await rejection(Promise.resolve().then(() => connection.send('job.submit', { input: 'x'.repeat(64 * 1024) })));
    expect(error.kind).toBe('protocol');
    expect(error.message).toMatch(/job\.submit of \d+ bytes, over its 65536-byte frame budget/);
    connection.send('job.submit', { input: 'x'.repeat(60 * 1024) });
    expect(frameEntries(transcript, 'out')).toHaveLength(1);
  });

  it('throws a closed HarnessError when sending on a closed connection', async () => {
    const server = await serve((peer) => peer.close(4000, 'go away'));
    const { connection } = await open(server.url);
    await connection.closed;
    const error = await rejection(Promise.resolve().then(() => connection.send('session.ack', {})));
    expect(error.kind).toBe('closed');
    expect(error.message).toContain('code 4000');
  });
});

describe('waitFor', () => {
  it('finds frames that arrived since the mark, and ignores earlier ones by default', async () => {
    const server = await serve((peer) => {
      peer.send(serverFrame('job.event', { kind: 'log', body: { level: 'info', message: 'one' } }, { session_id: 's', job_id: 'j1', event_seq: 1 }));
    });
    const { connection } = await open(server.url);
    const first = await connection.waitFor(isType('job.event'), { description: 'the first event', after: 0 });
    expect(first.event_seq).toBe(1);
    const mark = connection.mark();
    const missed = await connection.watch(isType('job.event'), { description: 'a second event', forMs: 100 });
    expect(missed).toBeUndefined();
    server.peers[0]!.send(serverFrame('job.result', { final_status: 'success' }, { session_id: 's', job_id: 'j1', event_seq: 2 }));
    const result = await connection.waitFor(isType('job.result'), { description: 'the result', after: mark });
    expect(result.event_seq).toBe(2);
    expect(connection.framesSince(0).map((f) => f.type)).toEqual(['job.event', 'job.result']);
  });

  it('times out naming what it waited for, for how long, and what arrived instead', async () => {
    const server = await serve((peer) => {
      for (let seq = 1; seq <= 10; seq += 1) {
        peer.send(serverFrame('job.event', { kind: 'progress', body: { current: seq } }, { session_id: 's', job_id: 'job-7', event_seq: seq }));
      }
    });
    const { connection } = await open(server.url);
    const error = await rejection(
      connection.waitFor(isType('job.result'), { description: 'job.result for job-7', timeoutMs: 300, after: 0 }),
    );
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('job.result for job-7');
    expect(error.message).toContain('300 ms');
    expect(error.message).toContain('10 frame(s) arrived (last 8 shown)');
    expect(error.message).toContain('job.event job=job-7 seq=10 kind=progress');
    expect(error.message).not.toContain('seq=2 ');
  });

  it('says "nothing arrived" when nothing did', async () => {
    const server = await serve(() => undefined);
    const { connection } = await open(server.url);
    const error = await rejection(connection.waitFor(() => true, { description: 'anything', timeoutMs: 300 }));
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('nothing arrived');
  });

  it('rejects early with code and reason when the socket closes while waiting', async () => {
    const server = await serve(async (peer) => {
      await peer.next('session.hello');
      peer.close(4001, 'shutting down');
    });
    const { connection } = await open(server.url);
    const waiting = connection.waitFor(isType('session.welcome'), { description: 'session.welcome', timeoutMs: 5000 });
    connection.send('session.hello', {});
    const error = await rejection(waiting);
    expect(error.kind).toBe('closed');
    expect(error.message).toContain('code 4001');
    expect(error.message).toContain('shutting down');
    // Waiting on a closed connection fails at once, and a watch just ends.
    expect((await rejection(connection.waitFor(() => true, { description: 'more' }))).kind).toBe('closed');
    expect(await connection.watch(() => true, { description: 'more', forMs: 5000 })).toBeUndefined();
  });

  it('rejects with the predicate’s own error when the predicate throws', async () => {
    const server = await serve((peer) => peer.send(serverFrame('session.closed', {}, { session_id: 's' })));
    const { connection } = await open(server.url);
    const boom = new Error('predicate bug');
    await expect(
      connection.waitFor(() => {
        throw boom;
      }, { description: 'x', after: 0, timeoutMs: 1000 }),
    ).rejects.toBe(boom);
  });
});

describe('a misbehaving server', () => {
  it('records non-JSON, non-object and binary messages as findings and keeps working', async () => {
    const server = await serve((peer) => {
      peer.sendRaw('this is not json');
      peer.sendRaw('42');
      peer.sendRaw(Buffer.from([0xde, 0xad, 0xbe, 0xef]), true);
      peer.send(serverFrame('session.closed', {}, { session_id: 's' }));
    });
    const { connection, transcript } = await open(server.url);
    await connection.waitFor(isType('session.closed'), { description: 'session.closed', after: 0 });
    const inbound = frameEntries(transcript, 'in');
    expect(inbound.map((e) => e.verdict.valid)).toEqual([false, false, false, true]);
    expect(inbound[0]).toMatchObject({ frame: undefined, raw: 'this is not json' });
    expect(inbound[0]!.verdict.valid === false && inbound[0]!.verdict.errors[0]).toMatch(/^not JSON/);
    expect(inbound[1]!.frame).toBe(42);
    expect(inbound[2]!.verdict.valid === false && inbound[2]!.verdict.errors[0]).toMatch(/binary WebSocket message \(4 bytes\)/);
    expect(connection.isOpen).toBe(true);
  });

  it('records a schema-invalid frame with ajv’s errors but still delivers it', async () => {
    const server = await serve((peer) => peer.send({ arcp: '1.0', id: 'x', type: 'session.closed', session_id: 's', payload: {} }));
    const { connection, transcript } = await open(server.url);
    const frame = await connection.waitFor(isType('session.closed'), { description: 'session.closed', after: 0 });
    const entry = transcript.entryOf(frame)!;
    expect(entry.verdict.valid).toBe(false);
    expect(entry.verdict.valid === false && entry.verdict.errors.join()).toContain('arcp');
  });

  it('hands a frame over the transcript bound to the wait under way with its long strings cut and every other field exact, and keeps only its elided form for later waits', async () => {
    const big = 'x'.repeat(200 * 1024);
    const server = await serve(() => undefined);
    const { connection, transcript } = await open(server.url);
    const live = connection.waitFor(isType('job.event'), { description: 'the big event' });
    const padding = Array.from({ length: 40 }, (_, k) => `field-${k}`);
    const wire = JSON.stringify(
      serverFrame('job.event', { kind: 'log', body: { level: 'info', message: big, padding, marker: { branch: 0, i: 0 } } }, { session_id: 's', job_id: 'j1', event_seq: 1 }),
    );
    server.peers[0]!.sendRaw(wire);
    const whole = await live;
    expect(String(dig(whole, 'payload.body.message'))).toMatch(/^x{256}… \(\d+ more bytes\)$/);
    expect(dig(whole, 'payload.body.padding')).toEqual(padding);
    expect(whole).toMatchObject({ type: 'job.event', job_id: 'j1', event_seq: 1, payload: { kind: 'log', body: { level: 'info', marker: { branch: 0, i: 0 } } } });
    const later = await connection.waitFor(isType('job.event'), { description: 'the big event again', after: 0 });
    // What checkers read survives the cut; the bulk does not stay in the inbox.
    expect(later).toMatchObject({ type: 'job.event', job_id: 'j1', event_seq: 1, payload: { kind: 'log' } });
    expect(String(dig(later, 'payload.body.message')).length).toBeLessThan(1024);
    expect(transcript.entryOf(later)?.elided?.sha256).toBe(createHash('sha256').update(wire).digest('hex'));
  });

  it('keeps a long string whole in the wait under way when it holds a secret the kit knows (the leak checks search for it)', async () => {
    const secret = 'sk-credential-value-0123456789';
    const leaky = `${'y'.repeat(100 * 1024)}${secret}${'y'.repeat(100 * 1024)}`;
    const server = await serve(() => undefined);
    const { connection, transcript } = await open(server.url);
    transcript.redactor.addSecret(secret);
    const live = connection.waitFor(isType('job.event'), { description: 'the leaky event' });
    server.peers[0]!.sendRaw(JSON.stringify(serverFrame('job.event', { kind: 'log', body: { level: 'info', message: leaky } }, { session_id: 's', job_id: 'j1', event_seq: 1 })));
    // The wait gets the redacted frame: the secret is replaced, but nothing was cut around it.
    expect(String(dig(await live, 'payload.body.message'))).toMatch(/^y{102400}\[redacted:1\]y{102400}$/);
  });

  it('cuts a message of many MiB as it arrives: the wait gets it as a smaller one would be cut, the transcript its wire size and digest', async () => {
    const server = await serve(() => undefined);
    const { connection, transcript } = await open(server.url);
    const live = connection.waitFor(isType('job.event'), { description: 'the giant event' });
    const padding = Array.from({ length: 40 }, (_, k) => `field-${k}`);
    const wire = JSON.stringify(
      serverFrame('job.event', { kind: 'log', body: { level: 'info', message: 'é'.repeat(2 * 1024 * 1024), padding, marker: { branch: 0, i: 0 } } }, { session_id: 's', job_id: 'j1', event_seq: 1 }),
    );
    server.peers[0]!.sendRaw(wire);
    const whole = await live;
    expect(connection.messagesCutAsArrived).toBe(1);
    expect(String(dig(whole, 'payload.body.message'))).toMatch(/^é{128}… \(\d+ more bytes\)$/);
    expect(dig(whole, 'payload.body.padding')).toEqual(padding);
    expect(whole).toMatchObject({ type: 'job.event', job_id: 'j1', event_seq: 1, payload: { kind: 'log', body: { level: 'info', marker: { branch: 0, i: 0 } } } });
    const entry = transcript.entryOf(whole)!;
    expect(entry.bytes).toBe(Buffer.byteLength(wire));
    expect(entry.elided?.sha256).toBe(createHash('sha256').update(wire).digest('hex'));
    // The frames after it arrive as ever.
    server.peers[0]!.sendRaw(JSON.stringify(serverFrame('session.pong', { ping_nonce: 'n' }, { session_id: 's' })));
    await connection.waitFor(isType('session.pong'), { description: 'the frame after it' });
  });

  it('keeps a secret a giant message holds in its cut form (the leak checks search for it)', async () => {
    const secret = 'sk-credential-value-0123456789';
    const server = await serve(() => undefined);
    const { connection, transcript } = await open(server.url);
    transcript.redactor.addSecret(secret);
    const live = connection.waitFor(isType('job.event'), { description: 'the leaky event' });
    server.peers[0]!.sendRaw(JSON.stringify(serverFrame('job.event', { kind: 'log', body: { level: 'info', message: `${'y'.repeat(2 * 1024 * 1024)}${secret}` } }, { session_id: 's', job_id: 'j1', event_seq: 1 })));
    expect(String(dig(await live, 'payload.body.message'))).toMatch(/^y{256}… \(\d+ more bytes, holding \[redacted:1\]\)$/);
    expect(connection.messagesCutAsArrived).toBe(1);
  });

  it('closes (1009 to the server) on a message over maxPayloadBytes and records why', async () => {
    const server = await serve((peer) => peer.sendRaw('x'.repeat(2048)));
    const { connection, transcript } = await open(server.url, { maxPayloadBytes: 1024 });
    await connection.closed;
    expect((await server.peers[0]!.closed).code).toBe(1009);
    const closed = transcript.entries.find((e): e is ConnectionEntry => e.kind === 'conn' && e.event === 'closed');
    expect(closed?.error).toMatch(/max payload/i);
  });
});

describe('openConnection failures', () => {
  it('reports a refused port as unreachable in one line', async () => {
    const server = await startScriptedServer(() => undefined);
    const url = server.url;
    await server.close();
    const error = await rejection(openConnection(url, { transcript: new Transcript(), timeoutMs: 1000 }));
    expect(error.kind).toBe('unreachable');
    expect(error.message).toMatch(/^cannot connect to ws:\/\/127\.0\.0\.1:\d+\/arcp: connection refused \(ECONNREFUSED\)$/);
  });

  it('gives up on a server that accepts TCP but never answers the upgrade', async () => {
    const tcp = createTcpServer(() => undefined);
    tcp.listen(0, '127.0.0.1');
    await once(tcp, 'listening');
    const sockets = new Set<import('node:net').Socket>();
    tcp.on('connection', (socket) => sockets.add(socket));
    cleanups.push(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => tcp.close(resolve));
    });
    const { port } = tcp.address() as AddressInfo;
    const error = await rejection(openConnection(`ws://127.0.0.1:${port}/`, { transcript: new Transcript(), timeoutMs: 300 }));
    expect(error.kind).toBe('unreachable');
    expect(error.message).toMatch(/timed out|within 300 ms/);
  });

  it('reports an HTTP answer instead of an upgrade', async () => {
    const http = createHttpServer((_, response) => response.writeHead(404).end('no'));
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    cleanups.push(() => new Promise((resolve) => http.close(resolve)));
    const { port } = http.address() as AddressInfo;
    const error = await rejection(openConnection(`ws://127.0.0.1:${port}/`, { transcript: new Transcript(), timeoutMs: 1000 }));
    expect(error.kind).toBe('unreachable');
    expect(error.message).toContain('404');
  });

  it('never shows user info or query strings of the URL', async () => {
    const error = await rejection(
      openConnection('ws://user:pa55word@127.0.0.1:1/arcp?token=qs-secret', { transcript: new Transcript(), timeoutMs: 1000 }),
    );
    expect(error.kind).toBe('unreachable');
    expect(error.message).not.toMatch(/pa55word|qs-secret/);
  });
});

describe('closing', () => {
  it('drop() sends no close frame: the server sees 1006', async () => {
    const server = await serve(() => undefined);
    const { connection, transcript } = await open(server.url);
    await new Promise((resolve) => setTimeout(resolve, 20)); // let the server register the peer
    connection.drop();
    const seen = await server.peers[0]!.closed;
    expect(seen.code).toBe(1006);
    await connection.closed;
    expect(transcript.entries.filter((e) => e.kind === 'conn').map((e) => (e as ConnectionEntry).event)).toEqual([
      'open',
      'dropped',
      'closed',
    ]);
  });

  it('closeSocket() closes gracefully with the given code', async () => {
    const server = await serve(() => undefined);
    const { connection } = await open(server.url);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const info = await connection.closeSocket(4321, 'done');
    expect(info.code).toBe(4321);
    expect((await server.peers[0]!.closed).code).toBe(4321);
    expect(connection.isOpen).toBe(false);
  });
});

describe('auto-pong', () => {
  const ping = (nonce: string) => serverFrame('session.ping', { nonce, sent_at: '2026-01-01T00:00:00Z' }, { session_id: 's1' });

  it('answers pings with the nonce once the session id is known (earlier pings wait)', async () => {
    const server = await serve((peer) => peer.send(ping('p-early')));
    const { connection } = await open(server.url);
    await connection.waitFor(isType('session.ping'), { description: 'the ping', after: 0 });
    connection.sessionId = 's1';
    const early = await server.peers[0]!.next('session.pong', 1000);
    expect(dig(early, 'payload.ping_nonce')).toBe('p-early');
    expect(dig(early, 'session_id')).toBe('s1');
    server.peers[0]!.send(ping('p-later'));
    expect(dig(await server.peers[0]!.next('session.pong', 1000), 'payload.ping_nonce')).toBe('p-later');
  });

  it('stays silent when autoPong is off', async () => {
    const server = await serve((peer) => peer.send(ping('p-ignored')));
    const { connection, transcript } = await open(server.url, { autoPong: false });
    connection.sessionId = 's1';
    const received = await connection.waitFor(isType('session.ping'), { description: 'the ping', after: 0 });
    expect(payloadOf(received).nonce).toBe('p-ignored');
    await expect(server.peers[0]!.next('session.pong', 300)).rejects.toThrow(/no session.pong/);
    expect(transcript.frames({ dir: 'out' })).toEqual([]);
  });
});

describe('transcript across connections', () => {
  it('gives each connection its own id on a shared transcript', async () => {
    const server = await serve((peer, index) => peer.send(serverFrame('session.closed', { reason: `peer ${index}` }, { session_id: 's' })));
    const transcript = new Transcript();
    const connections: Connection[] = [];
    for (const label of ['owner', 'subscriber']) {
      const connection = await openConnection(server.url, { transcript, timeoutMs: 1000, label });
      cleanups.push(() => connection.drop());
      await connection.waitFor(isType('session.closed'), { description: 'session.closed', after: 0 });
      connections.push(connection);
    }
    expect(connections.map((c) => c.id)).toEqual(['c1', 'c2']);
    const frames = transcript.frames();
    expect(frames.map((e) => e.conn)).toEqual(['c1', 'c2']);
    expect(frames[1]!.t).toBeGreaterThanOrEqual(frames[0]!.t);
    expect(transcript.entries.filter((e) => e.kind === 'conn').map((e) => (e as ConnectionEntry).label)).toEqual(['owner', 'subscriber']);
  });
});

describe('bounded inbox', () => {
  it('keeps the latest frames for waits while marks keep counting every frame', async () => {
    const server = await serve((peer) => {
      for (let seq = 1; seq <= 50; seq += 1) {
        peer.send(serverFrame('job.event', { kind: 'log', body: { level: 'info', message: `e${seq}` } }, { session_id: 's', job_id: 'j1', event_seq: seq }));
      }
    });
    const transcript = new Transcript({ bounded: { head: 2, tail: 8, inbox: 10 } });
    const connection = await openConnection(server.url, { transcript, timeoutMs: 1000 });
    cleanups.push(() => connection.drop());
    const last = await connection.waitFor((f) => f.event_seq === 50, { description: 'event 50', after: 0 });
    expect(last.event_seq).toBe(50);
    expect(connection.mark()).toBe(50);
    expect(connection.inboxStart).toBe(40);
    // Entry 0 is the connection's open; events 1..50 follow. The transcript keeps its own bound.
    expect(connection.inbox.map((e) => e.index)).toEqual([41, 42, 43, 44, 45, 46, 47, 48, 49, 50]);
    expect(transcript.entries.map((e) => e.index)).toEqual([0, 1, 43, 44, 45, 46, 47, 48, 49, 50]);
    expect(connection.framesKeptSince(0).map((f) => f.event_seq)).toEqual([41, 42, 43, 44, 45, 46, 47, 48, 49, 50]);
    // A judgement that reads from mark 0 cannot be made from the newest ten.
    expect(() => connection.framesSince(0)).toThrow(/cannot judge from all frames c\d+ received since mark 0: 40 of them were let go/);
    expect(connection.framesSince(40)).toHaveLength(10);
    expect(connection.framesSince(45).map((f) => f.event_seq)).toEqual([46, 47, 48, 49, 50]);
    // An early frame has left the inbox: a wait from mark 0 no longer finds it.
    expect(await connection.watch((f) => f.event_seq === 3, { description: 'event 3', forMs: 50, after: 0 })).toBeUndefined();
    const mark = connection.mark();
    server.peers[0]!.send(serverFrame('job.result', { final_status: 'success' }, { session_id: 's', job_id: 'j1', event_seq: 51 }));
    const result = await connection.waitFor(isType('job.result'), { description: 'the result', after: mark });
    expect(result.event_seq).toBe(51);
    expect(connection.mark()).toBe(51);
  });
});

describe('a server that cuts the TCP connection', () => {
  // A bare WebSocket handshake on a raw socket, so the test can write bytes ws would refuse to.
  async function rawServer(onOpen: (socket: import('node:net').Socket) => void) {
    const { createHash } = await import('node:crypto');
    const http = createHttpServer();
    http.on('upgrade', (req, socket) => {
      const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      onOpen(socket as import('node:net').Socket);
    });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    cleanups.push(() => {
      http.closeAllConnections();
      return new Promise<void>((resolve) => http.close(() => resolve()));
    });
    return `ws://127.0.0.1:${(http.address() as AddressInfo).port}/`;
  }

  it('records a TCP reset as the reason the socket closed', async () => {
    const url = await rawServer((socket) => setTimeout(() => socket.resetAndDestroy(), 20));
    const { connection, transcript } = await open(url);
    const error = await rejection(connection.waitFor(isType('session.welcome'), { description: 'a welcome' }));
    expect(error.message).toMatch(/closed \(code 1006, no reason\) after an error: read ECONNRESET/);
    const closed = transcript.entries.find((e): e is ConnectionEntry => e.kind === 'conn' && e.event === 'closed');
    expect(closed?.error).toBe('read ECONNRESET');
  });

  it('says when the socket ended in the middle of a giant frame (one it was cutting as it arrived)', async () => {
    const url = await rawServer((socket) => {
      socket.write(Buffer.concat([serverFrameHeader(0x1, 4 * 1024 * 1024), Buffer.from(`{"s":"${'z'.repeat(200_000)}`)]));
      setTimeout(() => socket.destroy(), 50);
    });
    const { connection } = await open(url);
    const error = await rejection(connection.waitFor(isType('session.welcome'), { description: 'a welcome' }));
    expect(error.message).toMatch(/after an error: the socket ended in the middle of a WebSocket frame/);
  });

  it('fails a giant text message with invalid UTF-8 as ws fails a small one', async () => {
    const invalidText = (bytes: number) => {
      // A string whose middle (what a cut drops) holds the invalid byte.
      const payload = Buffer.alloc(bytes, 0x61);
      payload[0] = 0x22;
      payload[bytes - 1] = 0x22;
      payload[bytes >> 1] = 0xff;
      return Buffer.concat([serverFrameHeader(0x1, bytes), payload]);
    };
    const errors: (string | undefined)[] = [];
    for (const bytes of [1000, 3 * 1024 * 1024]) {
      const url = await rawServer((socket) => {
        socket.write(invalidText(bytes));
        socket.on('data', () => socket.destroy()); // the kit's close frame
      });
      const { connection, transcript } = await open(url);
      await connection.closed;
      errors.push(transcript.entries.find((e): e is ConnectionEntry => e.kind === 'conn' && e.event === 'closed')?.error);
    }
    expect(errors[0]).toMatch(/invalid utf-8/i);
    expect(errors[1]).toBe(errors[0]);
  });

  it('says when a wait ran out on a reply still arriving (a slow server), and only then', async () => {
    const messages: string[] = [];
    for (const part of [Buffer.alloc(0), Buffer.from([0x81, 100, 0x7b, 0x22]), Buffer.concat([serverFrameHeader(0x1, 4 * 1024 * 1024), Buffer.from('{"s":"zz')])]) {
      const url = await rawServer((socket) => {
        socket.write(part); // and nothing more, until the test ends
        cleanups.push(() => void socket.destroy());
      });
      const { connection } = await open(url);
      messages.push((await rejection(connection.waitFor(isType('session.welcome'), { description: 'a welcome', timeoutMs: 100 }))).message);
    }
    expect(messages[0]).toMatch(/nothing arrived$/);
    // A small frame in ws's parser, and a giant one in the cutter.
    for (const m of messages.slice(1)) expect(m).toMatch(new RegExp(`nothing arrived; ${FRAME_STILL_ARRIVING} \\(the server sends slower than the wait bound\\)$`));
  });

  it('does not take frames that keep coming whole, each in two pieces, for a slow reply', async () => {
    const frame = serverFrame('job.event', { kind: 'log', body: { level: 'info', message: 'flood' } }, { job_id: 'j_nobody' });
    const bytes = Buffer.concat([serverFrameHeader(0x1, Buffer.byteLength(JSON.stringify(frame))), Buffer.from(JSON.stringify(frame))]);
    const url = await rawServer((socket) => {
      // Half a frame, the rest 5 ms later, every 10 ms: part-way in half of the time.
      const timer = setInterval(() => {
        socket.write(bytes.subarray(0, 20));
        setTimeout(() => socket.writable && socket.write(bytes.subarray(20)), 5);
      }, 10);
      cleanups.push(() => {
        clearInterval(timer);
        socket.destroy();
      });
    });
    const { connection } = await open(url);
    // Long against the 10 ms between frames: only a stall of over half of it could age the latest whole frame.
    const error = await rejection(connection.waitFor(isType('session.welcome'), { description: 'a welcome', timeoutMs: 3000 }));
    expect(error.message).toMatch(/frame\(s\) arrived/);
    expect(error.message).not.toContain(FRAME_STILL_ARRIVING);
  });

  it('says when the socket ended in the middle of a frame', async () => {
    const url = await rawServer((socket) => {
      socket.write(Buffer.from([0x81, 100, 0x7b, 0x22])); // a 100-byte text frame, 2 bytes of it
      setTimeout(() => socket.destroy(), 20);
    });
    const { connection } = await open(url);
    const error = await rejection(connection.waitFor(isType('session.welcome'), { description: 'a welcome' }));
    expect(error.message).toMatch(/after an error: the socket ended in the middle of a WebSocket frame/);
  });
});
