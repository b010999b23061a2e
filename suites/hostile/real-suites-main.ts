// `node --import tsx suites/hostile/real-suites-main.ts <ws-url> <suite-file>...`: runs real
// conformance suite files through the CLI's programmatic runner (cli/vitest-runner.ts)
// against a target, in its own process (a vitest run cannot nest inside a vitest worker),
// and prints what the reporter collected as one JSON line on stdout.
import { runSuites } from '../../cli/vitest-runner.ts';

export interface RealSuitesReport {
  readonly reason: string;
  readonly interrupted?: string;
  readonly problems: readonly string[];
  readonly tests: readonly { readonly title: string; readonly state: string; readonly error?: string; readonly durationMs: number }[];
}

const [url, ...include] = process.argv.slice(2);
if (url === undefined || include.length === 0) {
  process.stderr.write('usage: real-suites-main.ts <ws-url> <suite-file>...\n');
  process.exit(2);
}
const run = await runSuites({
  include,
  onlySuites: [],
  skipSuites: [],
  env: { ARCP_URL: url, ARCP_TOKEN: 'tok-hostile-probe', ARCP_TIMEOUT_MS: process.env.ARCP_TIMEOUT_MS ?? '600', ARCP_MAX_WAIT_MS: '0', ARCP_ALLOW_UNTESTABLE: '0' },
  testTimeoutMs: 20_000,
  runTimeoutMs: 90_000,
});
const report: RealSuitesReport = {
  reason: run.run.reason,
  ...(run.interrupted === undefined ? {} : { interrupted: run.interrupted }),
  problems: run.run.problems.map((p) => `${p.origin} ${p.file}: ${p.message}`),
  tests: run.run.tests.map((t) => ({ title: t.title, state: t.state, durationMs: t.durationMs, ...(t.errors[0] === undefined ? {} : { error: t.errors[0] }) })),
};
process.stdout.write(`${JSON.stringify(report)}\n`);
