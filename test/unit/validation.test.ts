import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import {
  INTERNAL_ERROR_RULE_ID,
  parseValidationResult,
  RULES,
  summarize,
  toValidationResult,
  validateJourney,
  type Finding,
} from '../../src/validation/index.js';
import { draftFields, simpleDefinition, triggerDefinition } from '../../src/validation/rules/examples.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const ids = (findings: Finding[]): string[] => findings.map((finding) => finding.ruleId);

describe('validateJourney', () => {
  it('accepts the definition as a JSON string, an array, and inside a record with pointers', () => {
    const definition = triggerDefinition();
    expect(validateJourney({ definition })).toEqual([]);
    expect(validateJourney({ definition: JSON.stringify(definition) })).toEqual([]);
    const broken = structuredClone(definition);
    broken[2]!.ActivityId = '01_0';
    const findings = validateJourney({ definition: JSON.stringify(broken), file: 'journey.json', basePointer: '/msdyncrm_workflowdefinition' });
    const duplicate = findings.find((finding) => finding.ruleId === 'unique-activity-id')!;
    expect(duplicate.location).toEqual({ file: 'journey.json', pointer: '/msdyncrm_workflowdefinition/2/ActivityId' });
    expect(duplicate.activityId).toBe('01_0');
  });

  it('reports field findings against the fields pointer and file', () => {
    const findings = validateJourney(
      { definition: simpleDefinition(), fields: { ...draftFields(), msdyncrm_name: '' }, file: 'def.json', fieldsFile: 'journey.json', fieldsPointer: '' },
      { now: NOW },
    );
    expect(findings).toEqual([
      expect.objectContaining({ ruleId: 'journey-name', activityId: '', location: { file: 'journey.json', pointer: '/msdyncrm_name' } }),
    ]);
  });

  it('turns unparseable definitions into definition-parse findings instead of throwing', () => {
    for (const definition of ['{', '', 'null', '{"a":1}', 42, null, undefined, { ActivityId: '01' }, 'true']) {
      const findings = validateJourney({ definition });
      expect(ids(findings), JSON.stringify(definition)).toEqual(['definition-parse']);
      expect(findings[0]!.severity).toBe('error');
    }
    // Not even an input object.
    expect(ids(validateJourney(undefined as never))).toEqual(['definition-parse']);
  });

  it('applies severity overrides, including for findings of other rules', () => {
    const definition = structuredClone(simpleDefinition());
    definition[2]!.ActivityTypeId = 'Custom_x';
    (definition[2]!.Properties as { Items: Record<string, unknown>[] }).Items = [{ ItemId: null, ActivityTypeId: 'Custom_x', ActivityItemId: 32 }];
    expect(validateJourney({ definition }).map((f) => [f.ruleId, f.severity])).toEqual([['unknown-tile-type', 'warning']]);
    expect(validateJourney({ definition }, { rules: { 'unknown-tile-type': 'error' } }).map((f) => f.severity)).toEqual(['error']);
    expect(validateJourney({ definition }, { rules: { 'unknown-tile-type': 'off' } })).toEqual([]);
  });

  it('reports each of several problems once, with the activity and item they concern', () => {
    const definition = structuredClone(triggerDefinition());
    (definition[3]!.Properties as { Items: Record<string, unknown>[] }).Items[0]!.ConditionExpressions = [{ SourceActivityItemId: '999', Condition: 'x' }];
    definition[5]!.ParentRelationshipType = 'YesBranch';
    const findings = validateJourney({ definition });
    expect(findings.map((f) => [f.ruleId, f.activityId, f.itemId])).toEqual([
      ['branch-relationship', '01_0_2_4_6', undefined],
      ['trigger-condition-source', '01_0_2_4', 40],
    ]);
  });

  it('finds cycles and the detached tiles below them without double-reporting', () => {
    const definition = structuredClone(triggerDefinition());
    definition[1]!.ParentActivityId = '01_0_2_4';
    const findings = validateJourney({ definition });
    expect(ids(findings)).toContain('no-cycles');
    expect(findings.filter((f) => f.ruleId === 'no-cycles')).toHaveLength(1);
    expect(findings.filter((f) => f.ruleId === 'no-cycles')[0]!.arguments.sort()).toEqual(['01_0', '01_0_2', '01_0_2_4']);
    // Children of the cycle are detached; the cycle members themselves are not reported twice.
    expect(findings.filter((f) => f.ruleId === 'no-orphans').map((f) => f.activityId).sort()).toEqual(['01_0_2_4_5', '01_0_2_4_6']);
  });

  it('never lets a rule exception escape: it becomes an internal-error finding', () => {
    const throwing = { get ActivityId(): string { throw new Error('boom'); } };
    const findings = validateJourney({ definition: [throwing] });
    expect(ids(findings)).toEqual(['definition-parse']);
    expect(findings[0]!.message).toContain('boom');
    // A value that breaks one rule only: a getter on a property the model does not read.
    const definition = triggerDefinition() as Record<string, unknown>[];
    const header = (definition[3]!.Properties as { Items: object[] }).Items[0]!;
    Object.defineProperty(header, 'ConditionExpressions', { get() { throw new Error('bad target'); }, enumerable: true });
    const later = validateJourney({ definition });
    expect(later.map((f) => f.ruleId)).toContain(INTERNAL_ERROR_RULE_ID);
    expect(later.find((f) => f.ruleId === INTERNAL_ERROR_RULE_ID)!.message).toContain('bad target');
  });

  it('runs custom rules from options, reported like built-in rules', () => {
    const definition = triggerDefinition();
    const findings = validateJourney({ definition, file: 'a.json' }, {
      customRules: [
        { id: 'no-trigger', message: 'No if/then tiles', selector: '$[*]', where: { ActivityTypeId: 'Trigger' }, assert: 'no-match' },
        { id: 'email-has-page', severity: 'warning', message: 'Every email nests a landing page', forEach: { selector: '$[*]', where: { ActivityTypeId: 'Email' } }, selector: '$.Properties.Items[*]', where: { ActivityTypeId: 'LandingPage' }, assert: 'match' },
        { id: 'few-tiles', message: 'At most 5 tiles', selector: '$[*]', assert: { max: 5 } },
      ],
    });
    expect(findings.map((f) => [f.ruleId, f.severity, f.activityId, f.location.pointer])).toEqual([
      ['no-trigger', 'error', '01_0_2_4', '/3'],
      ['email-has-page', 'warning', '01_0_2_4_5', '/4'],
      ['few-tiles', 'error', '', ''],
    ]);
    expect(findings[2]!.message).toContain('found 6');
  });
});

describe('parseValidationResult', () => {
  const documented =
    '{"ActivityValidationResults":[{"ActivityId":"","Fault":"ErrorRecurringCampaignEndDateDoesNotFitRequestedIterations","Result":"Error","ErrorMessageArguments":[]}],"Result":"Error"}';

  it('maps the documented double-encoded result onto the catalogue rule', () => {
    const findings = parseValidationResult(documented, { file: 'journey.json' });
    expect(findings).toEqual([
      {
        ruleId: 'ErrorRecurringCampaignEndDateDoesNotFitRequestedIterations',
        severity: 'error',
        activityId: '',
        message: RULES.find((rule) => rule.id === 'ErrorRecurringCampaignEndDateDoesNotFitRequestedIterations')!.serverMessage,
        arguments: [],
        location: { file: 'journey.json' },
      },
    ]);
  });

  it('accepts an object and the whole action response; Valid maps to info; unknown faults keep their code', () => {
    const response = {
      ValidationResult: JSON.stringify({
        ActivityValidationResults: [
          { ActivityId: '01_0_2', Fault: 'WarningEmailNotLive', Result: 'Warning', ErrorMessageArguments: ['15bd0ab8-c12a-e911-a9b6-000d3a1e6c14'] },
          { ActivityId: '01_0', Fault: 'InfoSomething', Result: 'Valid' },
        ],
        Result: 'Warning',
      }),
    };
    const findings = parseValidationResult(JSON.stringify(response));
    expect(findings.map((f) => [f.ruleId, f.severity, f.activityId, f.arguments])).toEqual([
      ['WarningEmailNotLive', 'warning', '01_0_2', ['15bd0ab8-c12a-e911-a9b6-000d3a1e6c14']],
      ['InfoSomething', 'info', '01_0', []],
    ]);
    expect(findings[0]!.message).toContain('WarningEmailNotLive');
    expect(parseValidationResult({ Result: 'Valid', ActivityValidationResults: [] })).toEqual([]);
  });

  it('rejects garbage with an InputError that says where', () => {
    const cases: [unknown, string][] = [
      ['not json', ''],
      ['[]', ''],
      ['{"Result":"Fine","ActivityValidationResults":[]}', '/Result'],
      ['{"Result":"Error","ActivityValidationResults":{}}', '/ActivityValidationResults'],
      ['{"Result":"Error","ActivityValidationResults":[{"ActivityId":"","Result":"Error"}]}', '/ActivityValidationResults/0/Fault'],
      ['{"Result":"Error","ActivityValidationResults":[{"Fault":"X","Result":"Bad"}]}', '/ActivityValidationResults/0/Result'],
    ];
    for (const [value, pointer] of cases) {
      let caught: unknown;
      try {
        parseValidationResult(value as string, { file: 'r.json' });
      } catch (error) {
        caught = error;
      }
      expect(caught, String(value)).toBeInstanceOf(InputError);
      expect((caught as InputError).location).toEqual({ file: 'r.json', pointer });
      expect((caught as InputError).hint).toContain('ActivityValidationResults');
    }
  });

  it('round-trips findings through toValidationResult (the shape the emulator answers with)', () => {
    const findings = validateJourney({ definition: simpleDefinition(), fields: { ...draftFields(), msdyncrm_isrecurring: true, msdyncrm_recurrenceintervaldays: 30, msdyncrm_recurrencecount: 9 } });
    const result = toValidationResult(findings);
    expect(result).toEqual({
      ActivityValidationResults: [{ ActivityId: '', Fault: 'ErrorRecurringCampaignEndDateDoesNotFitRequestedIterations', Result: 'Error', ErrorMessageArguments: [] }],
      Result: 'Error',
    });
    const back = parseValidationResult(JSON.stringify(result));
    expect(back.map((f) => [f.ruleId, f.severity, f.activityId])).toEqual(findings.map((f) => [f.ruleId, f.severity, f.activityId]));
    expect(toValidationResult([])).toEqual({ ActivityValidationResults: [], Result: 'Valid' });
    expect(toValidationResult([{ ...findings[0]!, severity: 'warning' }]).Result).toBe('Warning');
  });
});

describe('change rules', () => {
  const at = (status: number, start: string) => ({ ...draftFields(), statuscode: status, msdyncrm_startdatetime: start });
  const lockIds = (current: Record<string, unknown>, baseline: Record<string, unknown>, definition: unknown = simpleDefinition()) =>
    ids(validateJourney({ definition, fields: current, baseline: { definition: simpleDefinition(), fields: baseline } }, { now: NOW })).filter((id) => id.includes('locked'));

  it('lets a Live-editable or Stopped journey move its start only while it has not started', () => {
    for (const status of [192350003, 192350002]) {
      expect(lockIds(at(status, '2030-03-02T09:00:00Z'), at(status, '2030-03-01T09:00:00Z'))).toEqual([]);
      expect(lockIds(at(status, '2025-03-02T09:00:00Z'), at(status, '2025-03-01T09:00:00Z'))).toEqual(['field-locked-by-status']);
    }
    // Same instant written differently is not a change; seconds are ignored by the service.
    expect(lockIds(at(192350001, '2030-03-01T09:00:30.000Z'), at(192350001, '2030-03-01T09:00:00Z'))).toEqual([]);
  });

  it('allows any change in Draft and none in Live', () => {
    expect(lockIds({ ...at(192350000, '2030-01-01T00:00:00Z'), msdyncrm_customerjourneytimezone: 4 }, at(192350000, '2030-03-01T09:00:00Z'), triggerDefinition())).toEqual([]);
    expect(lockIds({ ...at(192350001, '2030-03-01T09:00:00Z'), msdyncrm_name: 'New' }, at(192350001, '2030-03-01T09:00:00Z'), triggerDefinition())).toEqual([
      'structure-locked-by-status',
      'structure-locked-by-status',
      'structure-locked-by-status',
      'field-locked-by-status',
    ]);
  });
});

describe('offline validation against the documented server answer', () => {
  it('reports the same fault for the documented validate request as the documented response', async () => {
    // samples/seed-validate-request.json is the request body of the API documentation; the
    // documentation answers it with this ValidationResult.
    const { loadJourneyDocument } = await import('../../src/io/index.js');
    const document = await loadJourneyDocument('samples/seed-validate-request.json');
    const offline = validateJourney({ definition: document.definition, fields: document.fields, file: document.file });
    const server = parseValidationResult(
      '{"ActivityValidationResults":[{"ActivityId":"","Fault":"ErrorRecurringCampaignEndDateDoesNotFitRequestedIterations","Result":"Error","ErrorMessageArguments":[]}],"Result":"Error"}',
    );
    expect(toValidationResult(offline)).toEqual(toValidationResult(server));
  });
});

describe('summarize', () => {
  it('counts by severity and distinct files', () => {
    const base: Finding = { ruleId: 'x', severity: 'error', activityId: '', message: 'm', arguments: [], location: { file: 'a' } };
    expect(
      summarize([base, { ...base, severity: 'warning' }, { ...base, severity: 'info', location: { file: 'b' } }, { ...base, location: { file: 'b' } }]),
    ).toEqual({ files: 2, errors: 2, warnings: 1, infos: 1 });
  });
});
