import { describe, expect, it } from 'vitest';
import { failed, passed } from '../reporters/testing/sample-record.ts';
import { classifySelectors, declaredRequirements, runScope, selectSuiteFiles, suiteNames } from './selection.ts';

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

describe('runScope', () => {
  it('is the id selection alone when every suite file ran', () => {
    const scope = runScope({ only: ['SEQ'], skip: ['SEQ-002'] });
    expect(['SEQ-001', 'SEQ-002', 'CANCEL-001'].filter(scope)).toEqual(['SEQ-001']);
  });

  it('keeps only the ids the tests of the chosen files declare when the files were narrowed', () => {
    const unfinished = { file: 's.suite.ts', title: 'block > hangs [LIFE-001, LIFE-002]', state: 'pending' as const, errors: [], durationMs: 0 };
    const tests = [passed('s.suite.ts', 'ok [SEQ-001]', ['SEQ-001']), failed('s.suite.ts', 'bad [CANCEL-001]', 'CANCEL-001', 'x'), unfinished];
    const scope = runScope({ only: [], skip: ['CANCEL'] }, tests);
    expect(['SEQ-001', 'SEQ-002', 'CANCEL-001', 'LIFE-001', 'LIFE-002'].filter(scope)).toEqual(['SEQ-001', 'LIFE-001', 'LIFE-002']);
  });

  it('reads declared ids from the meta of a test that ran, else from its label', () => {
    expect(declaredRequirements({ arcp: { requirements: ['SEQ-001'] } }, 'x [CANCEL-001]')).toEqual(['SEQ-001']);
    expect(declaredRequirements({}, 'suite > x [CANCEL-001, SEQ-002]')).toEqual(['CANCEL-001', 'SEQ-002']);
    expect(declaredRequirements({}, 'no ids here')).toEqual([]);
  });
});
