// `npx tsx reference/serve-main.ts [flags]`: the reference runtime as a process.
import { runServe } from './serve.ts';

process.exitCode = await runServe(process.argv.slice(2));
