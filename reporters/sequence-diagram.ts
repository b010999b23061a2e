// A transcript window as a sequence diagram in inline SVG: one lane per client connection
// (c1, c2, ... with their labels), one server lane, one arrow per frame, connection
// events marked on their lane, and the witness frames highlighted, so a vendor can see
// the interleaving that broke a requirement. Every text comes from the transcript, so
// every text is escaped.
import type { FrameEntry, TranscriptEntry } from '../suites/harness/transcript-types.ts';
import { describeFrame } from '../suites/verdicts/format.ts';
import type { EvidenceWindow } from './evidence.ts';
import { escapeMarkup as esc, truncate } from './markup.ts';

const MARGIN_LEFT = 96;
const LANE_GAP = 210;
const HEADER = 46;
const ROW = 26;
const LABEL_CHARS = 34;

type Loose = Record<string, unknown>;

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Loose)[key] : undefined;
}

/** Short arrow label: type, job, seq and kind (or code / final status). */
export function frameLabel(entry: FrameEntry): string {
  const frame = entry.frame;
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return '(not a JSON object)';
  const payload = field(frame, 'payload');
  const parts = [String(field(frame, 'type') ?? '(no type)')];
  const job = field(frame, 'job_id') ?? field(payload, 'job_id');
  if (typeof job === 'string') parts.push(truncate(job, 10));
  const seq = field(frame, 'event_seq');
  if (typeof seq === 'number') parts.push(`#${seq}`);
  for (const key of ['kind', 'code', 'final_status']) {
    const v = field(payload, key);
    if (typeof v === 'string') parts.push(v);
  }
  return truncate(parts.join(' '), LABEL_CHARS);
}

interface Lane {
  readonly conn: string;
  label?: string;
  readonly x: number;
}

function lanesOf(entries: readonly TranscriptEntry[]): Map<string, Lane> {
  const lanes = new Map<string, Lane>();
  for (const entry of entries) {
    let lane = lanes.get(entry.conn);
    if (lane === undefined) {
      lane = { conn: entry.conn, x: MARGIN_LEFT + lanes.size * LANE_GAP + LANE_GAP / 2 };
      lanes.set(entry.conn, lane);
    }
    if (entry.kind === 'conn' && entry.label !== undefined) lane.label ??= entry.label;
  }
  return lanes;
}

function rowY(row: number): number {
  return HEADER + 18 + row * ROW;
}

function connEvent(entry: Extract<TranscriptEntry, { kind: 'conn' }>, x: number, y: number, witness: boolean): string {
  const detail = [entry.code !== undefined ? String(entry.code) : '', entry.reason ?? '', entry.error ?? ''].filter(Boolean).join(' ');
  const text = `${entry.event}${detail ? ` ${truncate(detail, 40)}` : ''}`;
  const label = `<text x="${x + 10}" y="${y + 4}" class="ev${witness ? ' witness' : ''}">${esc(text)}</text>`;
  switch (entry.event) {
    case 'open':
      return `<circle cx="${x}" cy="${y}" r="5" class="open"/>${label}`;
    case 'closing':
      return `<rect x="${x - 5}" y="${y - 5}" width="10" height="10" class="closing"/>${label}`;
    case 'closed':
      return `<line x1="${x - 10}" y1="${y}" x2="${x + 10}" y2="${y}" class="closed"/>${label}`;
    case 'dropped':
      return `<path d="M${x - 6} ${y - 6}L${x + 6} ${y + 6}M${x + 6} ${y - 6}L${x - 6} ${y + 6}" class="dropped"/>${label.replace('class="ev"', 'class="ev drop"')}`;
  }
}

function arrow(entry: FrameEntry, from: number, to: number, y: number, witness: boolean, markerId: string): string {
  const classes = ['msg', entry.dir, witness ? 'witness' : '', entry.verdict.valid ? '' : 'invalid'].filter(Boolean).join(' ');
  const label = `${frameLabel(entry)}${entry.verdict.valid ? '' : ' ✗'}`;
  const tooltip = [
    `#${entry.index} ${entry.conn} ${entry.dir === 'in' ? '←' : '→'} ${describeFrame(entry.frame, entry.raw)}`,
    ...(entry.verdict.valid ? [] : [`schema: ${entry.verdict.errors.join('; ')}`]),
  ].join('\n');
  const mid = (from + to) / 2;
  return [
    `<g class="${classes}"><title>${esc(truncate(tooltip, 600))}</title>`,
    `<line x1="${from}" y1="${y}" x2="${to}" y2="${y}" marker-end="url(#${markerId})"/>`,
    `<text x="${mid}" y="${y - 5}" text-anchor="middle">${esc(label)}</text></g>`,
  ].join('');
}

/**
 * The SVG of a transcript window. `idPrefix` keeps marker ids unique when several diagrams
 * share one HTML page.
 */
export function sequenceDiagram(window: EvidenceWindow, idPrefix: string): string {
  const entries = window.entries;
  const witnesses = new Set(window.witnesses);
  const lanes = lanesOf(entries);
  const serverX = MARGIN_LEFT + lanes.size * LANE_GAP + LANE_GAP / 2;
  const width = serverX + LANE_GAP / 2 + 10;
  const height = rowY(entries.length) + 10;
  const markerId = `${idPrefix.replace(/[^A-Za-z0-9_-]/g, '_')}-arrow`;
  const bottom = rowY(entries.length - 1) + 10;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="seq" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="sequence diagram">`,
    `<defs><marker id="${markerId}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#343a40"/></marker></defs>`,
  );
  entries.forEach((entry, row) => {
    // A connection event can prove a failure too (the close that ended a wait).
    if (witnesses.has(entry.index)) {
      parts.push(`<rect x="0" y="${rowY(row) - ROW / 2 - 4}" width="${width}" height="${ROW}" class="witness-row"/>`);
    }
  });
  for (const lane of lanes.values()) {
    const title = lane.label === undefined ? lane.conn : `${lane.conn} (${lane.label})`;
    parts.push(
      `<text x="${lane.x}" y="${HEADER - 18}" text-anchor="middle" class="lane-title">${esc(truncate(title, 28))}</text>`,
      `<line x1="${lane.x}" y1="${HEADER - 8}" x2="${lane.x}" y2="${bottom}" class="lane"/>`,
    );
  }
  parts.push(
    `<text x="${serverX}" y="${HEADER - 18}" text-anchor="middle" class="lane-title">server</text>`,
    `<line x1="${serverX}" y1="${HEADER - 8}" x2="${serverX}" y2="${bottom}" class="lane server"/>`,
  );
  entries.forEach((entry, row) => {
    const y = rowY(row);
    const x = lanes.get(entry.conn)?.x ?? MARGIN_LEFT;
    parts.push(`<text x="4" y="${y + 4}" class="idx">#${entry.index} +${entry.t.toFixed(0)}ms</text>`);
    if (entry.kind === 'conn') parts.push(connEvent(entry, x, y, witnesses.has(entry.index)));
    else {
      const [from, to] = entry.dir === 'out' ? [x, serverX] : [serverX, x];
      parts.push(arrow(entry, from, to, y, witnesses.has(entry.index), markerId));
    }
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** CSS for the diagram classes; the HTML report inlines it once. */
export const SEQUENCE_DIAGRAM_CSS = `
svg.seq { font: 11px ui-monospace, SFMono-Regular, Menlo, monospace; background: #fff; }
svg.seq .lane { stroke: #adb5bd; stroke-dasharray: 4 3; }
svg.seq .lane.server { stroke: #495057; stroke-dasharray: none; stroke-width: 2; }
svg.seq .lane-title { font-weight: 700; fill: #212529; }
svg.seq .idx { fill: #868e96; }
svg.seq .msg line { stroke: #1c7ed6; stroke-width: 1.4; }
svg.seq .msg.in line { stroke: #2b8a3e; }
svg.seq .msg text { fill: #343a40; paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg.seq .msg.invalid line { stroke-dasharray: 5 3; stroke: #e8590c; }
svg.seq .msg.witness line { stroke: #c92a2a; stroke-width: 2.6; }
svg.seq .msg.witness text { fill: #c92a2a; font-weight: 700; }
svg.seq .witness-row { fill: #fff3bf; }
svg.seq .open { fill: #2b8a3e; }
svg.seq .closing { fill: #f59f00; }
svg.seq .closed { stroke: #495057; stroke-width: 3; }
svg.seq .dropped { stroke: #c92a2a; stroke-width: 2.5; }
svg.seq .ev { fill: #495057; font-style: italic; }
svg.seq .ev.drop, svg.seq .ev.witness { fill: #c92a2a; font-weight: 700; }
`;
