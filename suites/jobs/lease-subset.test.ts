import { describe, expect, it } from 'vitest';
import { globToRegExp, leaseExcess } from './lease-subset.ts';

describe('globToRegExp', () => {
  it('matches * within a segment and ** across zero or more segments', () => {
    expect(globToRegExp('/w/*').test('/w/a')).toBe(true);
    expect(globToRegExp('/w/*').test('/w/a/b')).toBe(false);
    expect(globToRegExp('/w/**').test('/w')).toBe(true);
    expect(globToRegExp('/w/**').test('/w/a/b')).toBe(true);
    expect(globToRegExp('/w/**').test('/wx')).toBe(false);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
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
    expect(leaseExcess(requested, { 'fs.write': ['/w/**'] })).toEqual([expect.stringMatching(/fs.write .* not requested/)]);
    expect(leaseExcess(requested, { 'fs.read': ['/**'] })).toEqual([expect.stringMatching(/fs.read grants "\/\*\*"/)]);
    expect(leaseExcess(requested, { 'tool.call': ['*'] })).toHaveLength(1);
    expect(leaseExcess(requested, { 'cost.budget': ['USD:6.00'] })).toEqual([expect.stringMatching(/more than the requested/)]);
    expect(leaseExcess(requested, { 'cost.budget': ['EUR:1.00'] })).toEqual([expect.stringMatching(/EUR, which was not requested/)]);
  });

  it('reports malformed leases instead of throwing', () => {
    expect(leaseExcess(requested, null)).toHaveLength(1);
    expect(leaseExcess(requested, { 'tool.call': 'search' })).toHaveLength(1);
  });
});
