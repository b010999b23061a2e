// The record as one self-contained HTML page (the shell and its CSP: html-page.ts): header,
// areas, findings with their sequence diagrams, requirements, tests. Every test has a stable
// anchor (testAnchor) so other pages can link to it.
import { createHash } from 'node:crypto';
import { describeEntry } from '../suites/verdicts/format.ts';
import { escapeMarkup as esc, truncate } from './markup.ts';
import type { ConformanceRecord, RecordTest, RequirementResult } from './record.ts';
import { SEQUENCE_DIAGRAM_CSS, sequenceDiagram } from './sequence-diagram.ts';
import { BASE_CSS, badge, htmlDocument } from './html-page.ts';
import { VERDICT_LABEL, VERDICTS, type Verdict } from './verdicts.ts';

const CSS = `${BASE_CSS}
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; } dl.meta dt { color: #495057; } dl.meta dd { margin: 0; overflow-wrap: anywhere; }
article.finding { border: 1px solid #dee2e6; border-left: 4px solid var(--fail); border-radius: 4px; padding: 10px 14px; margin: 12px 0; }
article.finding.WARN { border-left-color: var(--warn); } article.finding.baselined { border-left-color: #495057; }
.diagram { overflow: auto; border: 1px solid #e9ecef; max-height: 640px; margin: 8px 0; }
.filters button { margin-right: 4px; } .filters button.on { font-weight: 700; }
${SEQUENCE_DIAGRAM_CSS}`;

const SCRIPT = `
document.querySelectorAll('[data-filter]').forEach(function (button) {
  button.addEventListener('click', function () {
    var wanted = button.getAttribute('data-filter');
    document.querySelectorAll('#tests tbody tr').forEach(function (row) {
      row.hidden = wanted !== 'ALL' && row.getAttribute('data-verdict') !== wanted;
    });
    document.querySelectorAll('[data-filter]').forEach(function (b) { b.classList.toggle('on', b === button); });
  });
});
`;

function num(n: number): string {
  return `<td class="n${n === 0 ? ' zero' : ''}">${n}</td>`;
}

function header(record: ConformanceRecord): string {
  const t = record.target;
  const s = record.settings;
  const rows: [string, string][] = [
    ['Target', esc(t.url)],
    ['Runtime', t.runtime ? esc(`${t.runtime.name} ${t.runtime.version}`) : '<span class="muted">not announced</span>'],
    ['Features', t.features.length > 0 ? esc(t.features.join(', ')) : '<span class="muted">none negotiated</span>'],
    ['Agents', t.agents.length > 0 ? `${esc(t.agents.join(', '))}${t.agentsOmitted ? ` <span class="muted">and ${t.agentsOmitted} more</span>` : ''}` : '<span class="muted">none listed</span>'],
    ['Second principal', t.secondPrincipal ? 'configured' : '<span class="muted">not configured</span>'],
    ['Kit', esc(`${record.kit.name} ${record.kit.version}, catalogue ${record.catalogueVersion}`)],
    ['Started', esc(record.startedAt)],
    ['Duration', esc(`${(record.durationMs / 1000).toFixed(1)} s`)],
    ['Profile', `<code>${esc(JSON.stringify(record.profile))}</code>`],
    [
      'Settings',
      esc(
        [
          s.strict ? 'strict' : '',
          s.allowUntestable ? 'allow-untestable' : '',
          `timeout ${s.timeoutMs} ms`,
          `max wait ${s.maxWaitMs} ms`,
          s.seed !== undefined ? `seed ${s.seed}` : '',
          s.runs !== undefined ? `runs ${s.runs}` : '',
          s.shard ? `shard ${s.shard}` : '',
          s.only.length + s.onlySuites.length > 0 ? `only ${[...s.onlySuites, ...s.only].join(',')}` : '',
          s.skip.length + s.skipSuites.length > 0 ? `skip ${[...s.skipSuites, ...s.skip].join(',')}` : '',
        ]
          .filter(Boolean)
          .join(' · '),
      ),
    ],
  ];
  if (record.merged) {
    const { shards, missing } = record.merged;
    rows.push(['Merged from', esc(`shards ${shards.join(', ')}${missing.length > 0 ? `; missing ${missing.join(', ')}` : ''}`)]);
  }
  if (record.seeds.length > 0) rows.push(['Seeds', esc(record.seeds.join(', '))]);
  const ok = record.exit.code === 0;
  return [
    '<header>',
    '<h1>ARCP v1.1 conformance report</h1>',
    `<div class="banner ${ok ? 'ok' : 'bad'}">${ok ? 'PASSED' : 'FAILED'}: ${esc(record.exit.reason)}</div>`,
    `<dl class="meta">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`,
    '</header>',
  ].join('\n');
}

function areaTable(record: ConformanceRecord): string {
  if (record.areas.length === 0) return '<p class="muted">No requirement received a verdict.</p>';
  // The baselined column only means something when a baseline was applied.
  const withBaseline = record.baseline !== undefined;
  const head = `<tr><th>Area</th><th></th>${VERDICTS.map((v) => `<th class="n">${esc(VERDICT_LABEL[v])}</th>`).join('')}${withBaseline ? '<th class="n">baselined</th>' : ''}</tr>`;
  const rows = record.areas.map(
    (a) =>
      `<tr><td><code>${esc(a.area)}</code></td><td>${esc(a.title)}</td>${VERDICTS.map((v) => num(a.counts[v])).join('')}${withBaseline ? num(a.baselined) : ''}</tr>`,
  );
  const r = record.totals.requirements;
  const baselined = withBaseline ? `<th class="n">${record.areas.reduce((n, a) => n + a.baselined, 0)}</th>` : '';
  const total = `<tr><th>Total</th><th></th>${VERDICTS.map((v) => `<th class="n">${r[v]}</th>`).join('')}${baselined}</tr>`;
  return `<table><thead>${head}</thead><tbody>${rows.join('')}</tbody><tfoot>${total}</tfoot></table>
<p class="muted">Counts are requirements (each counted once, with the worst verdict of its tests). ${record.totals.notCovered} requirement(s) in scope got no verdict in this run.</p>`;
}

/**
 * The id of a test's place in report.html. Derived from the test's key only, so it is the same
 * in every run and other pages (the `compare` table) can link to it.
 */
export function testAnchor(key: string): string {
  return `test-${createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 16)}`;
}

/** The tests written out in full (message, diagram), each in one group only. */
function findingGroups(record: ConformanceRecord): { blocking: RecordTest[]; warnings: RecordTest[]; baselined: RecordTest[] } {
  return {
    blocking: record.tests.filter((t) => t.blocking),
    warnings: record.tests.filter((t) => !t.blocking && t.verdict === 'WARN' && t.baselined === undefined),
    baselined: record.baseline === undefined ? [] : record.tests.filter((t) => t.baselined !== undefined),
  };
}

/** The fragment that shows `test` best: its finding (with the diagram) if it has one, else its row. */
export function testFragment(record: ConformanceRecord, test: RecordTest): string {
  const groups = findingGroups(record);
  const hasFinding = [...groups.blocking, ...groups.warnings, ...groups.baselined].includes(test);
  return hasFinding ? testAnchor(test.key) : `${testAnchor(test.key)}-row`;
}

function finding(test: RecordTest, n: number, open: boolean): string {
  const baselined = test.baselined !== undefined;
  const classes = ['finding', test.verdict, baselined ? 'baselined' : ''].filter(Boolean).join(' ');
  const parts = [
    `<article class="${classes}" id="${testAnchor(test.key)}">`,
    `<h3>${badge(test.verdict)}${baselined ? ` ${badge('BASELINED')}` : ''} ${esc(test.title)}</h3>`,
    `<div class="muted">${esc(test.file)}${test.requirements.length > 0 ? ` · ${esc(test.requirements.join(', '))}` : ''} · ${test.durationMs} ms</div>`,
  ];
  if (test.detail) parts.push(`<p>${esc(test.detail)}</p>`);
  if (baselined && test.baselined?.reason) parts.push(`<p class="muted">Baseline reason: ${esc(test.baselined.reason)}</p>`);
  if (test.replay?.command) parts.push(`<p>Replay: <code>${esc(test.replay.command)}</code></p>`);
  if (test.rerun) parts.push(`<p>Run it again: <code>${esc(test.rerun)}</code></p>`);
  // Notes say what the verdict leaves out: ids not concluded, whose frames the diagram shows.
  for (const note of test.notes ?? []) parts.push(`<p class="muted">Note: ${esc(note)}</p>`);
  if (test.evidence) {
    const w = test.evidence;
    parts.push(
      `<div class="diagram">${sequenceDiagram(w, `d${n}`)}</div>`,
      w.omitted > 0 ? `<p class="muted">${w.omitted} transcript entries omitted.</p>` : '',
      `<details><summary>Transcript (${w.entries.length} entries)</summary><pre>${esc(w.entries.map(describeEntry).join('\n'))}</pre></details>`,
    );
  }
  if (test.message) {
    parts.push(`<details${open ? ' open' : ''}><summary>Failure message</summary><pre>${esc(test.message)}</pre></details>`);
  }
  parts.push('</article>');
  return parts.join('\n');
}

function findings(record: ConformanceRecord): string {
  let n = 0;
  const { blocking, warnings, baselined } = findingGroups(record);
  const sections = [
    '<h2 id="failures">Failures</h2>',
    blocking.length === 0 ? '<p class="muted">None.</p>' : blocking.map((t) => finding(t, n++, true)).join('\n'),
  ];
  if (record.interrupted !== undefined) {
    sections.push(
      `<h2 id="interrupted">Interrupted</h2><p>The run stopped early: ${esc(record.interrupted)}. This report holds what finished.</p>`,
      record.unfinished.length === 0
        ? '<p class="muted">No collected test was left running (tests not yet collected are not listed).</p>'
        : `<details open><summary>${record.unfinished.length} test(s) did not finish</summary><ul>${record.unfinished.map((k) => `<li>${esc(k)}</li>`).join('')}</ul></details>`,
    );
  }
  if (record.elided !== undefined) {
    const e = record.elided;
    sections.push(`<p class="muted">The evidence passed its budget of ${e.budgetChars} characters: ${e.trimmed} failure(s) show only their witness frames, ${e.dropped} none.</p>`);
  }
  if (warnings.length > 0) sections.push('<h2 id="warnings">Warnings</h2>', warnings.map((t) => finding(t, n++, false)).join('\n'));
  if (record.baseline) {
    const b = record.baseline;
    sections.push(
      `<h2 id="baseline">Baseline <span class="muted">(${esc(b.file)}, ${b.entries} entries)</span></h2>`,
      b.stale.length === 0
        ? '<p>No stale entries.</p>'
        : `<p><strong>${b.stale.length} stale entr${b.stale.length === 1 ? 'y' : 'ies'}</strong>: ${b.stale.length === 1 ? 'what it names now passes; remove it' : 'what they name now passes; remove them'}.</p><ul>${b.stale
            .map((s) => `<li><code>${esc(JSON.stringify(s.value))}</code></li>`)
            .join('')}</ul>`,
      b.unexercised.length === 0
        ? ''
        : `<details><summary>${b.unexercised.length} entr${b.unexercised.length === 1 ? 'y' : 'ies'} matched nothing that ran</summary><ul>${b.unexercised
            .map((s) => `<li><code>${esc(JSON.stringify(s.value))}</code></li>`)
            .join('')}</ul></details>`,
      baselined.length === 0 ? '' : `<h3>Baselined failures (${baselined.length})</h3>${baselined.map((t) => finding(t, n++, false)).join('\n')}`,
    );
  }
  return sections.join('\n');
}

function requirementRow(r: RequirementResult): string {
  return `<tr><td><code>${esc(r.id)}</code></td><td>${esc(r.level ?? '?')}</td><td>${esc(r.section ?? '')}</td><td>${badge(r.verdict)}${r.baselined ? ` ${badge('BASELINED')}` : ''}</td><td class="n">${r.tests.length}</td><td>${esc(r.text ?? '(not in the catalogue)')}</td></tr>`;
}

function requirementsTable(record: ConformanceRecord): string {
  const rows = record.requirements.map(requirementRow).join('');
  const notCovered =
    record.notCovered.length === 0
      ? ''
      : `<details><summary>${record.notCovered.length} requirement(s) with no test in this run</summary><p><code>${esc(record.notCovered.join(', '))}</code></p></details>`;
  return `<h2 id="requirements">Requirements</h2>
<table><thead><tr><th>Id</th><th>Level</th><th>Section</th><th>Verdict</th><th>Tests</th><th>Requirement</th></tr></thead><tbody>${rows}</tbody></table>
${notCovered}`;
}

function testsTable(record: ConformanceRecord): string {
  const buttons = ['ALL', ...VERDICTS]
    .map((v) => `<button type="button" data-filter="${v}"${v === 'ALL' ? ' class="on"' : ''}>${esc(v === 'ALL' ? 'all' : VERDICT_LABEL[v as Verdict])}</button>`)
    .join('');
  const rows = record.tests
    .map(
      (t) =>
        `<tr id="${testAnchor(t.key)}-row" data-verdict="${esc(t.verdict)}"><td>${badge(t.verdict)}${t.baselined ? ` ${badge('BASELINED')}` : ''}</td><td>${esc(t.title)}<div class="muted">${esc(t.file)}</div></td><td>${esc(t.requirements.join(', '))}</td><td class="n">${t.durationMs}</td><td>${esc(truncate(t.detail ?? '', 300))}</td></tr>`,
    )
    .join('');
  return `<h2 id="tests">Tests (${record.tests.length})</h2>
<div class="filters">${buttons}</div>
<table><thead><tr><th>Verdict</th><th>Test</th><th>Requirements</th><th>ms</th><th>Detail</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The self-contained HTML report of the record. */
export function recordToHtml(record: ConformanceRecord): string {
  return htmlDocument({
    title: `ARCP conformance: ${record.exit.code === 0 ? 'passed' : 'failed'} (${record.target.url})`,
    css: CSS,
    script: SCRIPT,
    body: `${header(record)}
<h2 id="areas">By area</h2>
${areaTable(record)}
${findings(record)}
${requirementsTable(record)}
${testsTable(record)}
<footer class="muted"><p>Record version ${record.version}. Generated by ${esc(record.kit.name)} ${esc(record.kit.version)} at ${esc(record.finishedAt)}.</p></footer>`,
  });
}
