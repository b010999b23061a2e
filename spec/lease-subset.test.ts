import { describe, expect, it } from 'vitest';
import { leaseExcess, patternCovers } from './lease-subset.ts';

describe('patternCovers', () => {
  it('proves narrower patterns covered: equal, a literal under a glob, a deeper **', () => {
    expect(patternCovers('/w/**', '/w/**')).toBe(true);
    expect(patternCovers('/w/*', '/w/a')).toBe(true);
    expect(patternCovers('/w/**', '/w/a/b')).toBe(true);
    expect(patternCovers('/w/**', '/w/a/**')).toBe(true);
    expect(patternCovers('/w/**', '/w/*/x')).toBe(true);
    expect(patternCovers('a*', 'a*b')).toBe(true);
    expect(patternCovers('tier-fast/*', 'tier-fast/small')).toBe(true);
    expect(patternCovers('https://api.example.com/**', 'https://api.example.com/v1/*')).toBe(true);
  });

  it('refuses what it cannot prove: wider globs, a ** under a *, a pattern naming the parent itself', () => {
    expect(patternCovers('search', '*')).toBe(false);
    expect(patternCovers('/w/a', '/w/*')).toBe(false);
    expect(patternCovers('/w/*', '/w/a/b')).toBe(false);
    expect(patternCovers('*', '**')).toBe(false);
    expect(patternCovers('/w/*/x', '/w/**/x')).toBe(false);
    expect(patternCovers('/w/*/**', '/w/**')).toBe(false);
    expect(patternCovers('/w/**', '/wx')).toBe(false);
    expect(patternCovers('a.b', 'axb')).toBe(false);
    expect(patternCovers('tier-fast/*', 'tier-slow/large')).toBe(false);
  });
});

describe('leaseExcess', () => {
  const requested = { 'tool.call': ['search', 'fetch/*'], 'fs.read': ['/w/**'], 'cost.budget': ['USD:5.00'] };

  it('accepts the request itself, a narrowing, and capabilities granted nothing', () => {
    expect(leaseExcess(requested, requested)).toEqual([]);
    expect(leaseExcess(requested, { 'tool.call': ['search'], 'fs.read': ['/w/a/**'], 'cost.budget': ['USD:1.00'], 'fs.write': [] })).toEqual([]);
    expect(leaseExcess(requested, {})).toEqual([]);
  });

  it('reports capabilities, patterns and budgets beyond the request', () => {
    expect(leaseExcess(requested, { 'fs.write': ['/w/**'] })).toEqual([expect.stringMatching(/does not name fs.write/)]);
    expect(leaseExcess(requested, { 'fs.read': ['/**'] })).toEqual([expect.stringMatching(/fs.read grants "\/\*\*"/)]);
    expect(leaseExcess(requested, { 'tool.call': ['*'] })).toHaveLength(1);
    expect(leaseExcess(requested, { 'cost.budget': ['USD:6.00'] })).toEqual([expect.stringMatching(/more than the outer/)]);
    expect(leaseExcess(requested, { 'cost.budget': ['EUR:1.00'] })).toEqual([expect.stringMatching(/EUR, which the outer lease does not budget/)]);
  });

  it('reports malformed leases instead of throwing', () => {
    expect(leaseExcess(requested, null)).toHaveLength(1);
    expect(leaseExcess(requested, { 'tool.call': 'search' })).toHaveLength(1);
  });
});
