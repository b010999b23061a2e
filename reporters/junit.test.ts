import { describe, expect, it } from 'vitest';
import { recordToJUnit } from './junit.ts';
import { HOSTILE_TEXT } from './testing/sample-transcript.ts';
import { failed, sampleRecord, sampleTests } from './testing/sample-record.ts';
import { findAll, parseXml, type XmlElement } from './testing/xml-check.ts';

function testcase(root: XmlElement, titleStart: string): XmlElement {
  const found = findAll(root, 'testcase').find((c) => c.attributes.name?.startsWith(titleStart));
  if (!found) throw new Error(`no testcase ${titleStart}`);
  return found;
}

describe('the strict XML reader used by these tests', () => {
  it.each([
    ['<a><b></a>', /closes/],
    ['<a x="1" x="2"/>', /duplicate/],
    ['<a>1 < 2</a>', /expected a name/],
    ['<a>R&D</a>', /unterminated entity/],
    ['<a x=1/>', /not quoted/],
    ['<a>&bogus;</a>', /unknown entity/],
    ['<a>\u0001</a>', /illegal character/],
    ['<a/><b/>', /after the root/],
  ])('rejects %j', (xml, message) => {
    expect(() => parseXml(xml)).toThrow(message);
  });
});

describe('recordToJUnit', () => {
  const record = sampleRecord();
  const root = parseXml(recordToJUnit(record));

  it('is well-formed, with one testsuite per file and the right counts', () => {
    expect(root.name).toBe('testsuites');
    expect(root.attributes).toMatchObject({ tests: '5', failures: '2', errors: '0', skipped: '1' });
    expect(findAll(root, 'testsuite').map((s) => s.attributes.name)).toEqual([
      'suites/seq.suite.ts',
      'suites/cancel.suite.ts',
      'suites/close.suite.ts',
      'suites/hb.suite.ts',
      'suites/life.suite.ts',
    ]);
  });

  it('names the failing requirement in the failure message, with the full text and replay command in the body', () => {
    const failure = findAll(testcase(root, 'one terminal per job'), 'failure')[0];
    expect(failure?.attributes.type).toBe('FAIL');
    expect(failure?.attributes.message).toBe(`CANCEL-001: second terminal ${HOSTILE_TEXT}`);
    expect(failure?.text).toContain('replay: arcp-conformance replay fixtures/cancel-42.json');
  });

  it('round-trips hostile text exactly (escaped, not mangled)', () => {
    const failure = findAll(testcase(root, 'one terminal per job'), 'failure')[0];
    expect(failure?.attributes.message?.endsWith(HOSTILE_TEXT)).toBe(true);
  });

  it('passes WARN with a system-out note, skips N/A, fails UNTESTABLE', () => {
    const warn = testcase(root, 'close is answered');
    expect(findAll(warn, 'failure')).toEqual([]);
    expect(findAll(warn, 'system-out')[0]?.text).toBe('WARN CLOSE-001: no session.closed');
    expect(findAll(testcase(root, 'heartbeat'), 'skipped')[0]?.attributes.message).toBe('N/A: heartbeat was not negotiated');
    expect(findAll(testcase(root, 'needs the agent'), 'failure')[0]?.attributes).toMatchObject({
      type: 'UNTESTABLE',
      message: 'LIFE-001: no conformance agent',
    });
  });

  it('skips allowed UNTESTABLE and baselined failures, saying why', () => {
    const r = parseXml(
      recordToJUnit(
        sampleRecord({
          settings: { allowUntestable: true },
          baseline: { version: 1, entries: [{ requirement: 'CANCEL-001', reason: 'ticket 9' }] },
        }),
      ),
    );
    expect(r.attributes).toMatchObject({ failures: '0', skipped: '3' });
    expect(findAll(testcase(r, 'one terminal per job'), 'skipped')[0]?.attributes.message).toMatch(/^baselined: ticket 9 \(CANCEL-001: second terminal/);
    expect(findAll(testcase(r, 'needs the agent'), 'skipped')[0]?.attributes.message).toBe('UNTESTABLE: no conformance agent');
  });

  it('reports a suite that failed to load as an <error>', () => {
    const r = parseXml(recordToJUnit(sampleRecord({ tests: [], problems: [{ origin: 'load-error', file: 'suites/x.suite.ts', message: 'SyntaxError: bad' }] })));
    expect(r.attributes).toMatchObject({ tests: '1', errors: '1', failures: '0' });
    expect(findAll(r, 'error')[0]?.attributes.message).toBe('SyntaxError: bad');
  });

  it('replaces characters XML cannot carry', () => {
    const tests = [failed('suites/x.suite.ts', 'ctl\u0001\u001b[31m [SEQ-001]', 'SEQ-001', 'nul \u0000 and lone \ud800 surrogate')];
    const xml = recordToJUnit(sampleRecord({ tests }));
    const r = parseXml(xml);
    expect(testcase(r, 'ctl').attributes.name).toBe('ctl\uFFFD\uFFFD[31m [SEQ-001]');
    expect(findAll(r, 'failure')[0]?.attributes.message).toBe('SEQ-001: nul \uFFFD and lone \uFFFD surrogate');
  });

  it('gives an empty run a valid document', () => {
    expect(parseXml(recordToJUnit(sampleRecord({ tests: sampleTests().slice(0, 0) }))).attributes.tests).toBe('0');
  });

  it('lists the tests an interrupted run left unfinished as skipped, saying why', () => {
    const hung = { file: 'suites/slow.suite.ts', title: 'waits [ENV-003]', state: 'pending' as const, errors: [], durationMs: 0 };
    const cut = parseXml(recordToJUnit(sampleRecord({ tests: [...sampleTests(), hung], interrupted: 'cancelled (SIGINT)' })));
    const unfinished = testcase(cut, 'suites/slow.suite.ts > waits');
    expect(findAll(unfinished, 'skipped')[0]?.attributes.message).toBe('did not finish: the run was interrupted (cancelled (SIGINT))');
    const root = findAll(cut, 'testsuites')[0];
    expect(Number(root?.attributes.tests)).toBe(sampleTests().length + 1);
  });
});
