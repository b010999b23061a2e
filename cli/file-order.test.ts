import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROPERTIES } from '../suites/properties/properties.ts';
import { campaignsFirst, isPropertyCampaign } from './file-order.ts';
import { KIT_ROOT } from './paths.ts';
import { readSuiteMap } from './suite-map.ts';

describe('file order', () => {
  it('moves the property campaigns to the front and keeps each group in its order', () => {
    const files = ['suites/session/session.suite.ts', 'suites/properties/b.suite.ts', 'suites/jobs/jobs.suite.ts', 'suites/properties/a.suite.ts'].map((f) => resolve(KIT_ROOT, f));
    expect(campaignsFirst(files, (f) => f).map((f) => f.slice(KIT_ROOT.length))).toEqual([
      'suites/properties/b.suite.ts',
      'suites/properties/a.suite.ts',
      'suites/session/session.suite.ts',
      'suites/jobs/jobs.suite.ts',
    ]);
  });

  it('knows as campaigns exactly the suite files whose tests are the properties', () => {
    const titles = new Set(Object.values(PROPERTIES).map((p) => p.title));
    const map = readSuiteMap();
    const campaigns = Object.keys(map.files).filter((file) => isPropertyCampaign(resolve(KIT_ROOT, file)));
    const ofProperties = Object.entries(map.files)
      .filter(([, tests]) => tests.some((t) => [...titles].some((title) => t.title.startsWith(title))))
      .map(([file]) => file);
    expect(campaigns.sort()).toEqual(ofProperties.sort());
    expect(campaigns).toHaveLength(Object.keys(PROPERTIES).length);
  });
});
