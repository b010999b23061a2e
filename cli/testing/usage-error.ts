// For tests of input checks: the message of the UsageError a call must throw.
import { expect } from 'vitest';
import { UsageError } from '../errors.ts';

export function usageErrorOf(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a usage error, and the call returned');
}
