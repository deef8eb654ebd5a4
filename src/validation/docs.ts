/**
 * Renders the rule catalogue as Markdown: `docs/rules.md` is this function's output, and a test
 * fails when the committed file differs (set `JOURNEYCTL_UPDATE_DOCS=1` on that test to rewrite).
 */
import { RULES } from './catalogue.js';
import type { Rule, ValidateJourneyInput } from './rule.js';

const CATEGORY_TITLES: Readonly<Record<Rule['category'], string>> = {
  definition: 'Definition',
  structure: 'Structure',
  references: 'References',
  fields: 'Journey fields',
  changes: 'Changes (with --baseline)',
  limits: 'Limits',
};

const MAX_STRING = 80;

function shorten(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}… (${value.length} characters)` : value;
}

function compact(value: unknown): string {
  return JSON.stringify(value, shorten) ?? 'undefined';
}

/** An example input as short JSON: one activity per line. */
function renderExample(input: ValidateJourneyInput): string {
  const lines: string[] = ['{'];
  const entries = Object.entries(input).filter(([, value]) => value !== undefined);
  entries.forEach(([key, value], index) => {
    const comma = index < entries.length - 1 ? ',' : '';
    if (Array.isArray(value)) {
      lines.push(`  "${key}": [`);
      value.forEach((element, position) => lines.push(`    ${compact(element)}${position < value.length - 1 ? ',' : ''}`));
      lines.push(`  ]${comma}`);
    } else if (key === 'baseline' && value && typeof value === 'object') {
      const baseline = value as { definition?: unknown; fields?: unknown };
      lines.push(`  "baseline": {`);
      lines.push(`    "definition": ${Array.isArray(baseline.definition) ? `[${baseline.definition.length} activities, as in the passing example's base]` : compact(baseline.definition)},`);
      lines.push(`    "fields": ${compact(baseline.fields)}`);
      lines.push(`  }${comma}`);
    } else {
      lines.push(`  "${key}": ${compact(value)}${comma}`);
    }
  });
  lines.push('}');
  return lines.join('\n');
}

function renderRule(rule: Rule): string {
  return [
    `### \`${rule.id}\``,
    '',
    `**Default severity:** ${rule.defaultSeverity}`,
    '',
    `**Checks:** ${rule.summary}`,
    '',
    `**Why:** ${rule.rationale}`,
    '',
    `**Sources:** ${rule.sources.join('; ')}`,
    ...(rule.serverMessage ? ['', `**Server message:** ${rule.serverMessage}`] : []),
    '',
    '<details><summary>Failing example</summary>',
    '',
    '```json',
    renderExample(rule.examples.failing),
    '```',
    '',
    '</details>',
    '',
    '<details><summary>Passing example</summary>',
    '',
    '```json',
    renderExample(rule.examples.passing),
    '```',
    '',
    '</details>',
    '',
  ].join('\n');
}

/** The whole `docs/rules.md`. */
export function renderRulesMarkdown(rules: readonly Rule[] = RULES): string {
  const parts: string[] = [
    '# Validation rules',
    '',
    '<!-- Generated from src/validation/catalogue.ts by src/validation/docs.ts; do not edit by hand. -->',
    '',
    '`journeyctl validate` checks journey definitions, records, exports and specs offline with the rules below.',
    'Each rule has a default severity that `.journeyctl.json` (`"rules": {"id": "off|info|warning|error"}`) or',
    '`--rule id=severity` can change. A rule named after a server fault uses the fault code of',
    '`msdyncrm_CustomerJourneyValidate`, so offline and server findings share ids.',
    '"INFERRED" in a rule marks what is concluded from observed payloads rather than stated by Microsoft.',
    '',
    '| Rule | Severity | Checks |',
    '|---|---|---|',
    ...rules.map((rule) => `| [\`${rule.id}\`](#${rule.id.toLowerCase()}) | ${rule.defaultSeverity} | ${rule.summary.replace(/\|/g, '\\|')} |`),
    '',
  ];
  for (const category of Object.keys(CATEGORY_TITLES) as Rule['category'][]) {
    const inCategory = rules.filter((rule) => rule.category === category);
    if (inCategory.length === 0) continue;
    parts.push(`## ${CATEGORY_TITLES[category]}`, '', ...inCategory.map(renderRule));
  }
  parts.push(
    '## Fair-use limits',
    '',
    'The outbound fair-use policy documents tenant-wide caps (10,000 segments, 1,000 live dynamic segments,',
    '1 million members per journey segment, 10 million emails a month). None of them is a property of one',
    'journey definition, so none is checked offline; `definition-size` covers the documented column limit.',
    '',
    '## Custom rules',
    '',
    'An organisation\'s own policies go in `.journeyctl.json` under `customRules`. Each rule selects nodes of',
    'the definition with a JSONPath (jsonpath-plus syntax, script evaluation disabled: filter expressions',
    'such as `[?(...)]` are rejected; use `where` to keep nodes whose properties have given values) and',
    'asserts `"match"` (at least one), `"no-match"` (none; one finding per node) or `{"min": n, "max": m}`.',
    'With `forEach`, the assertion is checked once per node `forEach` selects, and `$` is that node.',
    '',
    '```json',
    '{',
    '  "rules": { "unknown-tile-type": "off" },',
    '  "customRules": [',
    '    { "id": "no-linkedin-tiles", "severity": "error", "message": "Journeys must not use the LinkedIn tile",',
    '      "selector": "$[*]", "where": { "ActivityTypeId": "LinkedInCampaign" }, "assert": "no-match" },',
    '    { "id": "email-has-landing-page", "severity": "warning", "message": "Every email tile nests a landing page",',
    '      "forEach": { "selector": "$[*]", "where": { "ActivityTypeId": "Email" } },',
    '      "selector": "$.Properties.Items[*]", "where": { "ActivityTypeId": "LandingPage" }, "assert": "match" }',
    '  ]',
    '}',
    '```',
    '',
  );
  return parts.join('\n');
}
