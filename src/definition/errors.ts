import { InputError, type InputLocation } from '../errors.js';

/**
 * A workflow definition (or designer state) that cannot be read as one: not JSON, wrong types,
 * missing `Properties.Items`, a ParentActivityId cycle. `location.pointer` names the offending
 * place (prefixed by the caller's `basePointer`); the CLI exits with code 2.
 *
 * Semantic problems of a well-formed definition (duplicate ids, missing root, branch gaps) are
 * not DefinitionErrors: the validator reports them as findings.
 */
export class DefinitionError extends InputError {
  override name = 'DefinitionError';

  constructor(message: string, location: InputLocation = {}, options?: { cause?: unknown; hint?: string }) {
    super(message, location, options);
  }
}

/** Whether an error is a {@link DefinitionError} (matched by name, so duplicate package copies agree). */
export function isDefinitionError(error: unknown): error is DefinitionError {
  return error instanceof Error && error.name === 'DefinitionError' && 'location' in error;
}
