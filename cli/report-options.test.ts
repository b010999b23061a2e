import { describe, expect, it } from 'vitest';
import { parseReportTargets } from './report-options.ts';

describe('parseReportTargets', () => {
  it('writes record, JUnit and HTML into the out directory by default', () => {
    expect(parseReportTargets([], undefined, '/work')).toEqual({
      json: '/work/arcp-conformance-report/record.json',
      junit: '/work/arcp-conformance-report/junit.xml',
      html: '/work/arcp-conformance-report/report.html',
    });
  });

  it('lets --report move a view and add the GitHub step summary', () => {
    expect(parseReportTargets(['junit=ci/junit.xml,github', 'html=/tmp/r.html'], 'out', '/work')).toEqual({
      json: '/work/out/record.json',
      junit: '/work/ci/junit.xml',
      html: '/tmp/r.html',
      github: 'step-summary',
    });
    expect(parseReportTargets(['github=summary.md'], undefined, '/w').github).toBe('/w/summary.md');
  });

  it('rejects unknown reports and empty paths', () => {
    expect(() => parseReportTargets(['xml=a'], undefined, '/w')).toThrow('--report: unknown report "xml"');
    expect(() => parseReportTargets(['junit='], undefined, '/w')).toThrow('--report junit= needs a path');
  });
});
