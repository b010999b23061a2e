import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { recordToHtml, testAnchor, testFragment } from './html.ts';
import { sequenceDiagram } from './sequence-diagram.ts';
import { HOSTILE_TEXT, SAMPLE_TRANSCRIPT, SAMPLE_WITNESSES } from './testing/sample-transcript.ts';
import { failed, sampleRecord } from './testing/sample-record.ts';
import { findAll, parseXml } from './testing/xml-check.ts';

const html = recordToHtml(sampleRecord({ baseline: { version: 1, entries: [{ requirement: 'SEQ-001' }] } }));

function between(text: string, open: string, close: string): string[] {
  const found: string[] = [];
  let at = text.indexOf(open);
  while (at >= 0) {
    const end = text.indexOf(close, at + open.length);
    found.push(text.slice(at + open.length, end));
    at = text.indexOf(open, end);
  }
  return found;
}

describe('recordToHtml', () => {
  it('is one self-contained file: no external resources', () => {
    expect(html).not.toMatch(/<(?:link|iframe|object|embed)\b/i);
    // Attributes only: the escaped hostile text contains the words `src=x` as text.
    expect(html).not.toMatch(/<[^>]*\s(?:src|href)\s*=/i);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(between(html, '<script>', '</script>')).toHaveLength(1);
  });

  it('allows only its own inline style and script, by hash', () => {
    const csp = (/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '').replaceAll('&#39;', "'");
    const [style] = between(html, '<style>', '</style>');
    const [script] = between(html, '<script>', '</script>');
    const hash = (text: string | undefined) => createHash('sha256').update(text ?? '').digest('base64');
    expect(csp).toContain(`style-src 'sha256-${hash(style)}'`);
    expect(csp).toContain(`script-src 'sha256-${hash(script)}'`);
    expect(csp).toContain("default-src 'none'");
  });

  it('escapes a hostile frame everywhere it appears', () => {
    expect(html).not.toContain(HOSTILE_TEXT);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('</script><');
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    // The only </script> closes the page's own script.
    expect(html.split('</script>')).toHaveLength(2);
  });

  it('draws the failure transcript as a sequence diagram', () => {
    const svgs = between(html, '<svg', '</svg>');
    expect(svgs).toHaveLength(1);
    const svg = parseXml(`<svg${svgs[0]}</svg>`);
    const titles = findAll(svg, 'text').filter((t) => t.attributes.class === 'lane-title').map((t) => t.text);
    expect(titles).toEqual(['c1 (owner)', 'c2 (subscriber)', 'server']);
    expect(findAll(svg, 'rect').filter((r) => r.attributes.class === 'witness-row')).toHaveLength(SAMPLE_WITNESSES.length);
  });

  it("shows a finding's notes (what it did not conclude, whose frames it draws), escaped", () => {
    const noted = recordToHtml(sampleRecord({ tests: [failed('suites/x.suite.ts', 'x [SEQ-001]', 'SEQ-001', 'gap', { notes: ['SEQ-002 not concluded: <stopped>'] })] }));
    expect(noted).toContain('<p class="muted">Note: SEQ-002 not concluded: &lt;stopped&gt;</p>');
  });

  it('shows the verdict, the stale baseline entry and the replay command', () => {
    expect(html).toContain('FAILED: 2 failing tests: 1 FAIL, 1 UNTESTABLE');
    expect(html).toMatch(/1 stale entry<\/strong>/);
    expect(html).toContain('arcp-conformance replay fixtures/cancel-42.json');
  });
});

describe('test anchors', () => {
  const record = sampleRecord();
  const failing = record.tests.find((t) => t.verdict === 'FAIL');
  const passing = record.tests.find((t) => t.verdict === 'PASS');

  it('are derived from the test key alone, so every run of the test has the same one', () => {
    expect(testAnchor('suites/a.suite.ts > t')).toBe(testAnchor('suites/a.suite.ts > t'));
    expect(testAnchor('suites/a.suite.ts > t')).not.toBe(testAnchor('suites/a.suite.ts > u'));
    expect(testAnchor('x')).toMatch(/^test-[0-9a-f]{16}$/);
  });

  it('lead to the finding (with its diagram) when the test has one, else to its row', () => {
    const page = recordToHtml(record);
    expect(testFragment(record, failing!)).toBe(testAnchor(failing!.key));
    expect(page).toContain(`<article class="finding FAIL" id="${testAnchor(failing!.key)}">`);
    expect(testFragment(record, passing!)).toBe(`${testAnchor(passing!.key)}-row`);
    expect(page).toContain(`<tr id="${testAnchor(passing!.key)}-row"`);
  });
});

describe('sequenceDiagram', () => {
  const svg = parseXml(sequenceDiagram({ entries: SAMPLE_TRANSCRIPT, witnesses: SAMPLE_WITNESSES, omitted: 0 }, 'x'));
  const arrows = findAll(svg, 'g').filter((g) => g.attributes.class?.startsWith('msg'));
  const line = (i: number) => findAll(arrows[i]!, 'line')[0]!.attributes;

  it('right-aligns the count columns, and shows a baselined column only when a baseline was applied', () => {
    const table = between(html, '<thead>', '</thead>')[0] ?? '';
    expect(table).toContain('<th class="n">PASS</th>');
    expect(table).toContain('<th class="n">baselined</th>');
    expect(between(recordToHtml(sampleRecord()), '<thead>', '</thead>')[0]).not.toContain('baselined');
  });

  it('names the shards of a merged record in its header', () => {
    const merged = recordToHtml(sampleRecord({ merged: { shards: ['1/2', '2/2'], missing: [] } }));
    expect(merged).toContain('<dt>Merged from</dt><dd>shards 1/2, 2/2</dd>');
    expect(html).not.toContain('Merged from');
  });

  it('draws one arrow per frame, client to server for sent frames and back for received ones', () => {
    expect(arrows).toHaveLength(SAMPLE_TRANSCRIPT.filter((e) => e.kind === 'frame').length);
    expect(Number(line(0).x1)).toBeLessThan(Number(line(0).x2)); // c1 → server: session.hello
    expect(Number(line(1).x1)).toBeGreaterThan(Number(line(1).x2)); // server → c1: session.welcome
  });

  it('labels arrows with type, job, seq and kind, and marks witnesses and invalid frames', () => {
    const labels = arrows.map((g) => findAll(g, 'text')[0]?.text);
    expect(labels[3]).toBe('job.result job_7 #4 success');
    expect(arrows.filter((g) => g.attributes.class?.includes('witness')).map((g) => findAll(g, 'text')[0]?.text)).toEqual([
      'job.result job_7 #4 success',
      'job.error job_7 #5 CANCELLED canc…',
    ]);
    expect(arrows[5]?.attributes.class).toContain('invalid');
  });

  it('marks connection opens, drops and closes on their lane', () => {
    const events = findAll(svg, 'text').filter((t) => t.attributes.class?.startsWith('ev')).map((t) => t.text);
    expect(events[0]).toBe('open');
    expect(events).toContain('dropped');
    expect(events.some((e) => e.startsWith('closed 1000'))).toBe(true);
    expect(findAll(svg, 'path').filter((p) => p.attributes.class === 'dropped')).toHaveLength(1);
  });
});
