// The kit against hostile servers, the way a user runs it: `arcp-conformance run --url
// <hostile server>` for each case of the issue (a 50 MiB frame, a 10 MiB welcome, a flood,
// one byte per second, a reset in the middle of a frame). Prints, per case, the peak RSS of
// the whole kit (the CLI and every vitest worker: the sum over its process tree, sampled from
// /proc), the wall time, the exit code and whether record.json, junit.xml and report.html were
// written. Measures only; nothing is asserted. Linux only (/proc).
//
//   npx tsx bench/hostile.ts [--case giant-frame] [-- extra CLI flags, e.g. --only session]
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { processTree } from '../suites/leak/server-process.ts';
import { launchHostileServer } from '../suites/hostile/hostile-process.ts';
import { type Misbehaviour, describeMisbehaviour, misbehaviourPath } from '../suites/hostile/misbehaviour.ts';
import { runKitCommand } from './kit-process.ts';

const SAMPLE_MS = 50;
/** A case still running after this is killed (and reported as such). */
const BOUND_MS = 20 * 60 * 1000;
const PAGE_KB = 4;

export const CASES: Readonly<Record<string, Misbehaviour>> = {
  'giant-frame': { kind: 'giant-frame', stage: 'stream', mib: 50 },
  'giant-welcome': { kind: 'giant-welcome', stage: 'hello', mib: 10 },
  flood: { kind: 'welcome-flood', stage: 'hello' },
  'one-byte-per-second': { kind: 'slow-drip', stage: 'submit', chunkBytes: 1, intervalMs: 1000 },
  'reset-mid-frame': { kind: 'reset-mid-frame', stage: 'stream' },
};

/** Resident set of one process in kB (from statm: no parsing of status text). */
function rssKb(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE_KB;
  } catch {
    return 0;
  }
}

/** The peak of the RSS summed over a process and its descendants, sampled. */
class TreePeak {
  kb = 0;
  processes = 0;

  readonly sample = (pid: number): void => {
    const tree = processTree(pid);
    this.processes = Math.max(this.processes, tree.length);
    this.kb = Math.max(this.kb, tree.reduce((sum, p) => sum + rssKb(p), 0));
  };
}

function reportsWritten(out: string): string {
  return ['record.json', 'junit.xml', 'report.html']
    .map((name) => {
      const path = join(out, name);
      return existsSync(path) ? `${name} ${(statSync(path).size / 1024).toFixed(0)} KiB` : `${name} MISSING`;
    })
    .join(', ');
}

const { values, positionals } = parseArgs({ options: { case: { type: 'string', multiple: true } }, allowPositionals: true });
const chosen = values.case ?? Object.keys(CASES);
for (const name of chosen) if (CASES[name] === undefined) throw new Error(`no case ${name} (cases: ${Object.keys(CASES).join(', ')})`);

console.log(`node ${process.version}; ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}; CLI flags: ${positionals.join(' ') || '(none)'}`);
const server = await launchHostileServer();
try {
  for (const name of chosen) {
    const m = CASES[name] as Misbehaviour;
    const out = mkdtempSync(join(tmpdir(), 'arcp-hostile-bench-'));
    try {
      const tree = new TreePeak();
      const r = await runKitCommand(['run', '--url', `${server.url}${misbehaviourPath(m)}`, '--out', out, ...positionals], out, BOUND_MS, {
        env: { ARCP_TOKEN: 'tok-hostile-bench' },
        onSample: tree.sample,
        sampleMs: SAMPLE_MS,
      });
      const how = r.killedAfterMs !== undefined ? `killed after the ${BOUND_MS / 60_000} min bound` : `exit ${r.code}`;
      console.log(
        `\n${name} (${describeMisbehaviour(m)}): peak RSS of the kit ${(tree.kb / 1024).toFixed(0)} MB over up to ${tree.processes} processes (CLI process alone ${((r.peakRssKb ?? 0) / 1024).toFixed(0)} MB), ` +
          `${(r.ms / 1000).toFixed(1)} s wall, ${how}\n  reports: ${reportsWritten(out)}\n  last lines:\n    ${r.tail.slice(-8).join('\n    ')}`,
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
} finally {
  await server.stop();
}
