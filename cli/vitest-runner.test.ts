import { describe, expect, it } from 'vitest';
import { DEFAULT_SUITES, SOLO_SUITES } from './paths.ts';
import { projectsOf } from './vitest-runner.ts';

const source = (include: string[]) => ({ include, onlySuites: [], skipSuites: [] });

describe('projectsOf: the suites in parallel, then the solo suites alone', () => {
  it('puts each solo suite the globs pick in a later group of one worker, and keeps it out of the first', () => {
    const [suites, solo, ...rest] = projectsOf(source([DEFAULT_SUITES]));
    expect(rest).toEqual([]);
    expect(suites?.test?.exclude).toEqual(expect.arrayContaining([...SOLO_SUITES]));
    expect(suites?.test?.sequence?.groupOrder ?? 0).toBe(0);
    expect(solo?.test?.include).toEqual([...SOLO_SUITES]);
    expect(solo?.test?.maxWorkers).toBe(1);
    expect(solo?.test?.sequence?.groupOrder).toBeGreaterThan(0);
  });

  it('adds no solo group when the globs pick no solo suite', () => {
    const projects = projectsOf(source(['suites/session/*.suite.ts']));
    expect(projects).toHaveLength(1);
    expect(projects[0]?.test?.include).toEqual(['suites/session/*.suite.ts']);
  });

  it('keeps the solo suites with the others when they measure nothing (no server process)', () => {
    const projects = projectsOf(source([DEFAULT_SUITES]), false);
    expect(projects).toHaveLength(1);
    expect(projects[0]?.test?.exclude).toEqual(expect.not.arrayContaining([...SOLO_SUITES]));
  });

  it('runs a solo suite picked on its own in the solo group', () => {
    const projects = projectsOf(source(['suites/leak/leak.suite.ts']));
    expect(projects.map((p) => p.test?.name)).toEqual(['suites', 'solo']);
  });
});
