import { describe, expect, it } from 'vitest';
import { type FlagSpecs, integerFlag, listFlag, parseArgs, stringFlag } from './args.ts';
import { usageErrorOf } from './testing/usage-error.ts';

const SPECS: FlagSpecs = {
  url: { kind: 'string' },
  strict: { kind: 'boolean' },
  runs: { kind: 'integer', min: 1, max: 100 },
  seed: { kind: 'integer', min: -10, max: 10 },
  only: { kind: 'string', repeatable: true },
};

function usage(argv: string[]): string {
  return usageErrorOf(() => parseArgs(argv, SPECS, 'run'));
}

describe('parseArgs', () => {
  it('reads --name value, --name=value, booleans, repeats and positionals', () => {
    const args = parseArgs(['--url', 'ws://a', '--strict', '--runs=5', '--seed', '-3', '--only', 'SEQ', '--only=session', 'extra'], SPECS, 'run');
    expect(stringFlag(args, 'url')).toBe('ws://a');
    expect(args.flags.get('strict')).toBe(true);
    expect(integerFlag(args, 'runs')).toBe(5);
    expect(integerFlag(args, 'seed')).toBe(-3);
    expect(listFlag(args, 'only')).toEqual(['SEQ', 'session']);
    expect(args.positionals).toEqual(['extra']);
  });

  it('accepts --help and -h anywhere, and treats everything after -- as positional', () => {
    expect(parseArgs(['-h'], SPECS, 'run').flags.get('help')).toBe(true);
    expect(parseArgs(['--', '--strict'], SPECS, 'run').positionals).toEqual(['--strict']);
  });

  it.each([
    [['--bogus'], 'unknown option --bogus for "run"'],
    [['-x'], 'unknown option -x (options are spelled --name)'],
    [['--url'], '--url needs a value'],
    [['--url', '--strict'], '--url needs a value'],
    [['--strict=yes'], '--strict takes no value'],
    [['--runs', 'many'], '--runs needs an integer, got "many"'],
    [['--runs', '0'], '--runs must be an integer from 1 to 100, got 0'],
    [['--runs', '1.5'], '--runs needs an integer, got "1.5"'],
    [['--url', 'a', '--url', 'b'], '--url given twice'],
  ])('rejects %j', (argv, message) => {
    expect(usage(argv)).toBe(message);
  });

  it('refuses tokens on the command line without echoing them', () => {
    const message = usage(['--token', 's3cr3t-value']);
    expect(message).toMatch(/tokens are never read from the command line/);
    expect(message).not.toContain('s3cr3t');
  });
});
