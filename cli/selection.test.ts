import { describe, expect, it } from 'vitest';
import { classifySelectors, selectSuiteFiles, suiteNames } from './selection.ts';

const NAMES = { ids: new Set(['SEQ-001', 'CANCEL-003']), areas: new Set(['SEQ', 'CANCEL']) };
const FILES = ['suites/session/hello.suite.ts', 'suites/session/resume.suite.ts', 'suites/jobs/cancel.suite.ts', 'suites/properties/seq.suite.ts'];

describe('classifySelectors', () => {
  it('sends UPPERCASE ids and areas to the suites and the rest to file selection', () => {
    expect(classifySelectors(['SEQ-001,CANCEL', 'session', ' properties '], NAMES, '--only')).toEqual({
      requirements: ['SEQ-001', 'CANCEL'],
      suites: ['session', 'properties'],
    });
  });

  it('rejects ids and areas the catalogue does not know', () => {
    expect(() => classifySelectors(['SEQ-999'], NAMES, '--only')).toThrow('--only: unknown requirement id SEQ-999');
    expect(() => classifySelectors(['SEQQ'], NAMES, '--skip')).toThrow('--skip: unknown area SEQQ (areas: SEQ, CANCEL)');
  });
});

describe('selectSuiteFiles', () => {
  it('names a file by its directories and base name', () => {
    expect(suiteNames('suites/session/hello.suite.ts')).toEqual(['suites', 'session', 'hello']);
  });

  it('keeps the files --only names and drops the ones --skip names', () => {
    expect(selectSuiteFiles(FILES, ['session'], [])).toEqual(FILES.slice(0, 2));
    expect(selectSuiteFiles(FILES, ['session', 'cancel'], ['resume'])).toEqual([FILES[0], FILES[2]]);
    expect(selectSuiteFiles(FILES, [], ['suites/session'])).toEqual(FILES.slice(2));
    expect(selectSuiteFiles(FILES, [], [])).toEqual(FILES);
  });

  it('refuses a suite name that matches no file', () => {
    expect(() => selectSuiteFiles(FILES, ['sesion'], [])).toThrow(
      '--only: no suite named "sesion" (suites: cancel, hello, jobs, properties, resume, seq, session, suites)',
    );
    expect(() => selectSuiteFiles([], [], ['session'])).toThrow('--skip: no suite named "session" (no suite files found)');
  });
});
