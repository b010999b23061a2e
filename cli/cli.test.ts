// The command as a vendor runs it: `node bin/arcp-conformance.js ...` in a subprocess, on
// the fixture suites in cli/testing/fixtures (known verdicts, not conformance tests).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReference, type ReferenceServer } from '../reference/index.ts';
import type { ConformanceRecord } from '../reporters/record.ts';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { findAll, parseXml } from '../reporters/testing/xml-check.ts';
import { KIT_ROOT } from './paths.ts';
import { type CliResult, spawnCli } from './testing/spawn-cli.ts';

const FIXTURES = resolve(KIT_ROOT, 'cli/testing/fixtures');
const suite = (name: string) => join(FIXTURES, `${name}.suite.ts`);
const SUBPROCESS_BOUND_MS = 60_000;
/** Some tests run the CLI twice; a loaded 2-core machine needs the room. */
const TEST_BOUND = { timeout: 2 * SUBPROCESS_BOUND_MS + 10_000 };

interface Result extends CliResult {
  readonly out: string;
}

/** Runs the CLI in a directory (a fresh one by default) with a clean ARCP_* environment. */
async function cli(args: string[], env: Record<string, string> = {}, cwd = mkdtempSync(join(tmpdir(), 'arcp-cli-'))): Promise<Result> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ARCP_') && k !== 'GITHUB_STEP_SUMMARY'));
  const result = await spawnCli(args, { cwd, env: { ...clean, NO_COLOR: '1', ...env }, boundMs: SUBPROCESS_BOUND_MS });
  return { ...result, out: join(cwd, 'arcp-conformance-report') };
}

function record(result: Result): ConformanceRecord {
  return JSON.parse(readFileSync(join(result.out, 'record.json'), 'utf8')) as ConformanceRecord;
}

describe('arcp-conformance run (subprocess)', TEST_BOUND, () => {
  it('exits 0 when every test passes, against the embedded reference runtime', async () => {
    const result = await cli(['--suites', suite('passing')]);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Target:   embedded reference runtime at ws://127.0.0.1:');
    expect(result.stdout).toContain('PASSED: no failing tests');
    const r = record(result);
    expect(r.target.url).toBe('embedded reference runtime');
    expect(r.tests.map((t) => [t.verdict, t.requirements])).toEqual([
      ['PASS', ['ENV-001']],
      ['PASS', ['ENV-002', 'HELLO-001']],
    ]);
    expect(readdirSync(result.out).sort()).toEqual(['junit.xml', 'record.json', 'report.html']);
  });

  it('exits 1 on a FAIL, with a JUnit file naming the failing requirement and an HTML diagram', async () => {
    const result = await cli(['--suites', suite('failing')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL CANCEL-004 {2}cancel of a finished job sends no second terminal/);
    expect(result.stdout).toContain('FAILED: 1 failing test: 1 FAIL');
    const junitText = readFileSync(join(result.out, 'junit.xml'), 'utf8');
    // A real XML parser accepts it, and it names the failing requirement.
    expect(XMLValidator.validate(junitText)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(junitText) as unknown;
    expect(JSON.stringify(parsed)).toContain('CANCEL-004');
    const junit = parseXml(junitText);
    const failures = findAll(junit, 'failure');
    expect(failures).toHaveLength(1);
    expect(failures[0]?.attributes.message).toMatch(/^CANCEL-004: expected no frame for job_7 after its job\.result/);
    const html = readFileSync(join(result.out, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toContain('<img');
  });

  it('--bail-on stops at the first failure on a listed requirement, and says which test stopped it', async () => {
    // The FAIL on CANCEL-004 comes first but is not listed; the WARN on CLOSE-001 fails the run under --strict.
    const result = await cli(['--suites', suite('failing'), '--bail-on', 'CLOSE', '--strict']);
    expect(result.code).toBe(1);
    const stop = 'stopped at the first failure (--bail-on CLOSE): CLOSE-001 in cli/testing/fixtures/failing.suite.ts > close is answered with session.closed [CLOSE-001]';
    expect(result.stdout).toContain(`FAILED: run interrupted: ${stop}`);
    const r = record(result);
    expect(r.interrupted).toBe(stop);
    // Each test says when it started after the run's start, so its verdict can be placed in time.
    for (const t of r.tests) expect(t.startedAfterMs).toBeGreaterThanOrEqual(0);
  });

  it('absorbs the failure a baseline covers, and fails on a stale entry with one line saying so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arcp-baseline-'));
    const baseline = join(dir, 'baseline.json');
    writeFileSync(
      baseline,
      JSON.stringify({
        version: 1,
        entries: [
          { test: 'cli/testing/fixtures/failing.suite.ts > cancel of a finished job sends no second terminal', reason: 'vendor issue 42' },
          { requirement: 'HELLO-002', reason: 'fixed since' },
        ],
      }),
    );
    const result = await cli(['--suites', suite('failing'), '--baseline', baseline]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('STALE entry 1: {"requirement":"HELLO-002","reason":"fixed since"} now passes; remove it.');
    expect(result.stdout).toContain(`FAILED: 1 stale baseline entry (remove from ${baseline})`);
    const r = record(result);
    expect(r.baseline?.stale.map((s) => s.entry)).toEqual([1]);
    expect(r.tests.find((t) => t.verdict === 'FAIL')?.baselined).toEqual({ entry: 0, reason: 'vendor issue 42' });
    const junit = parseXml(readFileSync(join(result.out, 'junit.xml'), 'utf8'));
    expect(findAll(junit, 'failure')).toHaveLength(0);
    expect(findAll(junit, 'skipped')[0]?.attributes.message).toMatch(/^baselined: vendor issue 42/);
  });

  it('writes a baseline that makes the next run pass', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arcp-baseline-'));
    const baseline = join(dir, 'written.json');
    const first = await cli(['--suites', FIXTURES, '--only', 'failing,not-applicable', '--write-baseline', baseline]);
    expect(first.code).toBe(1);
    const second = await cli(['--suites', FIXTURES, '--only', 'failing,not-applicable', '--baseline', baseline]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('2 failure(s) baselined, 0 stale, 0 not exercised.');
  });

  it('selects by suite name and by requirement id', async () => {
    const bySuite = record(await cli(['--suites', FIXTURES, '--only', 'passing']));
    expect(bySuite.tests.map((t) => t.file)).toEqual(['cli/testing/fixtures/passing.suite.ts', 'cli/testing/fixtures/passing.suite.ts']);
    // Its scope is what that suite declares, not the whole catalogue: all of it was judged.
    expect(bySuite.notCovered).toEqual([]);
    const byId = record(await cli(['--suites', FIXTURES, '--only', 'ENV-001,CLOSE']));
    expect(byId.tests.map((t) => t.requirements.join())).toEqual(['CLOSE-001', 'ENV-001']);
    expect(byId.settings.only).toEqual(['ENV-001', 'CLOSE']);
  });

  it('fails WARN with --strict and accepts UNTESTABLE with --allow-untestable', async () => {
    const strict = await cli(['--suites', suite('failing'), '--only', 'CLOSE-001', '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('1 WARN (--strict)');
    const lenient = await cli(['--suites', suite('not-applicable'), '--allow-untestable']);
    expect(lenient.code).toBe(0);
    expect(record(lenient).totals.tests).toMatchObject({ NA: 1, UNTESTABLE: 1 });
  });

  it('stops a run that exceeds --run-timeout and fails it, naming the test that did not finish', async () => {
    const result = await cli(['--suites', suite('slow'), '--run-timeout', '3000']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('FAILED: run interrupted: the run exceeded --run-timeout 3000 ms');
    expect(record(result).unfinished).toEqual(['cli/testing/fixtures/slow.suite.ts > waits for a frame that never comes [ENV-003]']);
  });

});

describe('arcp-conformance run: the target cannot be used (subprocess)', TEST_BOUND, () => {
  let server: ReferenceServer;
  beforeAll(async () => {
    server = await startReference({ port: 0, tokens: { 'good-token-1': 'alice', 'leaky-token-7f3a9c': 'carol', 'second-token-b81e': 'dave' } });
  });
  afterAll(() => server.stop());

  it('exits 2 with one clear line for an unreachable URL', async () => {
    const result = await cli(['--url', 'ws://127.0.0.1:1/arcp', '--suites', suite('passing')], { ARCP_TOKEN: 'x-token' });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('arcp-conformance: cannot connect to ws://127.0.0.1:1/arcp: connection refused (ECONNREFUSED)\n');
  });

  it('tests a server it starts with --server-cmd, and exits 2 with one line when the command prints no URL', async () => {
    const bin = resolve(KIT_ROOT, 'bin/arcp-conformance.js');
    const serve = `"${process.execPath}" "${bin}" serve --port 0`;
    const started = await cli(['--server-cmd', serve, '--suites', suite('passing')], { ARCP_TOKEN: 'tok-alice' });
    expect(started.code, started.stderr).toBe(0);
    const silent = await cli(['--server-cmd', 'echo listening somewhere', '--suites', suite('passing')], { ARCP_TOKEN: 'x-token' });
    expect(silent.code).toBe(2);
    expect(silent.stdout).toBe('');
    expect(silent.stderr.trim().split('\n')).toHaveLength(1);
    expect(silent.stderr).toMatch(/^arcp-conformance: --server-cmd: /);
  });

  it('exits 2 with one clear line for a bad token', async () => {
    const result = await cli(['--url', server.url, '--suites', suite('passing')], { ARCP_TOKEN: 'bad-token-9' });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`arcp-conformance: ${server.url} rejected ARCP_TOKEN (session.error UNAUTHENTICATED: missing or invalid bearer token)\n`);
  });

  it('never writes or prints a token, even one a test leaked into its message', async () => {
    const token = 'leaky-token-7f3a9c';
    // As a shard, so that the blob and context files merge reads are checked too.
    const result = await cli(['--url', server.url, '--suites', suite('leaky'), '--report', 'github=summary.md', '--shard', '1/1'], {
      ARCP_TOKEN: token,
      ARCP_TOKEN_2: 'second-token-b81e',
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('the server echoed [redacted] and [redacted]');
    expect(readdirSync(result.out)).toEqual(expect.arrayContaining(['blob-1-1.json', 'shard-1-1.json']));
    const written = readdirSync(result.out).map((f) => readFileSync(join(result.out, f), 'utf8'));
    const summary = join(result.out, '..', 'summary.md');
    expect(existsSync(summary)).toBe(true);
    for (const text of [result.stdout, result.stderr, ...written, readFileSync(summary, 'utf8')]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain('second-token-b81e');
    }
  });

  it('never writes a credential value, a rotated one included, though the failure shows the rotation frames', async () => {
    // The reference issues values `sk-virt-...`; the defect makes the second rotation's event fail CRED-007.
    const result = await cli(['--only', 'CRED-007', '--defect', 'rotation-id-missing']);
    expect(result.code).toBe(1);
    const recordText = readFileSync(join(result.out, 'record.json'), 'utf8');
    expect(recordText).toMatch(/"phase": "credential_rotated",\s*"id": "cred_\w+",\s*"value": "\[redacted:\d+\]"/);
    const written = readdirSync(result.out).map((f) => readFileSync(join(result.out, f), 'utf8'));
    for (const text of [result.stdout, result.stderr, ...written]) expect(text).not.toMatch(/sk-virt-/);
  });

  it('runs against a URL with a good token', async () => {
    const result = await cli(['--url', server.url, '--suites', suite('passing')], { ARCP_TOKEN: 'good-token-1' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Principals: only ARCP_TOKEN is set');
    expect(record(result).target).toMatchObject({ url: server.url, embedded: false, secondPrincipal: false });
  });
});

describe('arcp-conformance merge (subprocess)', { timeout: 5 * SUBPROCESS_BOUND_MS }, () => {
  const shardedRun = (cwd: string, shard: string) => cli(['--suites', FIXTURES, '--only', 'failing,passing', '--shard', shard, '--out', `shard-${shard[0]}`], {}, cwd);

  it('merges the shards of a run into one record, as if one run had made it, and fails on a missing shard', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'arcp-shards-'));
    const shards = [await shardedRun(cwd, '1/2'), await shardedRun(cwd, '2/2')];
    // Each shard ran one of the two suite files: together they hold both.
    const shardFiles = shards.map((s) => record({ ...s, out: join(cwd, `shard-${shards.indexOf(s) + 1}`) }).tests.map((t) => t.file));
    expect(shardFiles.every((files) => new Set(files).size === 1)).toBe(true);
    expect(new Set(shardFiles.flat())).toEqual(new Set(['cli/testing/fixtures/failing.suite.ts', 'cli/testing/fixtures/passing.suite.ts']));

    const merged = await cli(['merge', '.', '--out', 'merged'], {}, cwd);
    expect(merged.code, merged.stderr).toBe(1);
    expect(merged.stdout).toContain('Merging 2 shard(s) (1/2, 2/2) of a run against embedded reference runtime');
    expect(merged.stdout).toContain('Merged from shards 1/2, 2/2.');
    expect(merged.stdout).toMatch(/FAIL CANCEL-004 {2}cancel of a finished job sends no second terminal/);
    const r = record({ ...merged, out: join(cwd, 'merged') });
    expect(r.merged).toEqual({ shards: ['1/2', '2/2'], missing: [] });
    expect(r.settings.shard).toBeUndefined();
    expect(new Set(r.tests.map((t) => t.file))).toEqual(new Set(shardFiles.flat()));
    expect(r.tests).toHaveLength(shardFiles.flat().length);
    const junit = parseXml(readFileSync(join(cwd, 'merged', 'junit.xml'), 'utf8'));
    expect(findAll(junit, 'failure')[0]?.attributes.message).toMatch(/^CANCEL-004: /);

    const partial = await cli(['merge', 'shard-1', '--out', 'partial'], {}, cwd);
    expect(partial.code).toBe(1);
    expect(partial.stdout).toContain('FAILED: incomplete merge: shard 2/2 missing');
    expect(record({ ...partial, out: join(cwd, 'partial') }).merged).toEqual({ shards: ['1/2'], missing: ['2/2'] });
  });

  it('carries an interrupted shard over: the merged run fails with its reason and lists its unfinished test', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'arcp-shards-'));
    const cut = await cli(['--suites', suite('slow'), '--run-timeout', '3000', '--shard', '1/1', '--out', 'cut'], {}, cwd);
    expect(cut.code).toBe(1);
    const merged = await cli(['merge', 'cut', '--out', 'merged'], {}, cwd);
    expect(merged.code).toBe(1);
    expect(merged.stdout).toContain('FAILED: run interrupted: shard 1/1: the run exceeded --run-timeout 3000 ms');
    expect(record({ ...merged, out: join(cwd, 'merged') }).unfinished).toEqual([
      'cli/testing/fixtures/slow.suite.ts > waits for a frame that never comes [ENV-003]',
    ]);
  });

  it('exits 2 with one line for a shard given twice, a cut blob, no shard at all, or an out directory that is a shard', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'arcp-shards-'));
    await shardedRun(cwd, '1/2');
    const copy = join(cwd, 'copy');
    mkdirSync(copy);
    for (const f of ['shard-1-2.json', 'blob-1-2.json']) copyFileSync(join(cwd, 'shard-1', f), join(copy, f));
    // An upload cut short: the blob beside the context ends mid-way.
    const cut = join(cwd, 'cut');
    mkdirSync(cut);
    copyFileSync(join(cwd, 'shard-1', 'shard-1-2.json'), join(cut, 'shard-1-2.json'));
    writeFileSync(join(cut, 'blob-1-2.json'), readFileSync(join(cwd, 'shard-1', 'blob-1-2.json'), 'utf8').slice(0, 200));
    const cases: [string[], RegExp][] = [
      [['merge', 'cut'], /^arcp-conformance: cut\/blob-1-2\.json is not a vitest blob report \(.+\): the shard's upload may be cut short\n$/],
      [['merge', 'shard-1', 'copy'], /^arcp-conformance: shard 1\/2 is given twice: shard-1\/shard-1-2\.json and copy\/shard-1-2\.json\n$/],
      [['merge', 'shard-1/record.json'], /^arcp-conformance: shard-1\/record\.json is not a shard context of this kit at format: /],
      [['merge', 'nowhere'], /^arcp-conformance: cannot read nowhere \(ENOENT\)\n$/],
      [['merge', 'shard-1', '--out', 'shard-1'], /^arcp-conformance: --out shard-1 is the directory of shard shard-1\/shard-1-2\.json: merge into a directory of its own\n$/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(args, {}, cwd);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
    }
  });
});

describe('arcp-conformance list (subprocess)', TEST_BOUND, () => {
  it('maps requirement ids to the collected tests, without a server', async () => {
    const result = await cli(['list', '--json', '--suites', FIXTURES]);
    expect(result.code).toBe(0);
    const listing = JSON.parse(result.stdout) as { tests: number; requirements: { id: string; tests: string[] }[] };
    expect(listing.tests).toBe(9);
    expect(listing.requirements.find((r) => r.id === 'CANCEL-004')?.tests).toEqual([
      'cli/testing/fixtures/failing.suite.ts > cancel of a finished job sends no second terminal [CANCEL-004]',
    ]);
  });
});
