// One measured kit run for the detection bench: `arcp-conformance run` against the embedded
// reference with one defect on, stopped by `--bail-on` at the first verdict that names a
// requirement of the defect, and when that verdict came in, read from the run's own record
// (the test's start after the run's start, plus its duration), not from the process's wall time.
// A defect only a server process shows (a leak) runs against the reference started by
// `--server-cmd` instead, as a user's leak check would.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConformanceRecord, RecordTest } from '../reporters/record.ts';
import { DEFECTS } from '../reference/defects.ts';
import { REQUIREMENTS } from '../spec/requirements.ts';
import { KIT_ROOT } from '../cli/paths.ts';
import { readSuiteMap, type SuiteMap } from '../cli/suite-map.ts';
import { spawnCli } from '../cli/testing/spawn-cli.ts';

export type Mode = 'default' | 'properties';
export type DefectInfo = (typeof DEFECTS)[number];

/** Past its run bound, the kit needs this long to let running tests finish, stop and write its reports. */
const WIND_DOWN_MS = 90_000;

export interface Detection {
  /** Seconds from the run's start until the catching test's verdict. */
  readonly seconds: number;
  /** `<suite file without suites/> [ids it failed on]`. */
  readonly caughtBy: string;
}

export interface MeasuredRun {
  readonly detection?: Detection;
  /** Seconds from the run's start until its first test started (vitest's start, suite loading). */
  readonly startupSeconds?: number;
  /** Why nothing was detected: not within the bound, or the run ended without it. */
  readonly miss?: string;
  readonly wallSeconds: number;
}

const LEVEL = new Map(REQUIREMENTS.map((r) => [r.id, r.level]));

/** A WARN counts only for a defect that breaks nothing but SHOULDs (DESIGN §5: its only verdict). */
export function shouldOnly(defect: DefectInfo): boolean {
  return defect.requirements.every((id) => LEVEL.get(id) === 'SHOULD');
}

/** The verdicts that count as catching the defect on one of its requirements. */
function catches(defect: DefectInfo, test: RecordTest): string[] {
  const counted = new Set(shouldOnly(defect) ? ['FAIL', 'WARN'] : ['FAIL']);
  const ids: readonly string[] = defect.requirements;
  return test.outcomes.filter((o) => counted.has(o.verdict) && ids.includes(o.id)).map((o) => o.id);
}

/** The first verdict of the run (by when it came in) that names a requirement of the defect. */
export function firstDetection(record: Pick<ConformanceRecord, 'tests'>, defect: DefectInfo): Detection | undefined {
  let best: Detection | undefined;
  for (const test of record.tests) {
    const ids = catches(defect, test);
    if (ids.length === 0 || test.startedAfterMs === undefined) continue;
    const seconds = (test.startedAfterMs + test.durationMs) / 1000;
    if (best === undefined || seconds < best.seconds) best = { seconds, caughtBy: `${test.file.replace(/^suites\//, '')} [${[...new Set(ids)].join(', ')}]` };
  }
  return best;
}

/** For a defect that also breaks a MUST: the WARNs the run gave on its SHOULDs (not a detection, but worth saying). */
function warnedOnly(record: Pick<ConformanceRecord, 'tests'>, defect: DefectInfo): string {
  const ids: readonly string[] = defect.requirements;
  const warned = new Set(record.tests.flatMap((t) => t.outcomes.filter((o) => o.verdict === 'WARN' && ids.includes(o.id)).map((o) => o.id)));
  return warned.size === 0 ? '' : `; it WARNed on ${[...warned].join(', ')}, which counts only for a defect that breaks nothing but SHOULDs`;
}

/** Requirements only a server the kit starts can show: the leak check samples its process. */
const NEEDS_SERVER_PROCESS: ReadonlySet<string> = new Set(['LEAK-001']);

/** Timers short enough for the leak check's phases (as bench/stress.ts runs it). */
const SERVER_TIMERS = '--heartbeat-sec 5 --resume-window-sec 5';

/** How the run gets its server with the defect on: embedded, or started by --server-cmd with a token file. */
function serverArgs(defect: DefectInfo, out: string): string[] {
  if (!defect.requirements.some((id) => NEEDS_SERVER_PROCESS.has(id))) return ['--defect', defect.name];
  const tokenFile = join(out, 'tokens.json');
  // The reference runtime's local default tokens (README), not secrets.
  writeFileSync(tokenFile, JSON.stringify({ ARCP_TOKEN: 'tok-alice', ARCP_TOKEN_2: 'tok-bob' }));
  const bin = join(KIT_ROOT, 'bin/arcp-conformance.js');
  return ['--server-cmd', `node ${JSON.stringify(bin)} serve --port 0 ${SERVER_TIMERS} --defect ${defect.name}`, '--token-file', tokenFile];
}

/** The kit's flags for one measured run. */
export function runArgs(defect: DefectInfo, mode: Mode, seed: number, boundMs: number, out: string): string[] {
  return [
    'run',
    '--out', join(out, 'report'),
    ...serverArgs(defect, out),
    '--seed', String(seed),
    '--bail-on', defect.requirements.join(','),
    // The WARN of a SHOULD-only defect must stop the run too.
    ...(shouldOnly(defect) ? ['--strict'] : []),
    // An UNTESTABLE is not a detection, and must not stop the run.
    '--allow-untestable',
    '--run-timeout', String(boundMs),
    ...(mode === 'properties' ? ['--only', 'properties'] : []),
  ];
}

const SELECTION: Record<Mode, (file: string) => boolean> = {
  default: () => true,
  properties: (file) => file.startsWith('suites/properties/'),
};

/**
 * The defect's requirements that some test of the mode's suite files judges (suites/suite-map.json).
 * A test reports outcomes only on the ids it declares, so with none of them the run cannot
 * detect the defect: the bench says so instead of running it.
 */
export function judgedIn(mode: Mode, defect: DefectInfo, map: SuiteMap = readSuiteMap()): string[] {
  const judged = new Set(Object.entries(map.files).filter(([file]) => SELECTION[mode](file)).flatMap(([, tests]) => tests.flatMap((t) => t.requirements)));
  return defect.requirements.filter((id) => judged.has(id));
}

export async function measure(defect: DefectInfo, mode: Mode, seed: number, boundMs: number): Promise<MeasuredRun> {
  const out = mkdtempSync(join(tmpdir(), 'arcp-detection-'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ARCP_')));
  const started = performance.now();
  try {
    await spawnCli(runArgs(defect, mode, seed, boundMs, out), { cwd: KIT_ROOT, env: { ...env, NO_COLOR: '1' }, boundMs: boundMs + WIND_DOWN_MS }).catch((error: unknown) => {
      // Killed past the bound: the record is missing, reported below.
      if (!(error instanceof Error) || !error.message.includes('did not finish')) throw error;
    });
    const wallSeconds = (performance.now() - started) / 1000;
    const file = join(out, 'report', 'record.json');
    if (!existsSync(file)) return { miss: `no record (the run was killed ${WIND_DOWN_MS / 1000} s past its bound)`, wallSeconds };
    const record = JSON.parse(readFileSync(file, 'utf8')) as ConformanceRecord;
    const detection = firstDetection(record, defect);
    const starts = record.tests.flatMap((t) => (t.startedAfterMs === undefined ? [] : [t.startedAfterMs]));
    const startup = starts.length === 0 ? {} : { startupSeconds: Math.min(...starts) / 1000 };
    if (detection !== undefined && detection.seconds <= boundMs / 1000) return { detection, wallSeconds, ...startup };
    const bounded = record.interrupted?.includes('--run-timeout') === true || detection !== undefined;
    const ended = `not detected: the run ended after ${(record.durationMs / 1000).toFixed(0)} s without it (${record.exit.reason})${warnedOnly(record, defect)}`;
    return { miss: bounded ? `not detected within ${boundMs / 1000} s` : ended, wallSeconds, ...startup };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
