// `node --import tsx suites/hostile/hostile-server-main.ts`: the hostile test server in its
// own process (so its floods and huge frames cost the kit's process nothing). Prints its base
// URL as the first stdout line; stops on SIGTERM or SIGINT.
import { startHostileServer } from './hostile-server.ts';

const server = await startHostileServer();
process.stdout.write(`${server.baseUrl}\n`);
await new Promise<void>((resolve) => {
  process.once('SIGTERM', () => resolve());
  process.once('SIGINT', () => resolve());
});
await server.close();
