// The record as JUnit XML, for CI systems: one <testsuite> per suite file, one <testcase>
// per test. FAIL and blocking UNTESTABLE/WARN are <failure>s whose message names the
// requirement; a kit or suite error is an <error>; WARN passes with a system-out note;
// N/A, allowed UNTESTABLE and baselined failures are <skipped>.
import type { ConformanceRecord, RecordTest } from './record.ts';
import { escapeMarkup as esc } from './markup.ts';
import { VERDICT_LABEL } from './verdicts.ts';

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function failureMessage(test: RecordTest): string {
  const ids = test.failingRequirements.length > 0 ? test.failingRequirements.join(', ') : test.requirements.join(', ');
  const detail = test.detail ?? `${VERDICT_LABEL[test.verdict]} without detail`;
  // The detail usually starts with the id already (`SEQ-001: expected ...`).
  return ids === '' || detail.startsWith(`${ids}:`) ? detail : `${ids}: ${detail}`;
}

function failureBody(test: RecordTest): string {
  const lines = [test.message ?? test.detail ?? ''];
  if (test.replay?.command) lines.push('', `replay: ${test.replay.command}`);
  return lines.join('\n');
}

type Outcome = 'failure' | 'error' | 'skipped' | 'passed';

function outcomeOf(test: RecordTest): Outcome {
  if (test.baselined !== undefined) return 'skipped';
  if (test.blocking) return test.origin === 'test' ? 'failure' : 'error';
  if (test.verdict === 'NA' || test.verdict === 'UNTESTABLE') return 'skipped';
  return 'passed';
}

function testcase(test: RecordTest): string {
  const outcome = outcomeOf(test);
  const props = [
    ...test.requirements.map((id) => `<property name="requirement" value="${esc(id)}"/>`),
    `<property name="verdict" value="${esc(test.verdict)}"/>`,
    ...(test.replay ? [`<property name="seed" value="${esc(test.replay.seed)}"/>`] : []),
  ];
  const inner: string[] = [`      <properties>${props.join('')}</properties>`];
  if (outcome === 'failure' || outcome === 'error') {
    inner.push(
      `      <${outcome} message="${esc(failureMessage(test))}" type="${esc(test.verdict)}">${esc(failureBody(test))}</${outcome}>`,
    );
  } else if (outcome === 'skipped') {
    const why =
      test.baselined !== undefined
        ? `baselined${test.baselined.reason ? `: ${test.baselined.reason}` : ''} (${failureMessage(test)})`
        : `${VERDICT_LABEL[test.verdict]}: ${test.detail ?? ''}`;
    inner.push(`      <skipped message="${esc(why)}"/>`);
  } else if (test.verdict === 'WARN') {
    const warnings = test.outcomes.filter((o) => o.verdict === 'WARN').map((o) => `WARN ${o.id}: ${o.detail ?? ''}`);
    inner.push(`      <system-out>${esc(warnings.join('\n') || `WARN: ${test.detail ?? ''}`)}</system-out>`);
  }
  return [
    `    <testcase classname="${esc(test.file)}" name="${esc(test.title)}" time="${seconds(test.durationMs)}">`,
    ...inner,
    '    </testcase>',
  ].join('\n');
}

function counts(tests: readonly RecordTest[]) {
  const outcomes = tests.map(outcomeOf);
  return {
    tests: tests.length,
    failures: outcomes.filter((o) => o === 'failure').length,
    errors: outcomes.filter((o) => o === 'error').length,
    skipped: outcomes.filter((o) => o === 'skipped').length,
    time: seconds(tests.reduce((sum, t) => sum + t.durationMs, 0)),
  };
}

function attrs(c: ReturnType<typeof counts>): string {
  return `tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" time="${c.time}"`;
}

/** JUnit XML of the record; well-formed whatever the tests' texts contain. */
export function recordToJUnit(record: ConformanceRecord): string {
  const byFile = new Map<string, RecordTest[]>();
  for (const test of record.tests) byFile.set(test.file, [...(byFile.get(test.file) ?? []), test]);
  const suites = [...byFile.entries()].map(([file, tests]) =>
    [
      `  <testsuite name="${esc(file)}" timestamp="${esc(record.startedAt)}" ${attrs(counts(tests))}>`,
      ...tests.map(testcase),
      '  </testsuite>',
    ].join('\n'),
  );
  // An interrupted run names what did not finish, so CI shows the gap, not a shorter list.
  if (record.unfinished.length > 0) {
    const why = `did not finish: the run was interrupted (${record.interrupted ?? 'no reason given'})`;
    suites.push(
      [
        `  <testsuite name="(did not finish)" timestamp="${esc(record.startedAt)}" tests="${record.unfinished.length}" failures="0" errors="0" skipped="${record.unfinished.length}" time="0">`,
        ...record.unfinished.map((key) => `    <testcase classname="${esc(key.split(' > ')[0] ?? key)}" name="${esc(key)}" time="0">\n      <skipped message="${esc(why)}"/>\n    </testcase>`),
        '  </testsuite>',
      ].join('\n'),
    );
  }
  const total = counts(record.tests);
  total.tests += record.unfinished.length;
  total.skipped += record.unfinished.length;
  total.time = seconds(record.durationMs);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${esc(`arcp-conformance ${record.kit.version} against ${record.target.url}`)}" ${attrs(total)}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
