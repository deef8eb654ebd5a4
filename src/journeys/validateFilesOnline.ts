/**
 * The server's error check (`msdyncrm_CustomerJourneyValidate`) of local journey documents,
 * file by file, as a validation run like the offline `validateFiles`: the same report, the same
 * formatters, the same exit-code rule. Specs that name records instead of giving ids are
 * resolved in the target first.
 */
import type { DataverseClient } from '../dataverse/DataverseClient.js';
import { loadJourneyDocuments, type LoadJourneyDocumentOptions } from '../io/index.js';
import { ValidationRun, outcomeOf, type FileOutcome } from '../validation/files.js';
import type { LocatedFinding } from '../validation/report.js';
import { JourneyClient } from './JourneyClient.js';
import { resolveNames } from './resolveNames.js';

/** Options of {@link validateFilesOnline}. */
export type ValidateFilesOnlineOptions = Pick<LoadJourneyDocumentOptions, 'readStdin' | 'limits'>;

/**
 * Validate documents with the server's check, one request per document, in input order. Where
 * the environment lacks the action (outbound marketing removed), iterating the run throws the
 * journey client's error that says so.
 */
export function validateFilesOnline(paths: readonly string[], client: DataverseClient, options: ValidateFilesOnlineOptions = {}): ValidationRun {
  return new ValidationRun([], paths, () => onlineOutcomes(paths, client, options));
}

async function* onlineOutcomes(paths: readonly string[], client: DataverseClient, options: ValidateFilesOnlineOptions): AsyncGenerator<FileOutcome> {
  const journeys = new JourneyClient(client);
  const settings = { rules: {}, customRules: [], now: Date.now() };
  for await (const input of loadJourneyDocuments(paths, options)) {
    if (!input.ok) {
      yield outcomeOf(input, { error: input.error }, settings);
      continue;
    }
    const document = input.document;
    const resolved = await resolveNames(client, { ...document, file: document.file });
    const result = await journeys.validate({
      fields: resolved.fields,
      definition: resolved.definition,
      ...(document.designerState ? { designerState: document.designerState } : {}),
    });
    const findings: LocatedFinding[] = result.findings.map((finding) => ({
      ...finding,
      location: { ...finding.location, file: finding.location.file ?? document.definitionFile },
    }));
    yield { path: input.path, skipped: false, report: { path: input.path, findings } };
  }
}
