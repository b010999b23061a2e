// The shell every HTML page of the kit shares (the run report, the comparison): one
// self-contained file, inline CSS and script, no network. A Content-Security-Policy allows
// only the page's own style and script (by hash), so even text that slipped past escaping
// could not run code.
import { createHash } from 'node:crypto';
import { escapeMarkup as esc } from './markup.ts';
import { VERDICT_LABEL, type Verdict } from './verdicts.ts';

/** The look every kit page shares (report and comparison): colours, tables, badges. */
export const BASE_CSS = `
:root { --pass:#2b8a3e; --fail:#c92a2a; --warn:#e67700; --na:#868e96; --untestable:#862e9c; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1200px; padding: 24px; color: #212529; }
h1 { margin: 0 0 4px; font-size: 22px; } h2 { margin-top: 32px; border-bottom: 1px solid #dee2e6; padding-bottom: 4px; }
h3 { margin: 0 0 6px; font-size: 15px; }
code, pre { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
pre { background: #f8f9fa; border: 1px solid #e9ecef; padding: 8px; overflow: auto; max-height: 420px; white-space: pre-wrap; word-break: break-word; }
table { border-collapse: collapse; width: 100%; } th, td { border-bottom: 1px solid #e9ecef; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f1f3f5; } th.n, td.n { text-align: right; font-variant-numeric: tabular-nums; } td.zero { color: #ced4da; }
.banner { padding: 10px 14px; border-radius: 6px; color: #fff; font-weight: 700; margin: 12px 0; }
.banner.ok { background: var(--pass); } .banner.bad { background: var(--fail); }
.badge { display: inline-block; padding: 0 6px; border-radius: 4px; color: #fff; font-size: 12px; font-weight: 700; }
.badge.PASS { background: var(--pass); } .badge.FAIL { background: var(--fail); } .badge.WARN { background: var(--warn); }
.badge.NA { background: var(--na); } .badge.UNTESTABLE { background: var(--untestable); } .badge.BASELINED { background: #495057; }
.muted { color: #868e96; }
`;

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

export function badge(verdict: Verdict | 'BASELINED'): string {
  const label = verdict === 'BASELINED' ? 'BASELINED' : VERDICT_LABEL[verdict];
  return `<span class="badge ${verdict}">${esc(label)}</span>`;
}

export interface HtmlDocument {
  readonly title: string;
  readonly css: string;
  readonly script?: string;
  /** Markup, already escaped. */
  readonly body: string;
}

export function htmlDocument(page: HtmlDocument): string {
  const script = page.script === undefined ? "'none'" : `'sha256-${sha256(page.script)}'`;
  const csp = `default-src 'none'; style-src 'sha256-${sha256(page.css)}'; script-src ${script}; img-src data:; base-uri 'none'; form-action 'none'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(page.title)}</title>
<style>${page.css}</style>
</head>
<body>
${page.body}
${page.script === undefined ? '' : `<script>${page.script}</script>\n`}</body>
</html>
`;
}
