// For a test file: the hostile server process for the whole file, started before its tests
// and stopped after them. Returns a getter (the server exists once beforeAll has run).
import { afterAll, beforeAll } from 'vitest';
import type { LaunchedServer } from '../leak/server-process.ts';
import { launchHostileServer } from './hostile-process.ts';

export function useHostileServer(): () => LaunchedServer {
  let server: LaunchedServer | undefined;
  beforeAll(async () => {
    server = await launchHostileServer();
  }, 40_000);
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (server === undefined) throw new Error('the hostile server is not running (used outside a test?)');
    return server;
  };
}
