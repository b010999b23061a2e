#!/usr/bin/env node
// Loads the TypeScript CLI through tsx, so the kit runs from source with no build step.
import { register } from 'tsx/esm/api';

// vitest (with vite and rolldown: hundreds of plain JavaScript modules) is imported before
// tsx's hooks are registered when the command runs it, so it loads natively instead of
// through tsx's loader thread: about 1.3 s of CPU less at the start of every run.
const [command] = process.argv.slice(2);
const runsVitest = command === undefined || command === 'run' || command === 'merge' || (command.startsWith('-') && !['-h', '--help', '--version'].includes(command));
if (runsVitest) await import('vitest/node');

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
