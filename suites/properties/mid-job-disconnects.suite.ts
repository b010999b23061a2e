// Property: mid-job disconnects. Drops and closes after a generated number of events, resumes
// at or below the last received seq (at once or later), repeated cuts, and fresh sessions
// watching through subscribe; the whole history is checked (scenarios/mid-job-disconnects.ts).
import { PROPERTIES } from './properties.ts';
import { propertyTest } from './property-suite.ts';

propertyTest(PROPERTIES['mid-job-disconnects']);
