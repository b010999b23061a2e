import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogueNames } from './catalogue.ts';
import { KIT_ROOT } from './paths.ts';
import { filesJudging, formatSuiteMap, mappedTests, readSuiteMap, type SuiteMap, suiteMapDifferences, suiteMapOf, unmappedSuiteFiles } from './suite-map.ts';

const MAP: SuiteMap = suiteMapOf([
  { file: 'suites/events/sequence.suite.ts', title: 'seq +1 [SEQ-001, SEQ-002]', requirements: ['SEQ-001', 'SEQ-002'] },
  { file: 'suites/events/sequence.suite.ts', title: 'subscribed [SEQ-002]', requirements: ['SEQ-002'] },
  { file: 'suites/cancel/cancel.suite.ts', title: 'cancel [CANCEL-001, LIFE-002]', requirements: ['CANCEL-001', 'LIFE-002'] },
  { file: 'suites/regressions/regressions.suite.ts', title: 'fixture x can be replayed', requirements: [] },
]);
const FILES = ['suites/cancel/cancel.suite.ts', 'suites/events/sequence.suite.ts', 'suites/regressions/regressions.suite.ts', 'suites/new/new.suite.ts'];
const judging = (only: string[], skip: string[] = []) => filesJudging(FILES, { only, skip }, () => MAP);

describe('filesJudging', () => {
  it('keeps only the files with a test the --only ids or areas pick', () => {
    expect(judging(['SEQ-002'])).toEqual(['suites/events/sequence.suite.ts', 'suites/new/new.suite.ts']);
    expect(judging(['CANCEL'])).toEqual(['suites/cancel/cancel.suite.ts', 'suites/new/new.suite.ts']);
    expect(judging(['LIFE-002', 'SEQ-001'])).toEqual(['suites/cancel/cancel.suite.ts', 'suites/events/sequence.suite.ts', 'suites/new/new.suite.ts']);
  });

  it('drops a file only when --skip drops every test in it, as conformanceTest does', () => {
    expect(judging([], ['SEQ-001'])).toEqual(FILES);
    expect(judging([], ['SEQ'])).toEqual(['suites/cancel/cancel.suite.ts', 'suites/regressions/regressions.suite.ts', 'suites/new/new.suite.ts']);
    // Both sequence tests cite SEQ-002, so skipping it leaves none of them.
    expect(judging(['SEQ'], ['SEQ-002'])).toEqual(['suites/new/new.suite.ts']);
  });

  it('keeps every file, and reads no map, without an id selection', () => {
    expect(filesJudging(FILES, { only: [], skip: [] }, () => {
      throw new Error('read the map');
    })).toEqual(FILES);
  });
});

describe('the suite map', () => {
  it('reads back what it writes, one line per test', () => {
    const text = formatSuiteMap(MAP);
    expect(JSON.parse(text)).toEqual(MAP);
    expect(text.split('\n').filter((l) => l.includes('"title"'))).toHaveLength(4);
    expect(Object.keys(MAP.files)).toEqual([...Object.keys(MAP.files)].sort());
  });

  it('names each disagreement with the suites: a test missing, invented, or declaring other ids', () => {
    const collected = suiteMapOf([
      ...mappedTests(MAP).filter((t) => t.title !== 'subscribed [SEQ-002]'),
      { file: 'suites/cancel/cancel.suite.ts', title: 'cancel twice [CANCEL-003]', requirements: ['CANCEL-003'] },
    ].map((t) => (t.title.startsWith('seq +1') ? { ...t, requirements: ['SEQ-001', 'SEQ-002', 'SEQ-003'] } : t)));
    expect(suiteMapDifferences(MAP, collected).sort()).toEqual([
      'suites/cancel/cancel.suite.ts > cancel twice [CANCEL-003]: in the suites, not in the map',
      'suites/events/sequence.suite.ts > seq +1 [SEQ-001, SEQ-002]: the test declares [SEQ-001, SEQ-002, SEQ-003], the map says [SEQ-001, SEQ-002]',
      'suites/events/sequence.suite.ts > subscribed [SEQ-002]: in the map, not in the suites',
    ]);
    expect(suiteMapDifferences(MAP, MAP)).toEqual([]);
  });

  it('names the suite files on disk it does not know', () => {
    const root = mkdtempSync(join(tmpdir(), 'arcp-suite-map-'));
    mkdirSync(join(root, 'suites', 'events'), { recursive: true });
    mkdirSync(join(root, 'suites', 'new'), { recursive: true });
    for (const f of ['events/sequence.suite.ts', 'new/new.suite.ts', 'new/helper.ts']) writeFileSync(join(root, 'suites', f), '');
    expect(unmappedSuiteFiles(MAP, root)).toEqual(['suites/new/new.suite.ts']);
    expect(unmappedSuiteFiles(readSuiteMap())).toEqual([]);
  });

  it('cites only catalogue ids', () => {
    const { ids } = catalogueNames();
    expect(mappedTests(readSuiteMap()).flatMap((t) => t.requirements).filter((id) => !ids.has(id))).toEqual([]);
  });

  // The guard of the whole scheme: selection and `list` trust the committed map, so it must
  // say exactly what the suites declare (collected by vitest in a subprocess).
  it('says exactly what the suites declare (else: npm run gen:suite-map)', () => {
    const check = spawnSync(process.execPath, ['--import', 'tsx', join(KIT_ROOT, 'cli', 'suite-map-main.ts'), '--check'], {
      cwd: KIT_ROOT,
      encoding: 'utf8',
      timeout: 150_000,
    });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  }, 160_000);
});
