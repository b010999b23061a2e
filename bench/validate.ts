// Throughput of hot-path frame validation (spec/validate.ts) on a realistic job.event mix.
// Run: npx tsx bench/validate.ts [frames]   (default 1,000,000 frames per measured run)
// Each scenario runs once to warm up, then three times; the best run is reported.
import { performance } from 'node:perf_hooks';
import { JobEvent } from '../spec/messages.ts';
import { validateFrame } from '../spec/validate.ts';

const FRAMES = Number(process.argv[2] ?? 1_000_000);
const POOL_SIZE = 10_000;
const RUNS = 3;
const SESSION = 'sess_01JAB3K7Q2ZC9X4M5N6P7R8S9T';
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

// Share of each kind in a chatty job; `x-` stands for a vendor kind.
const MIX: ReadonlyArray<readonly [string, number]> = [
  ['log', 30],
  ['progress', 20],
  ['metric', 15],
  ['tool_call', 8],
  ['tool_result', 8],
  ['thought', 7],
  ['status', 5],
  ['result_chunk', 5],
  ['artifact_ref', 1],
  ['x-acme.span', 1],
];

function body(kind: string, i: number): Record<string, unknown> {
  switch (kind) {
    case 'log':
      return { level: 'info', message: `processed file ${i} of the workspace` };
    case 'progress':
      return { current: i % 120, total: 120, units: 'files', message: `Refactoring src/module-${i}.ts` };
    case 'metric':
      return { name: 'cost.inference', value: 0.0001 * (i % 97), unit: 'USD' };
    case 'tool_call':
      return { tool: 'fs.read_file', args: { path: `/workspace/myapp/src/file-${i}.ts` }, call_id: `call_${i}` };
    case 'tool_result':
      return { call_id: `call_${i}`, result: { bytes: 100 + i, lines: i % 400 } };
    case 'thought':
      return { text: 'The middleware still uses callbacks; convert the handlers first, then the tests.' };
    case 'status':
      return { phase: 'running', message: 'indexing' };
    case 'result_chunk':
      return { result_id: 'res_01JAB3Q0', chunk_seq: i, data: 'x'.repeat(256), encoding: 'utf8', more: true };
    case 'artifact_ref':
      return { uri: `file:///workspace/out/${i}.html`, content_type: 'text/html', byte_size: 18_432 };
    default:
      return { span_id: '00f067aa0ba902b7', name: 'llm.call', duration_ms: i % 900 };
  }
}

function kindAt(i: number): string {
  const total = MIX.reduce((sum, [, weight]) => sum + weight, 0);
  let slot = (i * 7919) % total; // spread kinds through the pool instead of running them in blocks
  for (const [kind, weight] of MIX) {
    if (slot < weight) return kind;
    slot -= weight;
  }
  return 'log';
}

function eventText(i: number, kind = kindAt(i)): string {
  return JSON.stringify({
    arcp: '1.1',
    id: `01JAB3P${String(i).padStart(8, '0')}QRSTVWXYZ`,
    type: 'job.event',
    session_id: SESSION,
    trace_id: TRACE,
    job_id: `job_01JAB3M0V4W5X6Y7Z8A9B0C${i % 8}`,
    event_seq: i,
    payload: { kind, ts: '2026-05-13T19:42:13.842Z', body: body(kind, i) },
  });
}

// Pools are built from JSON text so the objects have the shapes a socket would give.
const texts = Array.from({ length: POOL_SIZE }, (_, i) => eventText(i));
const parsed: unknown[] = texts.map((text) => JSON.parse(text));
const logOnly: unknown[] = Array.from({ length: POOL_SIZE }, (_, i) => JSON.parse(eventText(i, 'log')));

function assertAllValid(pool: readonly unknown[]): void {
  for (const frame of pool) {
    const verdict = validateFrame(frame);
    if (!verdict.valid) throw new Error(`bench pool holds an invalid frame: ${verdict.errors.join('; ')}`);
  }
}

interface Scenario {
  readonly name: string;
  readonly frames: number;
  /** Validates `frames` frames; returns how many were valid (keeps the work observable). */
  readonly run: (frames: number) => number;
}

const scenarios: Scenario[] = [
  {
    name: 'validateFrame, job.event mix (parsed)',
    frames: FRAMES,
    run: (n) => {
      let ok = 0;
      for (let i = 0; i < n; i++) if (validateFrame(parsed[i % POOL_SIZE]).valid) ok++;
      return ok;
    },
  },
  {
    name: 'validateFrame, job.event log only (parsed)',
    frames: FRAMES,
    run: (n) => {
      let ok = 0;
      for (let i = 0; i < n; i++) if (validateFrame(logOnly[i % POOL_SIZE]).valid) ok++;
      return ok;
    },
  },
  {
    name: 'JSON.parse only, job.event mix (text)',
    frames: FRAMES,
    run: (n) => {
      let ok = 0;
      for (let i = 0; i < n; i++) if (JSON.parse(texts[i % POOL_SIZE] as string) !== null) ok++;
      return ok;
    },
  },
  {
    name: 'JSON.parse + validateFrame, job.event mix',
    frames: FRAMES,
    run: (n) => {
      let ok = 0;
      for (let i = 0; i < n; i++) if (validateFrame(JSON.parse(texts[i % POOL_SIZE] as string)).valid) ok++;
      return ok;
    },
  },
  {
    // For perspective only: zod is the source of truth, not the hot path.
    name: 'zod JobEvent.safeParse, job.event mix (parsed)',
    frames: Math.max(1, Math.floor(FRAMES / 10)),
    run: (n) => {
      let ok = 0;
      for (let i = 0; i < n; i++) if (JobEvent.safeParse(parsed[i % POOL_SIZE]).success) ok++;
      return ok;
    },
  },
];

function measure(scenario: Scenario): { bestMs: number; rate: number } {
  scenario.run(Math.min(scenario.frames, 200_000)); // warm-up: let V8 optimise the loop and validators
  let bestMs = Number.POSITIVE_INFINITY;
  for (let r = 0; r < RUNS; r++) {
    const start = performance.now();
    const ok = scenario.run(scenario.frames);
    const ms = performance.now() - start;
    if (ok !== scenario.frames) throw new Error(`${scenario.name}: ${scenario.frames - ok} frames failed validation`);
    bestMs = Math.min(bestMs, ms);
  }
  return { bestMs, rate: scenario.frames / (bestMs / 1000) };
}

assertAllValid(parsed);
assertAllValid(logOnly);

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const rows = scenarios.map((scenario) => ({ scenario, ...measure(scenario) }));
const width = Math.max(...rows.map((row) => row.scenario.name.length));
console.log(`node ${process.version}, pool of ${fmt(POOL_SIZE)} distinct frames, best of ${RUNS} after warm-up\n`);
console.log(`${'scenario'.padEnd(width)}  ${'frames'.padStart(10)}  ${'best ms'.padStart(9)}  ${'frames/s'.padStart(12)}`);
for (const { scenario, bestMs, rate } of rows) {
  console.log(
    `${scenario.name.padEnd(width)}  ${fmt(scenario.frames).padStart(10)}  ${bestMs.toFixed(1).padStart(9)}  ${fmt(rate).padStart(12)}`,
  );
}
