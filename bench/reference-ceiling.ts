// The client-side ceiling for bench/reference-throughput.ts: a bare ws server that answers
// the hello and streams N pre-built job.event frames as fast as the socket takes them, with
// none of a runtime's work. The same client against it shows how fast the client (and the
// machine) can go, so the reference runtime's number has a yardstick.
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { textFrames } from '../reference/ws-frames.ts';

const BATCH = 256;
const HIGH_WATER = 1_048_576;

function stream(socket: WebSocket, sessionId: string, count: number): void {
  const tcp = (socket as unknown as { _socket: Socket })._socket;
  let seq = 0;
  const pump = (): void => {
    if (socket.readyState !== socket.OPEN) return;
    const batch: string[] = [];
    for (let k = 0; k < BATCH && seq < count; k += 1) {
      seq += 1;
      batch.push(
        `{"arcp":"1.1","id":"m_ceiling_${seq}","type":"job.event","session_id":"${sessionId}","job_id":"job_ceiling","trace_id":"fd767a494fbcf512d25b459f19945d52",` +
          `"event_seq":${seq},"payload":{"kind":"log","ts":"${new Date().toISOString()}","body":{"level":"info","message":"conformance","marker":{"branch":"0","i":${seq - 1}}}}}`,
      );
    }
    if (seq === count) {
      batch.push(JSON.stringify({ arcp: '1.1', id: 'm_end', type: 'job.result', session_id: sessionId, job_id: 'job_ceiling', event_seq: seq + 1, payload: { final_status: 'success' } }));
    }
    tcp.write(textFrames(batch)); // the same one-write-per-burst framing as the runtime
    if (seq < count) {
      if (socket.bufferedAmount > HIGH_WATER) setTimeout(pump, 1);
      else setImmediate(pump);
    }
  };
  pump();
}

/** Starts the ceiling server; `url` takes the same client as the reference runtime. */
export async function startCeilingServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', path: '/arcp', perMessageDeflate: false });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  let sessions = 0;
  wss.on('connection', (socket) => {
    const sessionId = `sess_ceiling_${++sessions}`;
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type?: string; payload?: { input?: { steps?: Array<{ count?: number }> } } };
      if (frame.type === 'session.hello') {
        socket.send(JSON.stringify({ arcp: '1.1', id: 'm_welcome', type: 'session.welcome', session_id: sessionId, payload: { resume_token: 'rt_ceiling' } }));
      } else if (frame.type === 'job.submit') {
        stream(socket, sessionId, frame.payload?.input?.steps?.[0]?.count ?? 0);
      }
    });
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/arcp`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
