// The comparison as one self-contained HTML page: a summary row per server, then the
// requirements (catalogue order, grouped by area) against the servers. A cell links to the
// test behind its verdict in that server's report.html, where the sequence diagram is.
import type { Comparison, ComparisonCell, ServerSummary } from './compare.ts';
import { rowDiffers } from './compare.ts';
import { BASE_CSS, badge, htmlDocument } from './html-page.ts';
import { escapeMarkup as esc, truncate } from './markup.ts';
import { VERDICT_LABEL, VERDICTS } from './verdicts.ts';

const CSS = `${BASE_CSS}
body { max-width: none; }
table.matrix thead th { position: sticky; top: 0; z-index: 1; }
table.matrix td.cell { white-space: nowrap; }
table.matrix td.cell a { text-decoration: none; }
table.matrix tr.area th { background: #e9ecef; }
table.matrix tr.differs td.id { border-left: 3px solid var(--warn); }
table.matrix td.text { color: #495057; max-width: 560px; }
.notes li { color: #e67700; }
`;

const SCRIPT = `
var toggle = document.getElementById('differences');
toggle.addEventListener('change', function () {
  document.querySelectorAll('table.matrix tbody tr.req').forEach(function (row) {
    row.hidden = toggle.checked && !row.classList.contains('differs');
  });
});
`;

function num(n: number): string {
  return `<td class="n${n === 0 ? ' zero' : ''}">${n}</td>`;
}

function link(href: string | undefined, inner: string, title?: string): string {
  const t = title === undefined ? '' : ` title="${esc(title)}"`;
  return href === undefined ? (title === undefined ? inner : `<span${t}>${inner}</span>`) : `<a href="${esc(href)}"${t}>${inner}</a>`;
}

function summaryTable(servers: readonly ServerSummary[]): string {
  const head = `<tr><th>Server</th><th>Target</th><th>Run</th>${VERDICTS.map((v) => `<th class="n">${esc(VERDICT_LABEL[v])}</th>`).join('')}<th class="n">MUST failures</th></tr>`;
  const rows = servers.map((s) => {
    const result = s.exit.code === 0 ? badge('PASS') : badge('FAIL');
    return `<tr><td><strong>${link(s.reportHref, esc(s.label))}</strong></td><td>${esc(s.target)}${s.runtime ? `<div class="muted">${esc(s.runtime)}</div>` : ''}</td><td>${result} <span class="muted">${esc(s.exit.reason)}</span></td>${VERDICTS.map((v) => num(s.counts[v])).join('')}${num(s.mustFailures)}</tr>`;
  });
  return `<table class="summary"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>
<p class="muted">Counts are requirements, each with the worst verdict of its tests, as in each server's own report.</p>`;
}

function cell(c: ComparisonCell): string {
  if (c.verdict === undefined) return '<td class="cell muted" title="not judged in this run">–</td>';
  const inner = `${badge(c.verdict)}${c.baselined ? ` ${badge('BASELINED')}` : ''}`;
  return `<td class="cell">${link(c.href, inner, c.detail === undefined ? undefined : truncate(c.detail, 300))}</td>`;
}

function matrix(comparison: Comparison): string {
  const columns = 3 + comparison.servers.length;
  const head = `<tr><th>Requirement</th><th>Level</th>${comparison.servers.map((s) => `<th>${esc(s.label)}</th>`).join('')}<th>Text</th></tr>`;
  const rows: string[] = [];
  let area: string | undefined;
  for (const row of comparison.rows) {
    if (row.area !== area) {
      area = row.area;
      rows.push(`<tr class="area"><th colspan="${columns}"><code>${esc(area)}</code> ${esc(comparison.areas[area] ?? '(not in the catalogue)')}</th></tr>`);
    }
    const classes = ['req', rowDiffers(row) ? 'differs' : ''].filter(Boolean).join(' ');
    rows.push(
      `<tr class="${classes}"><td class="id"><code>${esc(row.id)}</code></td><td>${esc(row.level ?? '?')}</td>${row.cells.map(cell).join('')}<td class="text">${esc(row.text ?? '(not in the catalogue)')}</td></tr>`,
    );
  }
  return `<p><label><input type="checkbox" id="differences"> only the requirements where the servers differ</label></p>
<table class="matrix"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

export function comparisonToHtml(comparison: Comparison): string {
  const notes =
    comparison.notes.length === 0 ? '' : `<ul class="notes">${comparison.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`;
  return htmlDocument({
    title: `ARCP conformance: ${comparison.servers.map((s) => s.label).join(' vs ')}`,
    css: CSS,
    script: SCRIPT,
    body: `<h1>ARCP v1.1 conformance: ${comparison.servers.length} server${comparison.servers.length === 1 ? '' : 's'} side by side</h1>
${notes}
<h2 id="summary">Summary</h2>
${summaryTable(comparison.servers)}
<h2 id="requirements">Requirements</h2>
<p class="muted">Catalogue ${esc(comparison.catalogueVersion)} order. A verdict other than PASS and N/A links to the test behind it in that server's report (its sequence diagram); – means the run did not judge the requirement.</p>
${matrix(comparison)}`,
  });
}
