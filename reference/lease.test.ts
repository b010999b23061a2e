// Pure lease helpers: anchored globs (v1.0 §9.2) and fs canonicalization (v1.0 §14).
import { describe, expect, it } from 'vitest';
import { canonicalTarget, globMatches } from './lease.ts';

describe('globMatches', () => {
  it.each([
    ['/w/**', '/w', true],
    ['/w/**', '/w/a/b/c', true],
    ['/w/**', '/wx', false],
    ['/w/*', '/w/a', true],
    ['/w/*', '/w/a/b', false],
    ['/w/*.ts', '/w/a.ts', true],
    ['/w/*.ts', '/w/a.tsx', false],
    ['**/b', 'b', true],
    ['**/b', 'x/y/b', true],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['a/**/b', 'a/x/y/c', false],
    ['**', 'anything/at/all', true],
    ['tier-fast/*', 'tier-fast/m1', true],
    ['tier-fast/*', 'tier-slow/m1', false],
    ['search', 'search', true],
    ['search', 'searchx', false], // anchored
    ['search', 'xsearch', false],
    ['a.b', 'axb', false], // `.` is literal
    ['https://api.example.com/**', 'https://api.example.com/v1/x', true],
    ['https://api.example.com/**', 'https://api.example.com.evil/x', false],
  ])('%s vs %s -> %s', (pattern, target, expected) => {
    expect(globMatches(pattern, target)).toBe(expected);
  });
});

describe('canonicalTarget', () => {
  it('normalizes fs paths so traversal cannot escape a pattern', () => {
    expect(canonicalTarget('fs.read', '/w/app/../../etc/passwd')).toBe('/etc/passwd');
    expect(canonicalTarget('fs.write', '/w//a/./b/')).toBe('/w/a/b');
    expect(globMatches('/w/**', canonicalTarget('fs.read', '/w/../etc') ?? '')).toBe(false);
  });

  it('resolves dot segments of net.fetch URLs, encoded or not, and refuses what does not parse', () => {
    expect(canonicalTarget('net.fetch', 'https://api.example.com/public/../admin')).toBe('https://api.example.com/admin');
    expect(canonicalTarget('net.fetch', 'https://api.example.com/public/%2e%2E/admin')).toBe('https://api.example.com/admin');
    expect(canonicalTarget('net.fetch', 'not a url')).toBeUndefined();
  });

  it('leaves other namespaces alone', () => {
    expect(canonicalTarget('tool.call', 'a/../b')).toBe('a/../b');
  });
});
