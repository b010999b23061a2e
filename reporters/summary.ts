// The terminal view of the record: a table by area, the failures with their requirement
// ids, one-line details and replay commands, the baseline news and the verdict line.
import type { ConformanceRecord, RecordTest } from './record.ts';
import { truncateWords, wrapWords } from './markup.ts';
import { VERDICT_LABEL, VERDICTS, type Verdict } from './verdicts.ts';

export interface SummaryOptions {
  /** ANSI colours (only on a TTY). */
  readonly color: boolean;
  /** Terminal width for truncating titles. */
  readonly width?: number;
  /** At most this many failures are listed in full. */
  readonly maxFailures?: number;
}

const ANSI: Record<Verdict | 'bold' | 'dim', string> = {
  PASS: '32',
  FAIL: '31',
  WARN: '33',
  NA: '90',
  UNTESTABLE: '35',
  bold: '1',
  dim: '2',
};

// Terminal output must not carry a server's escape sequences (they can rewrite the screen).
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

export function terminalSafe(text: string): string {
  return text.replace(CONTROL, '�');
}

function painter(color: boolean) {
  return (style: keyof typeof ANSI, text: string): string => (color ? `\u001b[${ANSI[style]}m${text}\u001b[0m` : text);
}

function pad(text: string, width: number, right = false): string {
  const gap = Math.max(0, width - text.length);
  return right ? ' '.repeat(gap) + text : text + ' '.repeat(gap);
}

function areaTable(record: ConformanceRecord, paint: ReturnType<typeof painter>): string[] {
  if (record.areas.length === 0) return ['No requirement received a verdict.'];
  const titleWidth = Math.min(44, Math.max(10, ...record.areas.map((a) => a.area.length + 1 + a.title.length)));
  const cols = VERDICTS.map((v) => Math.max(5, VERDICT_LABEL[v].length));
  const withBaseline = record.baseline !== undefined;
  const extra = (n: number): string => (withBaseline ? `  ${pad(String(n), 9, true)}` : '');
  const head = `${pad('Requirements by area', titleWidth)}  ${VERDICTS.map((v, i) => pad(VERDICT_LABEL[v], cols[i] ?? 5, true)).join('  ')}${withBaseline ? '  BASELINED' : ''}`;
  const lines = [paint('bold', head)];
  const cell = (v: Verdict, n: number, i: number): string => {
    const text = pad(String(n), cols[i] ?? 5, true);
    return n === 0 ? paint('dim', text) : v === 'PASS' ? text : paint(v, text);
  };
  for (const a of record.areas) {
    const name = truncateWords(`${a.area} ${a.title}`, titleWidth);
    lines.push(`${pad(name, titleWidth)}  ${VERDICTS.map((v, i) => cell(v, a.counts[v], i)).join('  ')}${extra(a.baselined)}`);
  }
  const r = record.totals.requirements;
  const baselined = record.areas.reduce((n, a) => n + a.baselined, 0);
  lines.push(paint('bold', `${pad('Total', titleWidth)}  ${VERDICTS.map((v, i) => pad(String(r[v]), cols[i] ?? 5, true)).join('  ')}${extra(baselined)}`));
  return lines;
}

function testCounts(record: ConformanceRecord): string {
  const t = record.totals.tests;
  const counts = VERDICTS.map((v) => `${VERDICT_LABEL[v]} ${t[v]}`).join('  ');
  return `${t.total} test${t.total === 1 ? '' : 's'}: ${counts}${record.totals.baselined > 0 ? `  (baselined ${record.totals.baselined})` : ''}`;
}

const DETAIL_LINES = 4;

function detailLines(detail: string, width: number): string[] {
  const lines = wrapWords(detail, width);
  if (lines.length <= DETAIL_LINES) return lines;
  return [...lines.slice(0, DETAIL_LINES - 1), truncateWords(lines.slice(DETAIL_LINES - 1).join(' '), width)];
}

function failure(test: RecordTest, paint: ReturnType<typeof painter>, width: number): string[] {
  const ids = test.failingRequirements.length > 0 ? test.failingRequirements : test.requirements;
  const label = pad(VERDICT_LABEL[test.verdict], 4);
  const idText = ids.join(', ') || '(no requirement)';
  // Truncate the plain text first: cutting a painted string could split an escape sequence.
  const room = Math.max(20, width - 2 - label.length - 1 - idText.length - 2);
  const head = `  ${paint(test.verdict, label)} ${paint('bold', idText)}  ${truncateWords(terminalSafe(test.title), room)}`;
  const lines = [head, paint('dim', `       ${terminalSafe(test.file)}`)];
  // The detail is what to do about it (for UNTESTABLE, what to change): wrapped, never cut.
  if (test.detail) lines.push(...detailLines(terminalSafe(test.detail), Math.max(40, width - 7)).map((l) => `       ${l}`));
  if (test.replay?.command) lines.push(`       replay: ${terminalSafe(test.replay.command)}`);
  if (test.rerun) lines.push(paint('dim', `       again:  ${terminalSafe(test.rerun)}`));
  return lines;
}

/** The end-of-run summary, as lines for the terminal. */
export function summaryLines(record: ConformanceRecord, options: SummaryOptions): string[] {
  const paint = painter(options.color);
  const width = options.width ?? 100;
  const maxFailures = options.maxFailures ?? 30;
  const lines: string[] = ['', ...areaTable(record, paint), '', testCounts(record)];

  const blocking = record.tests.filter((t) => t.blocking);
  if (blocking.length > 0) {
    lines.push('', paint('bold', `Failures (${blocking.length}):`));
    for (const test of blocking.slice(0, maxFailures)) lines.push(...failure(test, paint, width));
    if (blocking.length > maxFailures) lines.push(`  … and ${blocking.length - maxFailures} more (see the reports)`);
  }
  const warnings = record.tests.filter((t) => !t.blocking && t.verdict === 'WARN');
  if (warnings.length > 0) {
    lines.push('', paint('bold', `Warnings (${warnings.length}, SHOULDs; --strict makes them fail):`));
    for (const test of warnings.slice(0, maxFailures)) lines.push(...failure(test, paint, width));
  }
  const b = record.baseline;
  if (b) {
    lines.push('', `Baseline ${terminalSafe(b.file)}: ${b.baselined.length} failure(s) baselined, ${b.stale.length} stale, ${b.unexercised.length} not exercised.`);
    for (const test of record.tests.filter((t) => t.baselined !== undefined).slice(0, maxFailures)) {
      const ids = test.failingRequirements.join(', ') || '(no requirement)';
      lines.push(paint('dim', `  baselined ${VERDICT_LABEL[test.verdict]} ${ids}  ${terminalSafe(test.title)}`));
    }
    for (const s of b.stale) {
      lines.push(`  ${paint('WARN', 'STALE')} entry ${s.entry}: ${terminalSafe(JSON.stringify(s.value))} now passes; remove it.`);
    }
  }
  const noted = record.tests.filter((test) => (test.notes?.length ?? 0) > 0);
  if (noted.length > 0) {
    lines.push('', paint('dim', `Kit notes (${noted.length} test(s); never verdicts):`));
    for (const test of noted.slice(0, maxFailures)) {
      for (const note of test.notes ?? []) lines.push(paint('dim', `  ${truncateWords(terminalSafe(note), Math.max(40, width - 2))}  (${terminalSafe(test.title)})`));
    }
  }
  if (record.totals.notCovered > 0) {
    lines.push('', paint('dim', `${record.totals.notCovered} requirement(s) in scope got no verdict: no test judged them, or their test stopped first (arcp-conformance list shows coverage).`));
  }
  if (record.merged) {
    const { shards, missing } = record.merged;
    lines.push('', `Merged from shard${shards.length === 1 ? '' : 's'} ${shards.join(', ')}.`);
    if (missing.length > 0) lines.push(paint('FAIL', `Missing shard${missing.length === 1 ? '' : 's'}: ${missing.join(', ')} (its tests are not in this record).`));
  }
  if (record.interrupted) lines.push('', paint('FAIL', `Run interrupted: ${terminalSafe(record.interrupted)}`));
  if (record.unfinished.length > 0) {
    lines.push(`${record.unfinished.length} test(s) did not finish:`);
    for (const key of record.unfinished.slice(0, maxFailures)) lines.push(`  ${terminalSafe(key)}`);
  }
  const ok = record.exit.code === 0;
  lines.push('', `${paint(ok ? 'PASS' : 'FAIL', ok ? 'PASSED' : 'FAILED')}: ${terminalSafe(record.exit.reason)}`);
  return lines;
}
