import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CUSTOM_API_RULES,
  generateChannelApi,
  lintCustomApi,
  normalizeCustomApiSpec,
  parseCustomApiSpec,
  readCustomApiSpec,
  toDeepInsertBody,
  validateCustomApiSpec,
  type CustomApiSpec,
} from '../../src/channels/index.js';
import { isInputError } from '../../src/errors.js';
import type { Finding } from '../../src/validation/finding.js';
import { inputErrorOf } from '../helpers/errors.js';

const SPECS = resolve(import.meta.dirname, '../../samples/channels/customapi');
const read = (name: string): string => readFileSync(resolve(SPECS, name), 'utf8');


/** A shipping-ready global action; each test breaks one thing. */
function readyAction(overrides: Partial<CustomApiSpec> = {}): CustomApiSpec {
  return {
    uniqueName: 'contoso_DoThing',
    displayName: 'Do thing',
    description: 'Does the thing.',
    isPrivate: true,
    isCustomizable: false,
    requestParameters: [{ uniqueName: 'Input', type: 'String', isCustomizable: false }],
    responseProperties: [{ uniqueName: 'Output', type: 'String', isCustomizable: false }],
    ...overrides,
  };
}

const ids = (findings: readonly Finding[]): string[] => findings.map((f) => f.ruleId);
const at = (findings: readonly Finding[]): [string, string | undefined][] => findings.map((f) => [f.ruleId, f.location.pointer]);

describe('parseCustomApiSpec', () => {
  it('reads YAML and JSON specs', () => {
    expect(parseCustomApiSpec(read('contoso_EscalateCase.yaml')).uniqueName).toBe('contoso_EscalateCase');
    expect(parseCustomApiSpec(read('contoso_CountOpenOrders.json')).requestParameters?.[0]?.type).toBe(12);
  });

  it('points at the offending property of a spec that breaks the schema', () => {
    const error = inputErrorOf(() => parseCustomApiSpec(read('broken/schema-invalid.yaml'), { file: 'schema-invalid.yaml' }));
    expect(error.location).toEqual({ file: 'schema-invalid.yaml', pointer: '/requestParameters/0/type' });
    expect(error.message).toMatch(/^not a valid custom API spec: matches none of the allowed forms: a customapifieldtype label or value: Boolean 0, /);
    expect(error.message).toContain('/colour: unknown property "colour"');
    expect(error.message).toContain('/bindingType: must be one of "Global", "Entity", "EntityCollection"');
  });

  it('reports YAML syntax errors with line and column', () => {
    const error = inputErrorOf(() => parseCustomApiSpec(read('broken/not-yaml.yaml'), { file: 'not-yaml.yaml' }));
    expect(error).toMatchObject({ name: 'DocumentError', reason: 'syntax', message: expect.stringMatching(/^not valid YAML/), location: { line: 4 } });
    expect(error.location.file).toBe('not-yaml.yaml');
  });

  it('refuses duplicate keys instead of keeping the last one', () => {
    expect(inputErrorOf(() => parseCustomApiSpec('uniqueName: a_b\nuniqueName: c_d\n')).message).toMatch(/not valid YAML/);
  });

  it('refuses a __proto__ key as unknown, without polluting anything', () => {
    const error = inputErrorOf(() => parseCustomApiSpec('uniqueName: a_b\n__proto__:\n  polluted: true\n'));
    expect(error.location.pointer).toBe('/__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a YAML alias bomb', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]', 'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]'].join('\n');
    expect(isInputError(inputErrorOf(() => parseCustomApiSpec(bomb)))).toBe(true);
  });

  it('maps JSON pointers back to source lines, falling back to the nearest existing ancestor', () => {
    const { lineOf } = readCustomApiSpec(read('broken/contoso_WorkflowMisuse.yaml'));
    expect(lineOf('/isFunction')).toBe(6);
    expect(lineOf('/requestParameters/1/type')).toBe(15);
    expect(lineOf('/requestParameters/1/nothing')).toBe(14);
    expect(lineOf('')).toBe(2);
  });

  it('refuses a document that is not a mapping', () => {
    expect(inputErrorOf(() => validateCustomApiSpec(['x'])).message).toMatch(/must be an object/);
  });
});

describe('normalizeCustomApiSpec', () => {
  it('applies the tables\' defaults and resolves type values to labels', () => {
    const api = normalizeCustomApiSpec({ uniqueName: 'contoso_X', requestParameters: [{ uniqueName: 'A', type: 10 }] });
    expect(api).toEqual({
      uniqueName: 'contoso_X',
      name: 'contoso_X',
      displayName: 'contoso_X',
      description: 'contoso_X',
      bindingType: 'Global',
      isFunction: false,
      isPrivate: false,
      allowedCustomProcessingStepType: 'None',
      workflowSdkStepEnabled: false,
      isCustomizable: true,
      requestParameters: [{ uniqueName: 'A', name: 'contoso_X.A', displayName: 'A', description: 'A', type: 'String', isOptional: false, isCustomizable: true }],
      responseProperties: [],
    });
  });

  it('falls back to the parameter name when <api>.<param> would exceed 100 characters', () => {
    const long = `contoso_${'L'.repeat(95)}`;
    expect(normalizeCustomApiSpec({ uniqueName: long, responseProperties: [{ uniqueName: 'Out', type: 'Integer' }] }).responseProperties[0]!.name).toBe('Out');
  });
});

describe('lintCustomApi', () => {
  it('finds nothing in the shipping-ready samples', () => {
    expect(lintCustomApi(parseCustomApiSpec(read('contoso_EscalateCase.yaml')))).toEqual([]);
    expect(lintCustomApi(parseCustomApiSpec(read('contoso_CountOpenOrders.json')))).toEqual([]);
    expect(lintCustomApi(readyAction())).toEqual([]);
  });

  it('reports findings of the shared Finding type with file and JSON pointer', () => {
    const findings = lintCustomApi(readyAction({ isFunction: true, responseProperties: [] }), { file: 'api.yaml' });
    expect(findings).toEqual([
      {
        ruleId: 'custom-api-function-response',
        severity: 'error',
        activityId: '',
        message: 'a function needs at least one response property',
        arguments: [],
        location: { file: 'api.yaml', pointer: '/responseProperties' },
      },
    ]);
  });

  describe('uniqueName', () => {
    it.each(['Send-Sms', 'SendSms', '_x', 'contoso_', '1abc_x', 'contoso_Send Sms'])('%s is refused', (uniqueName) => {
      expect(ids(lintCustomApi(readyAction({ uniqueName })))).toEqual([CUSTOM_API_RULES.uniqueName.id]);
    });
    it('must start with the given publisher prefix', () => {
      expect(lintCustomApi(readyAction(), { prefix: 'contoso' })).toEqual([]);
      const findings = lintCustomApi(readyAction(), { prefix: 'fabrikam' });
      expect(findings.map((f) => [f.ruleId, f.message])).toEqual([
        [CUSTOM_API_RULES.uniqueName.id, 'uniqueName "contoso_DoThing" must start with the publisher prefix "fabrikam_"'],
      ]);
    });
  });

  describe('functions', () => {
    it('need a response property', () => {
      expect(ids(lintCustomApi(parseCustomApiSpec(read('broken/contoso_FunctionWithoutResponse.yaml'))))).toEqual([CUSTOM_API_RULES.functionResponse.id]);
      expect(lintCustomApi(readyAction({ isFunction: true }))).toEqual([]);
    });
  });

  describe('workflow-enabled APIs', () => {
    it('are not functions', () => {
      expect(at(lintCustomApi(readyAction({ workflowSdkStepEnabled: true, isFunction: true })))).toEqual([[CUSTOM_API_RULES.workflowFunction.id, '/isFunction']]);
    });
    it.each(['Entity', 'EntityCollection', 'StringArray'] as const)('cannot use %s', (type) => {
      const property = type === 'Entity' ? { uniqueName: 'Out', type, logicalEntityName: 'account', isCustomizable: false } : { uniqueName: 'Out', type, isCustomizable: false };
      const spec = readyAction({ workflowSdkStepEnabled: true, responseProperties: [property] });
      expect(at(lintCustomApi(spec))).toEqual([[CUSTOM_API_RULES.workflowType.id, '/responseProperties/0/type']]);
      // the same types are fine when the API is not enabled for workflow
      expect(lintCustomApi({ ...spec, workflowSdkStepEnabled: false })).toEqual([]);
    });
    it('use EntityReference only when bound to an entity', () => {
      const parameter = { uniqueName: 'Contact', type: 'EntityReference' as const, logicalEntityName: 'contact', isCustomizable: false };
      const unbound = readyAction({ workflowSdkStepEnabled: true, requestParameters: [parameter] });
      const collection = readyAction({ workflowSdkStepEnabled: true, bindingType: 'EntityCollection', boundEntityLogicalName: 'contact', requestParameters: [parameter] });
      for (const spec of [unbound, collection]) {
        expect(at(lintCustomApi(spec))).toEqual([[CUSTOM_API_RULES.workflowEntityReference.id, '/requestParameters/0/type']]);
      }
      const bound = readyAction({ workflowSdkStepEnabled: true, bindingType: 'Entity', boundEntityLogicalName: 'account', requestParameters: [parameter] });
      expect(lintCustomApi(bound)).toEqual([]);
    });
    it('an unbound API that is not workflow-enabled may use EntityReference (like CreateInteraction)', () => {
      const spec = readyAction({ requestParameters: [{ uniqueName: 'Contact', type: 'EntityReference', logicalEntityName: 'contact', isCustomizable: false }] });
      expect(lintCustomApi(spec)).toEqual([]);
    });
    it('the workflow sample breaks all three rules', () => {
      expect(ids(lintCustomApi(parseCustomApiSpec(read('broken/contoso_WorkflowMisuse.yaml'))))).toEqual([
        CUSTOM_API_RULES.workflowFunction.id,
        CUSTOM_API_RULES.workflowType.id,
        CUSTOM_API_RULES.workflowEntityReference.id,
      ]);
    });
  });

  describe('binding', () => {
    it('Entity and EntityCollection bindings need boundEntityLogicalName', () => {
      for (const bindingType of ['Entity', 'EntityCollection'] as const) {
        expect(at(lintCustomApi(readyAction({ bindingType })))).toEqual([[CUSTOM_API_RULES.boundEntity.id, '/boundEntityLogicalName']]);
        expect(lintCustomApi(readyAction({ bindingType, boundEntityLogicalName: 'account' }))).toEqual([]);
      }
    });
    it('the implicit Target of an Entity binding must not be declared', () => {
      const target = { uniqueName: 'Target', type: 'EntityReference' as const, logicalEntityName: 'account', isCustomizable: false };
      const entity = readyAction({ bindingType: 'Entity', boundEntityLogicalName: 'account', requestParameters: [target] });
      expect(at(lintCustomApi(entity))).toEqual([[CUSTOM_API_RULES.implicitTarget.id, '/requestParameters/0/uniqueName']]);
      // EntityCollection binding adds no parameter, so a Target of its own is allowed
      expect(lintCustomApi({ ...entity, bindingType: 'EntityCollection' })).toEqual([]);
    });
  });

  describe('members', () => {
    it('logicalEntityName only on Entity and EntityReference, and expected there', () => {
      const unexpected = readyAction({ requestParameters: [{ uniqueName: 'Input', type: 'String', logicalEntityName: 'account', isCustomizable: false }] });
      expect(at(lintCustomApi(unexpected))).toEqual([[CUSTOM_API_RULES.logicalEntityNameUnexpected.id, '/requestParameters/0/logicalEntityName']]);
      const missing = readyAction({ responseProperties: [{ uniqueName: 'Record', type: 'Entity', isCustomizable: false }] });
      expect(lintCustomApi(missing).map((f) => [f.ruleId, f.severity])).toEqual([[CUSTOM_API_RULES.logicalEntityNameMissing.id, 'warning']]);
    });
    it('unique names are unique per list (a request parameter and a response property may share one)', () => {
      const duplicate = readyAction({ requestParameters: [{ uniqueName: 'A', type: 'String', isCustomizable: false }, { uniqueName: 'A', type: 'Integer', isOptional: true, isCustomizable: false }] });
      expect(at(lintCustomApi(duplicate))).toEqual([[CUSTOM_API_RULES.duplicateName.id, '/requestParameters/1/uniqueName']]);
      const shared = readyAction({ responseProperties: [{ uniqueName: 'Input', type: 'String', isCustomizable: false }] });
      expect(lintCustomApi(shared)).toEqual([]);
    });
  });

  describe('shipping', () => {
    it('warns when public or customizable, for the API and each member', () => {
      const findings = lintCustomApi({ uniqueName: 'contoso_Open', requestParameters: [{ uniqueName: 'A', type: 'String' }], responseProperties: [{ uniqueName: 'B', type: 'String' }] });
      expect(findings.map((f) => [f.ruleId, f.severity, f.location.pointer])).toEqual([
        [CUSTOM_API_RULES.shipPrivate.id, 'warning', '/isPrivate'],
        [CUSTOM_API_RULES.shipNotCustomizable.id, 'warning', '/isCustomizable'],
        [CUSTOM_API_RULES.shipNotCustomizable.id, 'warning', '/requestParameters/0/isCustomizable'],
        [CUSTOM_API_RULES.shipNotCustomizable.id, 'warning', '/responseProperties/0/isCustomizable'],
      ]);
    });
  });

  it('finds every planted problem in the bound sample', () => {
    expect(ids(lintCustomApi(parseCustomApiSpec(read('broken/contoso_BoundWithTarget.yaml'))))).toEqual([
      CUSTOM_API_RULES.boundEntity.id,
      CUSTOM_API_RULES.implicitTarget.id,
      CUSTOM_API_RULES.logicalEntityNameUnexpected.id,
      CUSTOM_API_RULES.duplicateName.id,
      CUSTOM_API_RULES.logicalEntityNameMissing.id,
      CUSTOM_API_RULES.shipPrivate.id,
      ...Array<string>(5).fill(CUSTOM_API_RULES.shipNotCustomizable.id),
    ]);
  });

  it('every rule has a kebab-case id and a documentation source', () => {
    for (const rule of Object.values(CUSTOM_API_RULES)) {
      expect(rule.id).toMatch(/^custom-api(-[a-z0-9]+)+$/);
      expect(rule.source).toMatch(/^https:\/\/learn\.microsoft\.com\/power-apps\/developer\/data-platform\//);
    }
  });
});

describe('toDeepInsertBody', () => {
  it('writes the customapi columns, picklist numbers, managed properties and both collections', () => {
    const body = toDeepInsertBody(parseCustomApiSpec(read('contoso_EscalateCase.yaml')));
    expect(body).toEqual({
      uniquename: 'contoso_EscalateCase',
      name: 'contoso_EscalateCase',
      displayname: 'Escalate case',
      description: 'Raises the priority of a case and assigns it to the escalation queue.',
      bindingtype: 1,
      boundentitylogicalname: 'incident',
      isfunction: false,
      isprivate: true,
      allowedcustomprocessingsteptype: 2,
      workflowsdkstepenabled: true,
      iscustomizable: { Value: false },
      CustomAPIRequestParameters: [
        { uniquename: 'Priority', name: 'contoso_EscalateCase.Priority', displayname: 'Priority', description: 'The new priority of the case.', type: 9, isoptional: false, iscustomizable: { Value: false } },
        { uniquename: 'Queue', name: 'contoso_EscalateCase.Queue', displayname: 'Queue', description: 'The queue to route the case to.', type: 5, logicalentityname: 'queue', isoptional: true, iscustomizable: { Value: false } },
      ],
      CustomAPIResponseProperties: [
        { uniquename: 'AssignedTo', name: 'contoso_EscalateCase.AssignedTo', displayname: 'Assigned to', description: 'The user the case is assigned to now.', type: 5, logicalentityname: 'systemuser', iscustomizable: { Value: false } },
      ],
    });
  });

  it('binds the plug-in type, keeps the privilege and carries client-generated ids when asked', () => {
    const plugin = '11111111-2222-4333-8444-555555555555';
    const spec = readyAction({ pluginTypeId: plugin, executePrivilegeName: 'prvReadAccount' });
    const body = toDeepInsertBody(spec, { assignId: (row) => `${row.table}:${row.uniqueName}` });
    expect(body['PluginTypeId@odata.bind']).toBe(`plugintypes(${plugin})`);
    expect(body.executeprivilegename).toBe('prvReadAccount');
    expect(body.customapiid).toBe('customapi:contoso_DoThing');
    expect(body.CustomAPIRequestParameters[0]!.customapirequestparameterid).toBe('customapirequestparameter:Input');
    expect(body.CustomAPIResponseProperties[0]!.customapiresponsepropertyid).toBe('customapiresponseproperty:Output');
    expect(body.CustomAPIResponseProperties[0]).not.toHaveProperty('isoptional');
    expect(toDeepInsertBody(spec)).not.toHaveProperty('customapiid');
  });

  it('gives the same body for a spec and its normalized definition', () => {
    const spec = parseCustomApiSpec(read('contoso_CountOpenOrders.json'));
    expect(toDeepInsertBody(normalizeCustomApiSpec(spec))).toEqual(toDeepInsertBody(spec));
    expect(toDeepInsertBody(spec).CustomAPIRequestParameters[0]!.type).toBe(12);
  });
});

describe('generateChannelApi', () => {
  it('outbound-channel: a global action with payload String in and response String out', () => {
    const spec = generateChannelApi('outbound-channel', { prefix: 'cr65f' });
    const api = normalizeCustomApiSpec(spec);
    expect(api).toMatchObject({ uniqueName: 'cr65f_OutboundCustomApi', bindingType: 'Global', isFunction: false, workflowSdkStepEnabled: false });
    expect(api.requestParameters.map((p) => [p.uniqueName, p.type, p.isOptional])).toEqual([['payload', 'String', false]]);
    expect(api.responseProperties.map((p) => [p.uniqueName, p.type])).toEqual([['response', 'String']]);
    // public on purpose (the platform calls it): the only finding is the shipping warning
    expect(lintCustomApi(spec, { prefix: 'cr65f' }).map((f) => [f.ruleId, f.severity])).toEqual([[CUSTOM_API_RULES.shipPrivate.id, 'warning']]);
  });

  it.each(['delivery-report', 'inbound'] as const)('%s: a private global action that lints clean', (kind) => {
    const spec = generateChannelApi(kind, { prefix: 'cr65f', name: 'Sms_' + kind.replace('-', '') });
    expect(spec.uniqueName).toBe(`cr65f_Sms_${kind.replace('-', '')}`);
    expect(spec.isPrivate).toBe(true);
    expect(lintCustomApi(spec, { prefix: 'cr65f' })).toEqual([]);
  });

  it.each([
    ['outbound-channel', 'cr65f_OutboundCustomApi.yaml'],
    ['delivery-report', 'cr65f_DeliveryReportCustomApi.yaml'],
    ['inbound', 'cr65f_InboundCustomApi.yaml'],
  ] as const)('the sample %s spec is what the generator prints', (kind, file) => {
    expect(parseCustomApiSpec(read(file))).toEqual(generateChannelApi(kind, { prefix: 'cr65f' }));
  });

  it('refuses a bad prefix or name', () => {
    expect(inputErrorOf(() => generateChannelApi('inbound', { prefix: 'cr-65' })).message).toBe('"cr-65" is not a publisher prefix');
    expect(inputErrorOf(() => generateChannelApi('inbound', { prefix: 'cr65f', name: 'a b' })).message).toMatch(/not a custom API name/);
  });
});
