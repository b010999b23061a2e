import { describe, expect, it } from 'vitest';
import { HELP_HELP, LIST_HELP, MAIN_HELP, REPLAY_HELP, RUN_HELP } from './help.ts';
import { main } from './main.ts';
import { capture } from './testing/capture.ts';

async function run(argv: string[]) {
  const c = capture();
  const code = await main(argv, c.out);
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

describe('main: help', () => {
  it.each([
    [['--help'], MAIN_HELP],
    [['help'], MAIN_HELP],
    [['run', '--help'], RUN_HELP],
    [['--help', 'run'], MAIN_HELP],
    [['help', 'run'], RUN_HELP],
    [['replay', '-h'], REPLAY_HELP],
    [['list', '--help'], LIST_HELP],
    [['help', 'help'], HELP_HELP],
    [['help', '--help'], HELP_HELP],
  ])('%j prints its help and exits 0', async (argv, text) => {
    const result = await run(argv);
    expect(result).toEqual({ code: 0, stdout: text, stderr: '' });
  });

  it('every help names its purpose, an example and the exit codes of commands that judge', () => {
    for (const text of [RUN_HELP, REPLAY_HELP, LIST_HELP]) {
      expect(text).toMatch(/^arcp-conformance \w+: /);
      expect(text).toMatch(/Examples?\n/);
      expect(text).toMatch(/Exit codes\n/);
    }
  });

  it('prints versions', async () => {
    const result = await run(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^arcp-conformance \d+\.\d+\.\d+ \(requirement catalogue .+\)\n$/);
  });
});

describe('main: usage errors exit 2 with one line and no stack', () => {
  it.each([
    [['frobnicate'], 'arcp-conformance: unknown command "frobnicate" (commands: run, merge, compare, replay, list, serve, help) (see: arcp-conformance --help)'],
    [['run', '--bogus'], 'arcp-conformance: unknown option --bogus for "run" (see: arcp-conformance run --help)'],
    [['--bogus'], 'arcp-conformance: unknown option --bogus for "run" (see: arcp-conformance run --help)'],
    [['run', '--runs', 'lots'], 'arcp-conformance: --runs needs an integer, got "lots" (see: arcp-conformance run --help)'],
    [['run', '--shard', '3/2'], 'arcp-conformance: --shard must be I/N with 1 <= I <= N, e.g. 2/4 (got "3/2")'],
    [['run', '--only', 'SEQ-999'], 'arcp-conformance: --only: unknown requirement id SEQ-999 (arcp-conformance list shows them)'],
    [['run', '--report', 'pdf=x'], 'arcp-conformance: --report: unknown report "pdf" (expected json, junit, html, github, e.g. junit=out/junit.xml)'],
    [['run', '--baseline', '/nonexistent/baseline.json'], 'arcp-conformance: cannot read --baseline /nonexistent/baseline.json (ENOENT)'],
    [['run', '--profile', '/nonexistent/profile.json', '--out', '/tmp/arcp-cli-test-out'], 'arcp-conformance: cannot read --profile /nonexistent/profile.json (ENOENT)'],
    [['run', '--token-file', '/nonexistent/t.env', '--out', '/tmp/arcp-cli-test-out'], 'arcp-conformance: cannot read --token-file /nonexistent/t.env (ENOENT)'],
    [['run', '--url', 'http://example.com', '--out', '/tmp/arcp-cli-test-out'], 'arcp-conformance: --url must use ws:// or wss:// (got http://example.com)'],
    [['run', '--defect', 'nope', '--out', '/tmp/arcp-cli-test-out'], expect.stringMatching(/^arcp-conformance: --defect: unknown defect "nope" \(known: seq-race, /)],
    [['run', '--variant', 'nope', '--out', '/tmp/arcp-cli-test-out'], expect.stringMatching(/^arcp-conformance: --variant: unknown variant "nope" \(known: ulid-ids, /)],
    [['run', '--variant', 'ulid-ids', '--url', 'ws://127.0.0.1:9/arcp', '--out', '/tmp/arcp-cli-test-out'], 'arcp-conformance: --variant applies only to the embedded reference runtime (drop --url)'],
    [['run', 'ws://x'], 'arcp-conformance: run takes no arguments, got "ws://x" (the target goes in --url URL) (see: arcp-conformance run --help)'],
    [['replay'], 'arcp-conformance: replay needs a FIXTURE file or a directory of them (see: arcp-conformance replay --help)'],
    [['replay', '/nonexistent/fixture.json'], 'arcp-conformance: cannot read fixture /nonexistent/fixture.json (ENOENT)'],
    [['help', 'nope'], 'arcp-conformance: no help for "nope": commands are run, merge, compare, replay, list, serve, help'],
  ])('%j', async (argv, line) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')).toEqual([line, '']);
  });

  it('shows the stack only with --debug', async () => {
    const result = await run(['run', '--runs', 'x', '--debug']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^arcp-conformance: --runs needs an integer.*\nUsageError: --runs needs an integer[^\n]*\n\s+at /);
  });
});
