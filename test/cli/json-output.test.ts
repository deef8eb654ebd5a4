/**
 * Every command that prints data takes `-f json`, and what it prints validates against its schema
 * under schemas/ (schemas/cli-output.schema.json `$defs`, validation-report.schema.json) with
 * ajv. Real output: the built CLI against the embedded emulator in a fresh working directory.
 * Needs `npm run build` first.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, type CliResult } from '../helpers/cli.js';

type FormatsPlugin = (ajv: Ajv2020) => Ajv2020;
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? addFormatsModule) as unknown as FormatsPlugin;

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
for (const file of ['cli-output.schema.json', 'validation-report.schema.json']) ajv.addSchema(JSON.parse(readFileSync(join(repoRoot, 'schemas', file), 'utf8')) as object);
const CLI_OUTPUT = 'https://journeyctl.dev/schemas/cli-output.schema.json';

/** Parse stdout as JSON and validate it against the schema `ref`. */
function expectValid(result: CliResult, ref: string, codes: number[] = [0]): unknown {
  expect(codes, `exit ${result.code}: ${result.stderr}`).toContain(result.code);
  const value = JSON.parse(result.stdout) as unknown;
  const validate = ajv.getSchema(ref.startsWith('#') ? `${CLI_OUTPUT}${ref}` : ref);
  if (!validate) throw new Error(`no schema ${ref}`);
  const ok = validate(value);
  expect(ok ? [] : validate.errors, `${ref}: ${result.stdout.slice(0, 500)}`).toEqual([]);
  return value;
}

const sample = (...parts: string[]) => join(repoRoot, 'samples', ...parts);

describe('--format json outputs match their schemas', () => {
  let cwd: string;
  const run = (args: string[]) => runCli(args, { cwd, env: { DATAVERSE_URL: '', DATAVERSE_TOKEN: '', JOURNEYCTL_AUTH: '' } });

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'journeyctl-json-'));
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('journeys list, get, validate, export, import, diff, create, delete', async () => {
    const list = expectValid(await run(['journeys', 'list', '-f', 'json']), '#/$defs/journeysList') as { id: string }[];
    expect(list.length).toBeGreaterThan(0);
    const id = list[0]!.id;
    expectValid(await run(['journeys', 'get', id, '--definition', '-f', 'json']), '#/$defs/journeyDetails');
    expectValid(await run(['journeys', 'validate', id, '-f', 'json']), '#/$defs/journeysValidate', [0, 1]);
    const exported = expectValid(await run(['journeys', 'export', id, '--out', 'exported', '-f', 'json']), '#/$defs/journeysExport') as { folder: string }[];
    expectValid(await run(['journeys', 'import', 'exported', '--dry-run', '-f', 'json']), '#/$defs/journeysImport', [0, 1]);
    expectValid(await run(['journeys', 'diff', exported[0]!.folder, id, '-f', 'json']), '#/$defs/journeysDiff', [0, 1]);
    const created = expectValid(await run(['journeys', 'create', sample('definitions', 'all-tile-types.json'), '--name', 'json output test', '-f', 'json']), '#/$defs/journeyRow') as {
      id: string;
    };
    expectValid(await run(['journeys', 'apply', sample('definitions', 'all-tile-types.json'), '--id', created.id, '--dry-run', '-f', 'json']), '#/$defs/journeysApply');
    expectValid(await run(['journeys', 'delete', created.id, '-f', 'json']), '#/$defs/journeysDelete');
    // Go-live of another new draft: the state it reached, or the findings that refused it.
    const live = expectValid(await run(['journeys', 'create', sample('definitions', 'all-tile-types.json'), '--name', 'json output go-live', '-f', 'json']), '#/$defs/journeyRow') as { id: string };
    expectValid(await run(['journeys', 'go-live', live.id, '--no-wait', '--skip-online-validation', '-f', 'json']), '#/$defs/journeysTransition', [0, 1]);
  });

  it('validate, query, definition refs', async () => {
    const file = sample('definitions', 'all-tile-types.json');
    expectValid(await run(['validate', file, '-f', 'json', '--fail-on', 'never']), 'https://journeyctl.dev/schemas/validation-report.schema.json');
    expectValid(await run(['query', '$[*].ActivityTypeId', file, '-f', 'json']), '#/$defs/query');
    expectValid(await run(['definition', 'refs', file, '-f', 'json']), '#/$defs/definitionRefs');
  });

  it('channel lint-tile, customapi lint, customapi apply', async () => {
    expectValid(await run(['channel', 'lint-tile', sample('channels', 'tiles', 'contoso_SmsTileCustomerJourneyDesignerTileConfig.xml'), '-f', 'json', '--fail-on', 'never']), '#/$defs/lintFindings');
    const spec = sample('channels', 'customapi', 'cr65f_OutboundCustomApi.yaml');
    expectValid(await run(['customapi', 'lint', spec, '-f', 'json', '--fail-on', 'never']), '#/$defs/lintFindings');
    expectValid(await run(['customapi', 'apply', spec, '--dry-run', '-f', 'json']), '#/$defs/customApiApply');
  });

  it('channel report and retry --list, emulator seed, audit', async () => {
    expectValid(await run(['channel', 'report', '--provider', 'simulated', '-f', 'json']), '#/$defs/reporterSummary', [0, 1]);
    expectValid(await run(['channel', 'retry', '--list', '-f', 'json']), '#/$defs/channelRetryList');
    expectValid(await run(['emulator', 'seed', '--data', join(cwd, 'other-store'), '-f', 'json']), '#/$defs/emulatorStore');
    expectValid(await run(['audit', '--out', 'audit', '--report', 'json', '-f', 'json']), '#/$defs/auditSummary');
  });
});
