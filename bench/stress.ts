// Verdict stability under load: the whole kit, as a user runs it, against the reference
// runtime started by --server-cmd (so the leak check LEAK-001 runs too), while busy processes
// keep the CPUs loaded. N runs against the clean runtime, M against each audit defect. Prints,
// per requirement, how often its verdict changed between runs, every FAIL on the clean runtime
// (a false FAIL) and every defect run that caught nothing (a miss). Not part of `npm test`: it
// takes minutes and loads the machine on purpose. Nothing is asserted; the numbers are the result.
//
//   npx tsx bench/stress.ts [--runs 10] [--defect-runs 5] [--busy <CPUs>] [-- extra run flags...]
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ConformanceRecord } from '../reporters/record.ts';
import type { Verdict } from '../reporters/verdicts.ts';
import { AUDIT_SEEDS } from '../suites/regressions/audit-seeds.ts';
import { runKitCommand } from './kit-process.ts';

const KIT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(KIT_ROOT, 'bin/arcp-conformance.js');
/** A run that takes longer than this is stopped and counted as such. */
const BOUND_MS = 20 * 60 * 1000;
/** Short server timers, and a --max-wait every timer check fits (HB-003 waits 2.5 heartbeats + a timeout). */
const SERVER_TIMERS = '--heartbeat-sec 5 --resume-window-sec 5';
const MAX_WAIT = ['--max-wait', '20000'];

const { values, positionals } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    'defect-runs': { type: 'string', default: '5' },
    busy: { type: 'string', default: String(cpus().length) },
  },
  allowPositionals: true,
});
const CLEAN_RUNS = Number(values.runs);
const DEFECT_RUNS = Number(values['defect-runs']);
const BUSY = Number(values.busy);
for (const [name, n] of [['--runs', CLEAN_RUNS], ['--defect-runs', DEFECT_RUNS], ['--busy', BUSY]] as const) {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} needs a whole number >= 0`);
}

interface Outcome {
  readonly label: string;
  readonly seconds: number;
  /** The kit's exit code, or why there is none. */
  readonly exit: string;
  /** Requirement id -> verdict; empty when the run left no record. */
  readonly verdicts: ReadonlyMap<string, Verdict>;
}

/** Processes that only burn CPU, so the kit and the server run on a loaded machine. */
function startBusyProcesses(count: number): ChildProcess[] {
  return Array.from({ length: count }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}

async function runOnce(label: string, defect: string | undefined, tokenFile: string): Promise<Outcome> {
  const out = mkdtempSync(join(tmpdir(), 'arcp-stress-'));
  try {
    const server = `node ${JSON.stringify(BIN)} serve --port 0 ${SERVER_TIMERS}${defect === undefined ? '' : ` --defect ${defect}`}`;
    const run = await runKitCommand(['run', '--server-cmd', server, '--token-file', tokenFile, '--out', out, ...MAX_WAIT, ...positionals], KIT_ROOT, BOUND_MS);
    let verdicts = new Map<string, Verdict>();
    try {
      const record = JSON.parse(readFileSync(join(out, 'record.json'), 'utf8')) as ConformanceRecord;
      verdicts = new Map(record.requirements.map((r) => [r.id, r.verdict]));
    } catch {
      // No record: the run was stopped or refused its configuration; the exit says which.
    }
    const exit = run.killedAfterMs !== undefined ? `killed after ${BOUND_MS / 60_000} min` : `exit ${run.code ?? run.signal}`;
    if (verdicts.size === 0) console.log(`  ${label}: no record; last lines:\n    ${run.tail.join('\n    ')}`);
    return { label, seconds: run.ms / 1000, exit, verdicts };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function idsWith(outcome: Outcome, verdict: Verdict): string[] {
  return [...outcome.verdicts].filter(([, v]) => v === verdict).map(([id]) => id);
}

function describe(outcome: Outcome): string {
  const counts = new Map<Verdict, number>();
  for (const v of outcome.verdicts.values()) counts.set(v, (counts.get(v) ?? 0) + 1);
  const tally = [...counts].map(([v, n]) => `${v} ${n}`).join(', ');
  const notable = (['FAIL', 'UNTESTABLE', 'WARN'] as const)
    .map((v) => [v, idsWith(outcome, v)] as const)
    .filter(([, ids]) => ids.length > 0)
    .map(([v, ids]) => `${v}: ${ids.join(' ')}`);
  return `${outcome.label}: ${outcome.seconds.toFixed(0)} s, ${outcome.exit}, ${tally || 'no verdicts'}${notable.length > 0 ? `; ${notable.join('; ')}` : ''}`;
}

/** Requirements whose verdict was not the same in every run, with how often each came up. */
function verdictChanges(outcomes: readonly Outcome[]): string[] {
  const ids = new Set(outcomes.flatMap((o) => [...o.verdicts.keys()]));
  const lines: string[] = [];
  for (const id of [...ids].sort()) {
    const seen = new Map<string, number>();
    for (const o of outcomes) {
      const v = o.verdicts.get(id) ?? 'none';
      seen.set(v, (seen.get(v) ?? 0) + 1);
    }
    if (seen.size > 1) lines.push(`${id}: ${[...seen].map(([v, n]) => `${v} x${n}`).join(', ')}`);
  }
  return lines;
}

const tokenDir = mkdtempSync(join(tmpdir(), 'arcp-stress-tokens-'));
const tokenFile = join(tokenDir, 'tokens.json');
// The reference runtime's local default tokens (README), not secrets.
writeFileSync(tokenFile, JSON.stringify({ ARCP_TOKEN: 'tok-alice', ARCP_TOKEN_2: 'tok-bob' }));
const busy = startBusyProcesses(BUSY);
try {
  console.log(
    `stress: ${CLEAN_RUNS} clean run(s), ${DEFECT_RUNS} run(s) per audit defect (${AUDIT_SEEDS.map((s) => s.defect).join(', ')}), ` +
      `${BUSY} busy process(es); node ${process.version}, ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
  );
  console.log(`server: arcp-conformance serve ${SERVER_TIMERS}, started by --server-cmd${positionals.length > 0 ? `; run flags: ${positionals.join(' ')}` : ''}\n`);

  const clean: Outcome[] = [];
  for (let k = 1; k <= CLEAN_RUNS; k += 1) {
    clean.push(await runOnce(`clean ${k}`, undefined, tokenFile));
    console.log(describe(clean.at(-1) as Outcome));
  }
  const byDefect = new Map<string, Outcome[]>();
  for (const seed of AUDIT_SEEDS) {
    const runs: Outcome[] = [];
    for (let k = 1; k <= DEFECT_RUNS; k += 1) {
      runs.push(await runOnce(`${seed.defect} ${k}`, seed.defect, tokenFile));
      console.log(describe(runs.at(-1) as Outcome));
    }
    byDefect.set(seed.defect, runs);
  }

  console.log(`\n== clean reference: ${clean.length} run(s), load now ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const falseFails = clean.filter((o) => idsWith(o, 'FAIL').length > 0);
  console.log(`false FAILs: ${falseFails.length} run(s)${falseFails.map((o) => `\n  ${o.label}: ${idsWith(o, 'FAIL').join(' ')}`).join('')}`);
  const unjudged = clean.filter((o) => o.verdicts.size === 0);
  if (unjudged.length > 0) console.log(`runs without a record: ${unjudged.map((o) => `${o.label} (${o.exit})`).join(', ')}`);
  const changes = verdictChanges(clean.filter((o) => o.verdicts.size > 0));
  console.log(`verdicts that changed between clean runs: ${changes.length}${changes.map((l) => `\n  ${l}`).join('')}`);

  console.log('\n== audit defects');
  for (const [defect, runs] of byDefect) {
    const misses = runs.filter((o) => idsWith(o, 'FAIL').length === 0);
    const caughtBy = new Map<string, number>();
    for (const o of runs) for (const id of idsWith(o, 'FAIL')) caughtBy.set(id, (caughtBy.get(id) ?? 0) + 1);
    const how = [...caughtBy].map(([id, n]) => `${id} x${n}`).join(', ');
    console.log(`${defect}: caught ${runs.length - misses.length}/${runs.length}${how ? ` (FAIL ${how})` : ''}; misses ${misses.length}${misses.map((o) => `\n  ${describe(o)}`).join('')}`);
    const moved = verdictChanges(runs.filter((o) => o.verdicts.size > 0));
    if (moved.length > 0) console.log(`  verdicts that changed between its runs: ${moved.join('; ')}`);
  }
} finally {
  for (const child of busy) child.kill('SIGKILL');
  rmSync(tokenDir, { recursive: true, force: true });
}
