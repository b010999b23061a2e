// The GitHub Action (action.yml at the root) checked against the CLI: every input documented,
// every flag it passes one the run command knows, and its run step, executed by bash with a
// stand-in kit, hands the kit an argument list the real parser accepts and the step the kit's
// exit code.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseArgs, stringFlag } from './args.ts';
import { KIT_ROOT } from './paths.ts';
import { RUN_FLAGS } from './run-command.ts';

interface Step {
  readonly id?: string;
  readonly run?: string;
  readonly env?: Record<string, string>;
}
interface Action {
  readonly inputs: Record<string, { description?: string; default?: string }>;
  readonly outputs: Record<string, { description?: string; value?: string }>;
  readonly runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(join(KIT_ROOT, 'action.yml'), 'utf8')) as Action;
const runStep = action.runs.steps.find((s) => s.id === 'run') as Step;
const INPUT_EXPRESSION = /\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g;

/** The run step's environment as GitHub would build it for these inputs. */
function stepEnv(inputs: Record<string, string>, actionPath: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(runStep.env ?? {}).map(([name, value]) => [
      name,
      value
        .replace(INPUT_EXPRESSION, (_m, input: string) => inputs[input] ?? action.inputs[input]?.default ?? '')
        .replace(/\$\{\{\s*github\.action_path\s*\}\}/g, actionPath),
    ]),
  );
}

/** Runs the step's script with bash, a stand-in kit that records its argv and exits with `code`. */
function runAction(inputs: Record<string, string>, code: number) {
  const root = mkdtempSync(join(tmpdir(), 'arcp-action-'));
  mkdirSync(join(root, 'bin'));
  const argvFile = join(root, 'argv.json');
  writeFileSync(
    join(root, 'bin', 'arcp-conformance.js'),
    `require('fs').writeFileSync(${JSON.stringify(argvFile)}, JSON.stringify(process.argv.slice(2))); process.exit(${code});\n`,
  );
  const output = join(root, 'github-output');
  writeFileSync(output, '');
  const script = join(root, 'step.sh');
  writeFileSync(script, runStep.run ?? '');
  chmodSync(script, 0o755);
  // GitHub runs `bash -e {0}` (with `shell: bash`), from the workspace.
  const result = spawnSync('bash', ['-e', script], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', GITHUB_OUTPUT: output, ...stepEnv(inputs, root) },
    encoding: 'utf8',
  });
  let argv: string[] | undefined;
  try {
    argv = JSON.parse(readFileSync(argvFile, 'utf8')) as string[];
  } catch {
    argv = undefined;
  }
  return { status: result.status, stdout: result.stdout, argv, outputs: readFileSync(output, 'utf8'), root };
}

describe('action.yml', () => {
  it('is a composite action whose inputs and outputs are all documented', () => {
    expect(action.runs.using).toBe('composite');
    for (const [name, input] of Object.entries(action.inputs)) expect(input.description?.trim(), `input ${name}`).toBeTruthy();
    for (const [name, output] of Object.entries(action.outputs)) expect(output.description?.trim(), `output ${name}`).toBeTruthy();
    expect(Object.keys(action.inputs)).toEqual(
      expect.arrayContaining(['url', 'server-command', 'profile', 'baseline', 'only', 'runs', 'strict', 'allow-untestable']),
    );
    expect(Object.keys(action.outputs)).toContain('report-dir');
  });

  it('uses every input it declares and declares every input it uses, and takes no token as an input', () => {
    const text = JSON.stringify(action.runs);
    const used = new Set([...text.matchAll(INPUT_EXPRESSION)].map((m) => m[1]));
    expect([...used].sort()).toEqual(Object.keys(action.inputs).sort());
    expect(Object.keys(action.inputs).filter((name) => /token|secret|password/i.test(name))).toEqual([]);
  });

  it('passes only flags the run command knows', () => {
    const flags = [...(runStep.run ?? '').matchAll(/(?<![\w-])--([a-z][\w-]*)/g)].map((m) => m[1] as string);
    expect(flags.length).toBeGreaterThan(5);
    for (const flag of flags) expect(Object.keys(RUN_FLAGS), `--${flag}`).toContain(flag);
  });

  it('hands the kit an argument list its parser accepts, with every input in place', () => {
    const inputs = {
      url: 'ws://127.0.0.1:8080/arcp',
      profile: 'ci/profile.json',
      baseline: 'ci/baseline.json',
      only: 'SEQ,CANCEL-003',
      runs: '200',
      shard: '2/3',
      strict: 'true',
      'allow-untestable': 'true',
      out: 'reports/arcp',
    };
    const result = runAction(inputs, 0);
    expect(result.status).toBe(0);
    const [command, ...rest] = result.argv ?? [];
    expect(command).toBe('run');
    const parsed = parseArgs(rest, RUN_FLAGS, 'run');
    expect(Object.fromEntries(parsed.flags)).toEqual({
      url: inputs.url,
      profile: inputs.profile,
      baseline: inputs.baseline,
      only: [inputs.only],
      runs: 200,
      shard: '2/3',
      strict: true,
      'allow-untestable': true,
      out: inputs.out,
      report: ['github'],
    });
    expect(parsed.positionals).toEqual([]);
    expect(result.outputs).toContain(`report-dir=${join(result.root, 'reports/arcp')}\n`);
  });

  it('passes a server command whole, and leaves out what was not given', () => {
    const result = runAction({ 'server-command': './my-server --port 0 --name "a b"' }, 0);
    const parsed = parseArgs((result.argv ?? []).slice(1), RUN_FLAGS, 'run');
    expect(stringFlag(parsed, 'server-cmd')).toBe('./my-server --port 0 --name "a b"');
    expect([...parsed.flags.keys()].sort()).toEqual(['out', 'report', 'server-cmd']);
  });

  it.each([1, 2])("fails the step with the kit's exit code %i and still names the report directory", (code) => {
    const result = runAction({}, code);
    expect(result.status).toBe(code);
    expect(result.outputs).toContain(`exit-code=${code}\n`);
    expect(result.outputs).toContain('report-dir=');
  });

  it('refuses a yes/no input that is neither true nor false, and url with server-command', () => {
    const bad = runAction({ strict: 'yes' }, 0);
    expect(bad.status).toBe(2);
    expect(bad.argv).toBeUndefined();
    expect(bad.stdout).toContain('input strict must be true or false, got "yes"');
    expect(runAction({ url: 'ws://x', 'server-command': 'x' }, 0).status).toBe(2);
  });

  it('is valid bash', () => {
    expect(() => execFileSync('bash', ['-n'], { input: runStep.run })).not.toThrow();
  });
});
