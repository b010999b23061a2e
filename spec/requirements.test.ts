import { describe, it, expect } from 'vitest';
import { FEATURES } from './features.ts';
import type { Level } from './requirement-types.ts';
import {
  AREAS,
  CATALOGUE_VERSION,
  REQUIREMENTS,
  REQUIREMENT_IDS,
  areaOf,
  requirement,
} from './requirements.ts';

const ID_RE = /^[A-Z]+-\d{3}$/;
const SECTION_RE = /^1\.[01] §\d+(\.\d+)*$/;
const LEVELS: readonly Level[] = ['MUST', 'SHOULD', 'MAY'];

function prefix(id: string): string {
  return id.slice(0, id.indexOf('-'));
}

describe('requirement catalogue', () => {
  it('has a version', () => {
    expect(CATALOGUE_VERSION).toBe('1.1.0-kit.2');
  });

  it('ids are unique', () => {
    const ids = REQUIREMENTS.map((r) => r.id);
    const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(dupes).toEqual([]);
    expect(REQUIREMENT_IDS.size).toBe(REQUIREMENTS.length);
  });

  it('ids are AREA-NNN with a known area prefix', () => {
    for (const r of REQUIREMENTS) {
      expect(r.id, r.id).toMatch(ID_RE);
      expect(Object.keys(AREAS), r.id).toContain(prefix(r.id));
    }
  });

  it('ids within an area are numbered 001..N contiguously', () => {
    const byArea = new Map<string, number[]>();
    for (const r of REQUIREMENTS) {
      const nums = byArea.get(prefix(r.id)) ?? [];
      nums.push(Number(r.id.slice(r.id.indexOf('-') + 1)));
      byArea.set(prefix(r.id), nums);
    }
    for (const [area, nums] of byArea) {
      const sorted = [...nums].sort((a, b) => a - b);
      expect(sorted, area).toEqual(sorted.map((_, i) => i + 1));
    }
  });

  it('every section is "1.0 §N(.N)*" or "1.1 §N(.N)*"', () => {
    for (const r of REQUIREMENTS) expect(r.section, r.id).toMatch(SECTION_RE);
  });

  it('levels are valid', () => {
    for (const r of REQUIREMENTS) expect(LEVELS, r.id).toContain(r.level);
  });

  it('features are all known feature flags, without repeats', () => {
    const known: readonly string[] = FEATURES;
    for (const r of REQUIREMENTS) {
      for (const f of r.features) expect(known, r.id).toContain(f);
      expect(new Set(r.features).size, r.id).toBe(r.features.length);
    }
  });

  it('observable and needsAgent are booleans', () => {
    for (const r of REQUIREMENTS) {
      expect(typeof r.observable, r.id).toBe('boolean');
      expect(typeof r.needsAgent, r.id).toBe('boolean');
    }
  });

  it('text is one non-empty sentence ending with a period, under 300 chars', () => {
    for (const r of REQUIREMENTS) {
      expect(r.text.trim().length, r.id).toBeGreaterThan(0);
      expect(r.text.endsWith('.'), r.id).toBe(true);
      expect(r.text.length, r.id).toBeLessThan(300);
      expect(r.text, r.id).not.toMatch(/\n/);
    }
  });

  it('requirement() returns entries and throws for unknown ids', () => {
    const first = REQUIREMENTS[0]!;
    expect(requirement(first.id)).toBe(first);
    expect(() => requirement('NOPE-001')).toThrow(/Unknown requirement id "NOPE-001"/);
    expect(() => requirement('SEQ-999')).toThrow(/SEQ-999/);
    expect(() => requirement('')).toThrow();
  });

  it('areaOf() gives the area prefix and rejects malformed ids', () => {
    expect(areaOf('SEQ-002')).toBe('SEQ');
    expect(areaOf('CANCEL-001')).toBe('CANCEL');
    for (const r of REQUIREMENTS) expect(areaOf(r.id)).toBe(prefix(r.id));
    expect(() => areaOf('seq-001')).toThrow();
    expect(() => areaOf('XYZ-001')).toThrow();
    expect(() => areaOf('SEQ-1')).toThrow();
  });

  it('REQUIREMENT_IDS holds exactly the catalogue ids', () => {
    for (const r of REQUIREMENTS) expect(REQUIREMENT_IDS.has(r.id)).toBe(true);
    expect(REQUIREMENT_IDS.has('NOPE-001')).toBe(false);
  });

  it('is large enough: at least 60 entries and 40 observable MUSTs in sections 6-8', () => {
    expect(REQUIREMENTS.length).toBeGreaterThanOrEqual(60);
    const core = REQUIREMENTS.filter(
      (r) => r.level === 'MUST' && r.observable && /^1\.[01] §[678](\.|$)/.test(r.section),
    );
    expect(core.length).toBeGreaterThanOrEqual(40);
  });

  it('every area in AREAS has at least one requirement', () => {
    const counts = new Map<string, number>();
    for (const r of REQUIREMENTS) counts.set(prefix(r.id), (counts.get(prefix(r.id)) ?? 0) + 1);
    for (const area of Object.keys(AREAS)) expect(counts.get(area) ?? 0, area).toBeGreaterThan(0);
  });

  it('entries are frozen', () => {
    expect(Object.isFrozen(REQUIREMENTS)).toBe(true);
    for (const r of REQUIREMENTS) expect(Object.isFrozen(r), r.id).toBe(true);
  });

  it('kit-critical invariants cited by suites exist', () => {
    // A smoke list: these ids are cited by checkers and audit fixtures, so they must never vanish.
    for (const id of ['ENV-004', 'SEQ-002', 'SEQ-004', 'LIFE-001', 'LIFE-002', 'CANCEL-004', 'LEAK-001']) {
      expect(REQUIREMENT_IDS.has(id), id).toBe(true);
    }
  });
});
