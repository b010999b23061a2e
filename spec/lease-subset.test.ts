import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globWithin, leaseExcess } from './lease-subset.ts';

/** The meaning of a lease glob (spec/conformance-agent.md "Lease patterns"): the oracle globWithin is checked against. */
function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let k = 0; k < glob.length; ) {
    if (glob.startsWith('/**', k) && (k + 3 === glob.length || glob[k + 3] === '/')) {
      source += '(?:/.*)?';
      k += 3;
    } else if (glob.startsWith('**/', k) && k === 0) {
      source += '(?:.*/)?';
      k += 3;
    } else if (glob.startsWith('**', k)) {
      source += '.*';
      k += 2;
    } else if (glob[k] === '*') {
      source += '[^/]*';
      k += 1;
    } else {
      source += (glob[k] as string).replace(/[.+?^${}()|[\]\\]/g, '\\$&');
      k += 1;
    }
  }
  return new RegExp(`^${source}$`);
}



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

describe('globWithin', () => {
  it('holds where every target of the inner glob is a target of the outer', () => {
    expect(globWithin('/w/a/**', '/w/**')).toBe(true);
    expect(globWithin('/w/a', '/w/*')).toBe(true);
    expect(globWithin('/w/*', '/w/**')).toBe(true);
    expect(globWithin('/w', '/w/**')).toBe(true);
    expect(globWithin('fetch/x*', 'fetch/*')).toBe(true);
    expect(globWithin('**/a', '**')).toBe(true);
  });

  it('fails where the inner glob reaches a target the outer does not', () => {
    // Read literally, `fetch/**` is a string `fetch/*` matches; as a glob it reaches fetch/a/b.
    expect(globWithin('fetch/**', 'fetch/*')).toBe(false);
    expect(globWithin('/w/*', '/w/a')).toBe(false);
    expect(globWithin('/w/**', '/w/*')).toBe(false);
    expect(globWithin('/wx', '/w/**')).toBe(false);
    expect(globWithin('**', '*')).toBe(false);
  });

  it('never says within when a target of the inner glob escapes the outer (soundness)', () => {
    const glob = fc.array(fc.constantFrom('a', 'b', '/', '*', '**', '/**'), { maxLength: 5 }).map((parts) => parts.join(''));
    const target = fc.array(fc.constantFrom('a', 'b', '/'), { maxLength: 7 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(glob, glob, fc.array(target, { minLength: 1, maxLength: 30 }), (inner, outer, targets) => {
        if (!globWithin(inner, outer)) return;
        const [innerRe, outerRe] = [globToRegExp(inner), globToRegExp(outer)];
        for (const t of targets) if (innerRe.test(t)) expect(outerRe.test(t), `${JSON.stringify(t)}: ${inner} within ${outer}`).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('stays polynomial on a hostile pattern', () => {
    const many = '/a/**'.repeat(200);
    expect(globWithin(many, '/a/**')).toBe(true);
    expect(globWithin(many, many.replaceAll('a', 'b'))).toBe(false);
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
    expect(leaseExcess(requested, { 'tool.call': ['fetch/**'] })).toEqual([expect.stringMatching(/tool.call grants "fetch\/\*\*"/)]);
    expect(leaseExcess(requested, { 'cost.budget': ['USD:6.00'] })).toEqual([expect.stringMatching(/more than the requested/)]);
    expect(leaseExcess(requested, { 'cost.budget': ['EUR:1.00'] })).toEqual([expect.stringMatching(/EUR, which was not requested/)]);
  });

  it('reports malformed leases instead of throwing', () => {
    expect(leaseExcess(requested, null)).toHaveLength(1);
    expect(leaseExcess(requested, { 'tool.call': 'search' })).toHaveLength(1);
  });
});
