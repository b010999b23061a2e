#!/usr/bin/env node
// Loads the TypeScript CLI through tsx, so the kit runs from source with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
const code = await main(process.argv.slice(2));
// An interrupted run (130, 143) ends now: its reports are on disk and a server it started is
// stopped. Left to drain, the event loop's teardown drops the signal handlers before the process
// is gone, and the copy of the signal npx forwards could still kill it with the default action.
if (code === 130 || code === 143) process.exit(code);
process.exitCode = code;
