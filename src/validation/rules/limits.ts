/**
 * Documented size limits that can be checked offline.
 *
 * The outbound fair-use policy (fair-use-policy.md) documents tenant-wide caps — 10,000
 * segments, 1,000 live dynamic segments, 1 million members per journey segment, 10 million
 * emails a month — but none of them is a property of one journey definition: they need segment
 * sizes and tenant counts from the server, so they are not offline rules. What a definition
 * does control is the size of the columns it is stored in.
 */
import type { Rule } from '../rule.js';
import { example, simpleDefinition } from './examples.js';

const ECJ = 'Dataverse table reference for msdyncrm_customerjourney (column maximum lengths)';

/** Maximum length of `msdyncrm_workflowdefinition` (Memo). */
export const MAX_DEFINITION_LENGTH = 1_048_576;

/**
 * How much longer a value's compact serialization can be than the JSON text it was parsed from.
 * Whitespace, strings, keys, literals and escapes never grow (a character JSON.stringify escapes
 * had to be escaped in the text already); only a number's spelling can: `1e20` (4 characters)
 * serializes as 21 digits. So the stored form is at most 5.25 times the text, and a definition
 * read from a JSON file of at most MAX/6 characters fits without serializing it again.
 */
const MAX_EXPANSION = 6;

/** The stored length of a definition, or undefined when it surely fits (no serialization needed). */
function storedLength(model: NonNullable<RuleContextModel>, raw: unknown): number | undefined {
  if (model.textLength !== undefined) return model.textLength;
  if (model.sourceLength !== undefined && model.sourceLength * MAX_EXPANSION <= MAX_DEFINITION_LENGTH) return undefined;
  return JSON.stringify(raw).length;
}

type RuleContextModel = Parameters<Rule['check']>[0]['model'];

function oversizedDefinition(): string {
  const definition = simpleDefinition();
  (definition[2] as { Description?: string }).Description = 'x'.repeat(MAX_DEFINITION_LENGTH);
  return JSON.stringify(definition);
}

export const definitionSize: Rule = {
  id: 'definition-size',
  category: 'limits',
  defaultSeverity: 'error',
  summary: 'The serialized workflow definition fits in msdyncrm_workflowdefinition: at most 1,048,576 characters.',
  rationale: 'msdyncrm_workflowdefinition is a Memo column with a documented maximum length of 1,048,576; a longer definition cannot be saved. (Fair-use caps are tenant-wide and need server data, so they are not checked offline.)',
  sources: [ECJ],
  examples: {
    // Built when read (docs, rule tests): a 1 MB string is not worth building in every process that loads the rules.
    get failing() {
      return example(oversizedDefinition());
    },
    passing: example(JSON.stringify(simpleDefinition())),
  },
  check({ model, definition, report }) {
    if (!model) return;
    const length = storedLength(model, definition.raw);
    if (length !== undefined && length > MAX_DEFINITION_LENGTH) {
      report({ message: `The definition is ${length} characters long; msdyncrm_workflowdefinition holds at most ${MAX_DEFINITION_LENGTH}.`, arguments: [String(length)], pointer: '' });
    }
  },
};

export const LIMIT_RULES: readonly Rule[] = [definitionSize];
