/**
 * The server's "Check for errors" answer: `msdyncrm_CustomerJourneyValidate` returns
 * `ValidationResult`, a JSON document serialized as a string (so it is parsed twice), with an
 * overall `Result` and one `ActivityValidationResults` entry per problem.
 * https://learn.microsoft.com/dynamics365/marketing/developer/basic-operations-on-customer-journey#validation-result
 */
import { InputError, type InputLocation } from '../errors.js';
import { ruleById } from './catalogue.js';
import type { Finding, Severity } from './finding.js';
import { isRecord, own } from './journeyModel.js';

/** `Result` values of the overall result and of each entry. */
export type ServerResult = 'Valid' | 'Warning' | 'Error';

/** One entry of `ActivityValidationResults`. */
export interface ActivityValidationResult {
  /** ActivityId of the tile; `""` for the whole journey. */
  ActivityId: string;
  /** The fault code. */
  Fault: string;
  Result: ServerResult;
  ErrorMessageArguments: string[];
}

/** The decoded `ValidationResult`. */
export interface ValidationResult {
  Result: ServerResult;
  ActivityValidationResults: ActivityValidationResult[];
}

const SEVERITY_OF_RESULT: Readonly<Record<ServerResult, Severity>> = { Valid: 'info', Warning: 'warning', Error: 'error' };
const RESULT_OF_SEVERITY: Readonly<Record<Severity, ServerResult>> = { info: 'Valid', warning: 'Warning', error: 'Error' };

/** The emulator's own fault names (`EmulatorEmailMissing`, `EmulatorJourneyName`…). */
const EMULATOR_FAULT = /^Emulator[A-Z]/;

/** A message for a fault: the catalogue's when the fault is known, else the code with its arguments. */
export function faultMessage(fault: string, args: readonly string[]): string {
  const known = ruleById(fault)?.serverMessage;
  if (known) return args.length ? `${known} (${args.join(', ')})` : known;
  return `The server reported ${fault || 'an unnamed fault'}${args.length ? `: ${args.join(', ')}` : ''}.`;
}

function invalid(message: string, location: InputLocation, pointer: string): never {
  throw new InputError(`Not a ValidationResult: ${message}`, { ...location, pointer: (location.pointer ?? '') + pointer }, {
    hint: 'expected {"ActivityValidationResults":[{"ActivityId","Fault","Result","ErrorMessageArguments"}],"Result"} (as a JSON string or object)',
  });
}

function readResult(value: unknown, location: InputLocation, pointer: string): ServerResult {
  if (value === 'Valid' || value === 'Warning' || value === 'Error') return value;
  return invalid(`Result must be Valid, Warning or Error, found ${JSON.stringify(value) ?? 'nothing'}`, location, pointer);
}

/**
 * Map the server's `ValidationResult` (the JSON string as returned, or an already decoded
 * object) onto findings: Fault → ruleId, Result → severity (`Valid` → info), ActivityId and
 * ErrorMessageArguments as they are. Accepts the whole action response
 * (`{"ValidationResult": "…"}`) too.
 *
 * @throws InputError when the value is not a ValidationResult
 */
export function parseValidationResult(value: string | object, location: InputLocation = {}): Finding[] {
  let decoded: unknown = value;
  if (typeof value === 'string') {
    try {
      decoded = JSON.parse(value);
    } catch (error) {
      invalid(`not JSON (${(error as Error).message})`, location, '');
    }
  }
  if (isRecord(decoded) && typeof own(decoded, 'ValidationResult') === 'string') {
    return parseValidationResult(own(decoded, 'ValidationResult') as string, location);
  }
  if (!isRecord(decoded)) return invalid('expected a JSON object', location, '');
  readResult(own(decoded, 'Result'), location, '/Result');
  const entries = own(decoded, 'ActivityValidationResults') ?? [];
  if (!Array.isArray(entries)) return invalid('ActivityValidationResults must be an array', location, '/ActivityValidationResults');
  return entries.map((entry, index): Finding => {
    const at = `/ActivityValidationResults/${index}`;
    if (!isRecord(entry)) return invalid('each entry must be an object', location, at);
    const fault = own(entry, 'Fault');
    if (typeof fault !== 'string' || fault === '') return invalid('Fault must be a non-empty string', location, `${at}/Fault`);
    const activityId = own(entry, 'ActivityId') ?? '';
    if (typeof activityId !== 'string') return invalid('ActivityId must be a string', location, `${at}/ActivityId`);
    const rawArgs = own(entry, 'ErrorMessageArguments') ?? [];
    if (!Array.isArray(rawArgs)) return invalid('ErrorMessageArguments must be an array', location, `${at}/ErrorMessageArguments`);
    const args = rawArgs.map((argument) => (typeof argument === 'string' ? argument : JSON.stringify(argument) ?? ''));
    const result = readResult(own(entry, 'Result'), location, `${at}/Result`);
    const findingLocation: InputLocation = { ...location };
    // The emulator's own faults (`Emulator…`, docs/emulator.md) carry their message first.
    const ownMessage = EMULATOR_FAULT.test(fault) && args.length > 0 && args[0] !== '';
    return {
      ruleId: fault,
      severity: SEVERITY_OF_RESULT[result],
      activityId,
      message: ownMessage ? args[0]! : faultMessage(fault, args),
      arguments: ownMessage ? args.slice(1) : args,
      location: findingLocation,
    };
  });
}

/**
 * The server's shape for findings, so the emulator's `msdyncrm_CustomerJourneyValidate`
 * answers like the service (the caller encodes it with JSON.stringify): the overall Result is
 * the worst entry's.
 */
export function toValidationResult(findings: readonly Finding[]): ValidationResult {
  let overall: ServerResult = 'Valid';
  const entries = findings.map((finding): ActivityValidationResult => {
    const result = RESULT_OF_SEVERITY[finding.severity];
    if (result === 'Error' || (result === 'Warning' && overall === 'Valid')) overall = result;
    return { ActivityId: finding.activityId, Fault: finding.ruleId, Result: result, ErrorMessageArguments: [...finding.arguments] };
  });
  return { ActivityValidationResults: entries, Result: overall };
}
