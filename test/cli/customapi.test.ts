/** `journeyctl customapi lint|generate`, spawned from the built CLI (run `npm run build` first). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../helpers/cli.js';

const SPECS = 'samples/channels/customapi';

interface JsonFinding {
  ruleId: string;
  severity: string;
  location: { file: string; pointer: string };
  line?: number;
}

describe('journeyctl customapi lint', () => {
  it('exits 0 for shipping-ready specs in YAML and JSON', async () => {
    const result = await runCli(['customapi', 'lint', `${SPECS}/contoso_EscalateCase.yaml`, `${SPECS}/contoso_CountOpenOrders.json`, '--prefix', 'contoso']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('0 errors, 0 warnings in 2 files');
  });

  it('exits 1 with findings, lines and pointers', async () => {
    const file = `${SPECS}/broken/contoso_WorkflowMisuse.yaml`;
    const result = await runCli(['customapi', 'lint', file]);
    expect(result.code).toBe(1);
    expect(result.stdout.trim().split('\n')).toEqual([
      `${file}:6: error custom-api-workflow-function a custom API enabled for workflow cannot be a function (set isFunction: false) (at /isFunction)`,
      `${file}:12: error custom-api-workflow-type Tags has type StringArray, which a custom API enabled for workflow cannot use (at /requestParameters/0/type)`,
      `${file}:15: error custom-api-workflow-entity-reference Contact is an EntityReference, which a custom API enabled for workflow may only use when bound to an entity (bindingType: Entity) (at /requestParameters/1/type)`,
    ]);
  });

  it('checks the publisher prefix with --prefix', async () => {
    const result = await runCli(['customapi', 'lint', `${SPECS}/contoso_EscalateCase.yaml`, '--prefix', 'fabrikam', '-f', 'json']);
    expect(result.code).toBe(1);
    const findings = JSON.parse(result.stdout) as JsonFinding[];
    expect(findings.map((f) => [f.ruleId, f.location.pointer, f.line])).toEqual([['custom-api-unique-name', '/uniqueName', 2]]);
  });

  it('exits 0 with only warnings unless --fail-on warning', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'journeyctl-customapi-'));
    try {
      const file = join(scratch, 'public.yaml');
      writeFileSync(file, 'uniqueName: contoso_Public\nisCustomizable: false\n');
      const lenient = await runCli(['customapi', 'lint', file]);
      expect(lenient.code).toBe(0);
      expect(lenient.stdout).toContain('warning custom-api-ship-private');
      expect((await runCli(['customapi', 'lint', file, '--fail-on', 'warning'])).code).toBe(1);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('exits 2 for a spec that breaks the schema, naming the pointer', async () => {
    const file = `${SPECS}/broken/schema-invalid.yaml`;
    const result = await runCli(['customapi', 'lint', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`(${file} at /requestParameters/0/type)`);
    expect(result.stderr).toContain('hint: see the schema https://journeyctl.dev/schemas/custom-api-spec.schema.json');
  });

  it('exits 2 for YAML syntax errors and missing files, and lints the rest', async () => {
    const result = await runCli(['customapi', 'lint', `${SPECS}/broken/not-yaml.yaml`, 'missing.yaml', `${SPECS}/broken/contoso_FunctionWithoutResponse.yaml`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/error: not valid YAML: .* \(.*not-yaml\.yaml:4:\d+ at \/\)/);
    expect(result.stderr).toContain('error: file not found (missing.yaml)');
    expect(result.stdout).toContain('custom-api-function-response');
  });
});

describe('journeyctl customapi generate', () => {
  it('prints the outbound channel API spec as YAML that lints without errors', async () => {
    const result = await runCli(['customapi', 'generate', 'outbound-channel', '--prefix', 'cr65f']);
    expect(result.code).toBe(0);
    const spec = parse(result.stdout) as Record<string, unknown>;
    expect(spec).toMatchObject({
      uniqueName: 'cr65f_OutboundCustomApi',
      bindingType: 'Global',
      isFunction: false,
      requestParameters: [{ uniqueName: 'payload', type: 'String', isOptional: false }],
      responseProperties: [{ uniqueName: 'response', type: 'String' }],
    });
    const scratch = mkdtempSync(join(tmpdir(), 'journeyctl-generate-'));
    try {
      const file = join(scratch, 'outbound.yaml');
      writeFileSync(file, result.stdout);
      const lint = await runCli(['customapi', 'lint', file, '--prefix', 'cr65f', '-f', 'json']);
      expect(lint.code).toBe(0);
      expect((JSON.parse(lint.stdout) as JsonFinding[]).map((f) => f.ruleId)).toEqual(['custom-api-ship-private']);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('takes --name and prints JSON or the deep-insert body', async () => {
    const json = await runCli(['customapi', 'generate', 'inbound', '--prefix', 'cr65f', '--name', 'SmsInbound', '--format', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ uniqueName: 'cr65f_SmsInbound', isPrivate: true });
    const body = await runCli(['customapi', 'generate', 'delivery-report', '--prefix', 'cr65f', '--deep-insert', '--format', 'json']);
    expect(body.code).toBe(0);
    expect(JSON.parse(body.stdout)).toMatchObject({
      uniquename: 'cr65f_DeliveryReportCustomApi',
      bindingtype: 0,
      iscustomizable: { Value: false },
      CustomAPIRequestParameters: [{ uniquename: 'payload', type: 10, isoptional: false }],
      CustomAPIResponseProperties: [{ uniquename: 'response', type: 10 }],
    });
  });

  it('exits 2 for a bad prefix, an unknown kind or a missing --prefix', async () => {
    const bad = await runCli(['customapi', 'generate', 'inbound', '--prefix', 'c-1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error: "c-1" is not a publisher prefix');
    expect((await runCli(['customapi', 'generate', 'sms', '--prefix', 'cr65f'])).code).toBe(2);
    expect((await runCli(['customapi', 'generate', 'inbound'])).code).toBe(2);
  });
});
