// The kit against hostile servers, the way a user runs it: `arcp-conformance run --url
// <hostile server>` for each case of the issue (a 50 MiB frame, a 10 MiB welcome, a flood,
// one byte per second, a reset in the middle of a frame). Prints, per case, the peak RSS of
// the whole kit (the CLI and every vitest worker: the sum over its process tree, sampled from
// /proc; beside it the summed PSS, and each process's own peak), the wall time, the exit code and whether record.json, junit.xml and report.html were
// written. Measures only; nothing is asserted. Linux only (/proc).
//
//   npx tsx bench/hostile.ts [--case giant-frame] [--case reference] [-- extra CLI flags, e.g. --only session]
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchHostileServer } from '../suites/hostile/hostile-process.ts';
import { type Misbehaviour, describeMisbehaviour, misbehaviourPath } from '../suites/hostile/misbehaviour.ts';
import type { ConformanceRecord } from '../reporters/record.ts';
import { runKitCommand } from './kit-process.ts';
import { TreeMemory } from './tree-memory.ts';

const SAMPLE_MS = 50;
/** A case still running after this is killed (and reported as such). */
const BOUND_MS = 20 * 60 * 1000;

export const CASES: Readonly<Record<string, Misbehaviour>> = {
  'giant-frame': { kind: 'giant-frame', stage: 'stream', mib: 50 },
  'giant-welcome': { kind: 'giant-welcome', stage: 'hello', mib: 10 },
  flood: { kind: 'welcome-flood', stage: 'hello' },
  'one-byte-per-second': { kind: 'slow-drip', stage: 'submit', chunkBytes: 1, intervalMs: 1000 },
  'reset-mid-frame': { kind: 'reset-mid-frame', stage: 'stream' },
};

function reportsWritten(out: string): string {
  return ['record.json', 'junit.xml', 'report.html']
    .map((name) => {
      const path = join(out, name);
      return existsSync(path) ? `${name} ${(statSync(path).size / 1024).toFixed(0)} KiB` : `${name} MISSING`;
    })
    .join(', ');
}

/** Each test that did not pass, `VERDICT title: detail` (to compare verdicts between runs); the record's own totals first. */
function verdictsOf(out: string): string {
  const path = join(out, 'record.json');
  if (!existsSync(path)) return '(no record)';
  const record = JSON.parse(readFileSync(path, 'utf8')) as ConformanceRecord;
  const lines = record.tests.filter((t) => t.verdict !== 'PASS').map((t) => `${t.verdict} ${t.title}: ${(t.detail ?? '').slice(0, 160)}`);
  return [JSON.stringify(record.totals), ...lines.sort()].join('\n    ');
}

const { values, positionals } = parseArgs({ options: { case: { type: 'string', multiple: true } }, allowPositionals: true });
const chosen = values.case ?? Object.keys(CASES);
/** Not hostile: the kit against its embedded reference runtime (no --url), the floor to compare with. */
const REFERENCE = 'reference';
for (const name of chosen) if (name !== REFERENCE && CASES[name] === undefined) throw new Error(`no case ${name} (cases: ${[...Object.keys(CASES), REFERENCE].join(', ')})`);

console.log(`node ${process.version}; ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}; CLI flags: ${positionals.join(' ') || '(none)'}`);
const server = await launchHostileServer();
try {
  for (const name of chosen) {
    const m = CASES[name];
    const target = m === undefined ? [] : ['--url', `${server.url}${misbehaviourPath(m)}`];
    const out = mkdtempSync(join(tmpdir(), 'arcp-hostile-bench-'));
    try {
      const tree = new TreeMemory();
      const r = await runKitCommand(['run', ...target, '--out', out, ...positionals], out, BOUND_MS, {
        env: { ARCP_TOKEN: 'tok-hostile-bench' },
        onSample: tree.sample,
        sampleMs: SAMPLE_MS,
      });
      const how = r.killedAfterMs !== undefined ? `killed after the ${BOUND_MS / 60_000} min bound` : `exit ${r.code}`;
      console.log(
        `\n${name} (${m === undefined ? 'the embedded reference runtime' : describeMisbehaviour(m)}): peak RSS of the kit ${(tree.rssKb / 1024).toFixed(0)} MB summed over up to ${tree.processes} processes ` +
          `(peak PSS summed ${(tree.pssKb / 1024).toFixed(0)} MB; CLI process alone ${((r.peakRssKb ?? 0) / 1024).toFixed(0)} MB VmHWM), ` +
          `${(r.ms / 1000).toFixed(1)} s wall, ${how}, load at end ${loadavg()[0]?.toFixed(1)}\n  per-process RSS peaks: ${tree.describe()}\n  reports: ${reportsWritten(out)}\n  verdicts:\n    ${verdictsOf(out)}\n  last lines:\n    ${r.tail.slice(-8).join('\n    ')}`,
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
} finally {
  await server.stop();
}
