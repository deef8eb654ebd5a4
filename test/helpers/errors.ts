import { isInputError, type InputError } from '../../src/errors.js';

/** The InputError `fn` throws; fails the test when it throws anything else or nothing. */
export function inputErrorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    if (isInputError(error)) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}
