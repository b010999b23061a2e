import { describe, expect, it } from 'vitest';
import { listingChecker } from '../checkers/index.ts';
import { PROPERTIES, checkersFor } from './properties.ts';

describe('property definitions', () => {
  it('judge listings across principals only where the profile lists own jobs (listPolicy own)', () => {
    const concurrent = PROPERTIES['concurrent-emitters'];
    expect(concurrent.requirements).toContain('LIST-002');
    expect(checkersFor(concurrent, { listPolicy: 'own' })).toContain(listingChecker);
    const any = checkersFor(concurrent, { listPolicy: 'any' });
    expect(any).not.toContain(listingChecker);
    expect(any).toEqual(concurrent.checkers.filter((c) => c !== listingChecker));
  });

  it('declares LIST-002 only for the property whose scenarios list from the other principal', () => {
    expect(PROPERTIES['duplicate-cancels'].requirements).not.toContain('LIST-002');
    expect(PROPERTIES['mid-job-disconnects'].requirements).not.toContain('LIST-002');
  });
});
