// Property: duplicate cancels. Zero to three cancels per job at generated moments (right after
// submit, mid-run, racing completion, after the terminal) from the submitter, a subscriber or
// another principal; the whole history is checked (scenarios/duplicate-cancels.ts).
import { PROPERTIES } from './properties.ts';
import { propertyTest } from './property-suite.ts';

propertyTest(PROPERTIES['duplicate-cancels']);
