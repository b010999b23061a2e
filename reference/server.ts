// startReference: the reference runtime on a WebSocket endpoint (v1.0 §4.1, default path /arcp).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { Connection } from './connection.ts';
import { startHousekeeping } from './housekeeping.ts';
import { resolveConfig, type ReferenceOptions } from './options.ts';
import { Runtime, type RuntimeStats } from './runtime.ts';

export interface ReferenceServer {
  /** ws://host:port/path */
  readonly url: string;
  /** Closes every connection and stops every job and timer. */
  stop(): Promise<void>;
  /** Internals not visible on the wire (tests of leaks, buffers, sessions). */
  stats(): RuntimeStats;
}

export async function startReference(options: ReferenceOptions = {}): Promise<ReferenceServer> {
  const config = resolveConfig(options);
  const rt = new Runtime(config);
  const http = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' });
    res.end(`ARCP endpoint: open a WebSocket at ${config.path}\n`);
  });
  const wss = new WebSocketServer({ server: http, path: config.path, maxPayload: config.maxFrameBytes, perMessageDeflate: false });
  wss.on('connection', (socket) => {
    new Connection(rt, socket);
  });
  wss.on('error', () => undefined); // listen errors surface through http below

  await listen(http, config.port, config.host);
  const { port } = http.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const stopHousekeeping = startHousekeeping(rt);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      stopHousekeeping();
      rt.shutdown();
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await closed;
    })();
    return stopping;
  };

  return { url: `ws://${host}:${port}${config.path}`, stop, stats: () => rt.stats() };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
