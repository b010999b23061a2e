// The record as GitHub-flavoured markdown for $GITHUB_STEP_SUMMARY: verdict line, table by
// area, failures with requirement ids and replay commands, baseline news. Texts from the
// server are escaped (GitHub renders inline HTML) and kept on one line per table cell.
import type { ConformanceRecord, RecordTest } from './record.ts';
import { truncate } from './markup.ts';
import { VERDICT_LABEL, VERDICTS } from './verdicts.ts';

const MAX_FAILURES = 50;

/** Escapes text for a markdown paragraph or table cell. */
export function markdownText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]()#+!|~])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

function code(text: string): string {
  return `<code>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '&#124;').replace(/\r?\n/g, ' ')}</code>`;
}

function failureLine(test: RecordTest): string {
  const ids = test.failingRequirements.length > 0 ? test.failingRequirements : test.requirements;
  const lines = [
    `- **${VERDICT_LABEL[test.verdict]}** ${ids.map(code).join(' ')} ${markdownText(test.title)} (${code(test.file)})`,
  ];
  if (test.detail) lines.push(`  ${markdownText(truncate(test.detail, 300))}`);
  if (test.replay?.command) lines.push(`  replay: ${code(test.replay.command)}`);
  return lines.join('\n');
}

/** Markdown for the GitHub step summary. */
export function recordToMarkdown(record: ConformanceRecord): string {
  const ok = record.exit.code === 0;
  const out: string[] = [
    `## ARCP conformance: ${ok ? '✅ passed' : '❌ failed'}`,
    '',
    `${markdownText(record.exit.reason)}. Target ${code(record.target.url)}, kit ${markdownText(record.kit.version)}, catalogue ${markdownText(record.catalogueVersion)}, ${(record.durationMs / 1000).toFixed(1)} s.`,
    '',
  ];
  if (record.merged) {
    const { shards, missing } = record.merged;
    out.push(`Merged from shards ${shards.map(code).join(', ')}${missing.length > 0 ? `; **missing ${missing.map(code).join(', ')}**` : ''}.`, '');
  }
  if (record.areas.length > 0) {
    out.push(`| Area | ${VERDICTS.map((v) => VERDICT_LABEL[v]).join(' | ')} |`, `|---|${VERDICTS.map(() => '--:').join('|')}|`);
    for (const a of record.areas) {
      out.push(`| ${code(a.area)} ${markdownText(a.title)} | ${VERDICTS.map((v) => String(a.counts[v])).join(' | ')} |`);
    }
    const r = record.totals.requirements;
    out.push(`| **Total** | ${VERDICTS.map((v) => `**${r[v]}**`).join(' | ')} |`, '');
    out.push(`Counts are requirements; ${record.totals.tests.total} tests ran, ${record.totals.notCovered} requirement(s) in scope got no verdict.`, '');
  }
  const blocking = record.tests.filter((t) => t.blocking);
  if (blocking.length > 0) {
    out.push(`### Failures (${blocking.length})`, '', ...blocking.slice(0, MAX_FAILURES).map(failureLine));
    if (blocking.length > MAX_FAILURES) out.push(`- … and ${blocking.length - MAX_FAILURES} more (see the HTML report)`);
    out.push('');
  }
  const b = record.baseline;
  if (b && (b.baselined.length > 0 || b.stale.length > 0)) {
    out.push('### Baseline', '', `${b.baselined.length} failure(s) baselined by ${code(b.file)}.`);
    if (b.stale.length > 0) {
      out.push('', `**${b.stale.length} stale entr${b.stale.length === 1 ? 'y' : 'ies'}** (now passing, remove):`);
      for (const s of b.stale) out.push(`- ${code(JSON.stringify(s.value))}`);
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
