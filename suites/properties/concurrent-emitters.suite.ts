// Property: concurrent emitters. Several jobs per session, each with parallel branches emitting
// back to back, runtime-side emitters (budget metrics, lease expiry, back-pressure status)
// and subscribers in other sessions; every session's whole history is checked
// (scenarios/concurrent-emitters.ts says what is generated and how it is steered).
import { PROPERTIES } from './properties.ts';
import { propertyTest } from './property-suite.ts';

propertyTest(PROPERTIES['concurrent-emitters']);
