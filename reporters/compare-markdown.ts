// The comparison as GitHub-flavoured markdown (a PR comment, a step summary, a README): the
// summary per server, then requirements down and servers across, each non-passing verdict
// linking to the test behind it in that server's report.html.
import type { Comparison, ComparisonCell } from './compare.ts';
import { markdownText } from './github-summary.ts';
import { VERDICT_LABEL, VERDICTS } from './verdicts.ts';

/** A link target in markdown: spaces and parentheses would end it early. */
function target(href: string): string {
  return href.replace(/[ ()]/g, (c) => encodeURIComponent(c));
}

function linked(text: string, href: string | undefined): string {
  return href === undefined ? text : `[${text}](${target(href)})`;
}

function cell(c: ComparisonCell): string {
  if (c.verdict === undefined) return '–';
  const text = `${c.verdict === 'PASS' ? '' : '**'}${VERDICT_LABEL[c.verdict]}${c.verdict === 'PASS' ? '' : '**'}${c.baselined ? ' (baselined)' : ''}`;
  return linked(text, c.href);
}

export function comparisonToMarkdown(comparison: Comparison): string {
  const out: string[] = [`## ARCP v1.1 conformance: ${comparison.servers.length} server${comparison.servers.length === 1 ? '' : 's'} side by side`, ''];
  for (const note of comparison.notes) out.push(`> ${markdownText(note)}`, '');
  out.push(
    `| Server | Run | ${VERDICTS.map((v) => VERDICT_LABEL[v]).join(' | ')} | MUST failures |`,
    `|---|---|${VERDICTS.map(() => '--:').join('|')}|--:|`,
  );
  for (const s of comparison.servers) {
    const run = `${s.exit.code === 0 ? 'passed' : '**failed**'}: ${markdownText(s.exit.reason)}`;
    out.push(`| ${linked(markdownText(s.label), s.reportHref)} | ${run} | ${VERDICTS.map((v) => String(s.counts[v])).join(' | ')} | ${s.mustFailures} |`);
  }
  out.push('', `Requirements in catalogue ${markdownText(comparison.catalogueVersion)} order; – means not judged in that run.`, '');
  out.push(`| Requirement | Level | ${comparison.servers.map((s) => markdownText(s.label)).join(' | ')} |`, `|---|---|${comparison.servers.map(() => '---').join('|')}|`);
  for (const row of comparison.rows) {
    out.push(`| ${markdownText(row.id)} | ${row.level ?? '?'} | ${row.cells.map(cell).join(' | ')} |`);
  }
  return `${out.join('\n')}\n`;
}
