// For harness tests: the HarnessError a promise must reject with (anything else is rethrown).
import { HarnessError } from '../errors.ts';

export async function rejection(promise: Promise<unknown>): Promise<HarnessError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HarnessError) return error;
    throw error;
  }
  throw new Error('expected the promise to reject');
}
