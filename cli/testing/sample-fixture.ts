// A complete, valid replay fixture for the CLI's tests.
import { SAMPLE_TRANSCRIPT } from '../../reporters/testing/sample-transcript.ts';

export const VALID_FIXTURE = {
  version: 1,
  seed: -1234,
  path: '0:1:1',
  scenario: { jobs: [{ branches: 2 }] },
  violated: ['SEQ-001'],
  transcript: SAMPLE_TRANSCRIPT,
  command: 'arcp-conformance replay fixtures/audit/seq-race.json',
  defect: 'seq-race',
  reproduced: { runs: 20, hits: 7 },
};
