/**
 * argv -> typed options, through the real builders, in-process: every command and subcommand
 * is parsed (its handler is not run) and the options its handler would receive are checked, both
 * their values at run time and, for the builders' inferred types, at compile time.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { COMMANDS, commandName, parseOnly, selectedCommand } from '../../src/cli/main.js';
import type { ArgsOf } from '../../src/cli/command.js';
import type { builder as auditBuilder } from '../../src/cli/commands/audit.js';
import type { builder as queryBuilder } from '../../src/cli/commands/query.js';
import type { builder as validateBuilder } from '../../src/cli/commands/validate.js';

const GUID = '6628bbf7-3b1b-e911-a9b7-000d3a1e6adc';

/** One argv per command and subcommand, with what its handler must receive. */
const CASES: { argv: string[]; expected: Record<string, unknown> }[] = [
  { argv: ['journeys', 'list', '--status', 'Live', '--top', '5', '-f', 'json'], expected: { status: 'Live', top: 5, format: 'json' } },
  { argv: ['journeys', 'get', GUID, '--definition'], expected: { journey: GUID, definition: true, format: 'table' } },
  { argv: ['journeys', 'create', 'welcome.yaml', '--name', 'Welcome'], expected: { file: 'welcome.yaml', name: 'Welcome' } },
  { argv: ['journeys', 'apply', 'a.yaml', 'b.yaml', '--dry-run'], expected: { files: ['a.yaml', 'b.yaml'], 'dry-run': true, 'restart-live': false, timeout: 600 } },
  { argv: ['journeys', 'delete', 'Old'], expected: { journey: 'Old' } },
  { argv: ['journeys', 'go-live', 'Welcome', '--timeout', '60', '--no-wait'], expected: { journey: 'Welcome', timeout: 60, wait: false, 'poll-interval': 2, 'skip-online-validation': false } },
  { argv: ['journeys', 'stop', 'Welcome', '--poll-interval', '0.5'], expected: { journey: 'Welcome', wait: true, 'poll-interval': 0.5 } },
  { argv: ['journeys', 'validate', 'Welcome', '--url', 'https://contoso.crm4.dynamics.com'], expected: { journey: 'Welcome', url: 'https://contoso.crm4.dynamics.com' } },
  { argv: ['journeys', 'export', '--all', '--out', 'journeys/', '--status', 'Live'], expected: { all: true, out: 'journeys/', status: 'Live', journeys: [] } },
  { argv: ['journeys', 'import', 'journeys/', '--dry-run', '--auth', 'none'], expected: { folders: ['journeys/'], 'dry-run': true, auth: 'none' } },
  { argv: ['journeys', 'import', '--client-id', 'a', '--client-id', 'b', 'journeys/'], expected: { folders: ['journeys/'], 'client-id': ['a', 'b'] } },
  { argv: ['journeys', 'diff', 'a.json', 'b.json', '-f', 'yaml'], expected: { a: 'a.json', b: 'b.json', format: 'yaml' } },
  { argv: ['definition', 'fmt', 'journey.json', '--check'], expected: { file: 'journey.json', check: true, write: false, compact: false } },
  { argv: ['definition', 'tree', 'journey.json'], expected: { file: 'journey.json' } },
  { argv: ['definition', 'refs', 'journey.json', '--format', 'json'], expected: { file: 'journey.json', format: 'json' } },
  {
    argv: ['validate', 'a.json', 'dir/', '-f', 'sarif', '-f', 'json', '-o', 'sarif=out.sarif', '--fail-on', 'warning', '--rule', 'definition-size=off'],
    expected: { paths: ['a.json', 'dir/'], format: ['sarif', 'json'], output: ['sarif=out.sarif'], 'fail-on': 'warning', rule: ['definition-size=off'], online: false },
  },
  { argv: ['validate', '--online', '--client-id', 'a', '--client-id', 'b', 'a.json', 'b.json'], expected: { paths: ['a.json', 'b.json'], online: true, 'client-id': ['a', 'b'] } },
  { argv: ['query', '$[*].ActivityTypeId', 'a.json'], expected: { jsonpath: '$[*].ActivityTypeId', paths: ['a.json'], format: 'text' } },
  { argv: ['emulator', 'start', '--port', '0', '--in-memory', '--no-seed'], expected: { port: 0, 'in-memory': true, seed: false, host: '127.0.0.1', profile: 'default' } },
  { argv: ['emulator', 'seed', '--data', 'store'], expected: { data: 'store' } },
  { argv: ['emulator', 'reset', '--seed'], expected: { data: '.journeyctl', seed: true } },
  { argv: ['emulator', 'export', '--out', 'store.json'], expected: { out: 'store.json' } },
  { argv: ['channel', 'lint-tile', 'tile.xml', '--fail-on', 'never'], expected: { files: ['tile.xml'], 'fail-on': 'never', format: 'text' } },
  { argv: ['channel', 'report', '--provider', 'simulated', '--batch-size', '10', '--no-watermark'], expected: { provider: 'simulated', 'batch-size': 10, watermark: false, follow: false, concurrency: 4 } },
  { argv: ['channel', 'retry', '--list', '-f', 'json'], expected: { list: true, format: 'json' } },
  { argv: ['channel', 'receive', '--port', '0'], expected: { port: 0, host: '127.0.0.1' } },
  { argv: ['channel', 'serve', '--port', '0', '--organization-id', GUID], expected: { port: 0, 'organization-id': GUID } },
  { argv: ['customapi', 'lint', 'api.yaml', '--prefix', 'cr65f'], expected: { files: ['api.yaml'], prefix: 'cr65f', format: 'text' } },
  { argv: ['customapi', 'generate', 'outbound-channel', '--prefix', 'cr65f', '--deep-insert'], expected: { kind: 'outbound-channel', prefix: 'cr65f', 'deep-insert': true, format: 'yaml' } },
  { argv: ['customapi', 'apply', 'api.yaml', '--dry-run', '--solution', 'Contoso'], expected: { file: 'api.yaml', 'dry-run': true, solution: 'Contoso' } },
  { argv: ['audit', '--report', 'html,csv', '--page-size', '50', '-f', 'json'], expected: { report: ['html,csv'], 'page-size': 50, format: 'json', out: 'audit', resume: false } },
  { argv: ['realtime', 'new', '--type', 'sms'], expected: { type: 'sms' } },
  { argv: ['realtime', 'lint', 'channel.yaml'], expected: { files: ['channel.yaml'] } },
  { argv: ['realtime', 'apply', 'channel.yaml', '--dry-run'], expected: { file: 'channel.yaml', 'dry-run': true } },
  { argv: ['realtime', 'export', '--id', GUID, '-f', 'json'], expected: { id: GUID, format: 'json' } },
  { argv: ['realtime', 'conformance', 'channel.yaml', '--handler', 'handler.mjs', '--timeout-ms', '5000'], expected: { file: 'channel.yaml', handler: 'handler.mjs', 'timeout-ms': 5000, format: 'text' } },
];

describe('argv through the real builders', () => {
  it.each(CASES)('$argv.0 $argv.1', async ({ argv, expected }) => {
    const parsed = await parseOnly(argv);
    expect(parsed).toMatchObject(expected);
    // The global options reach every handler.
    expect(parsed).toMatchObject({ verbose: false, quiet: false, color: true });
  });

  it('covers every command of the table', () => {
    const covered = new Set(CASES.map((c) => c.argv[0]));
    for (const entry of COMMANDS) {
      const name = commandName(entry);
      if (name === 'completion' || name === 'auth') continue; // tested in their own files
      expect(covered, name).toContain(name);
    }
  });

  it('passes global options and --no-color', async () => {
    expect(await parseOnly(['--verbose', '--no-color', 'query', '$', 'a.json'])).toMatchObject({ verbose: true, color: false, jsonpath: '$' });
  });

  it('rejects what a builder refuses: unknown options, bad choices, missing positionals', async () => {
    await expect(parseOnly(['validate', '--format', 'pdf'])).rejects.toMatchObject({ name: 'InputError' });
    await expect(parseOnly(['journeys', 'list', '--bogus'])).rejects.toMatchObject({ name: 'InputError' });
    await expect(parseOnly(['journeys', 'get'])).rejects.toMatchObject({ name: 'InputError' });
  });

  it('selects the command from argv and from a completion request', () => {
    expect(selectedCommand(['--quiet', 'validate', 'x.json'])?.command).toBe('validate [paths..]');
    expect(selectedCommand(['--get-yargs-completions', 'journeyctl', 'jou'])).toBeUndefined();
    expect(commandName(selectedCommand(['--get-yargs-completions', 'journeyctl', 'journeys', 'l'])!)).toBe('journeys');
  });

  it('infers the handlers’ argument types from the builders', () => {
    type Validate = ArgsOf<typeof validateBuilder>;
    expectTypeOf<Validate['format']>().toEqualTypeOf<('text' | 'json' | 'sarif' | 'junit' | 'github')[]>();
    expectTypeOf<Validate['fail-on']>().toEqualTypeOf<'error' | 'warning' | 'never'>();
    expectTypeOf<Validate['paths']>().toEqualTypeOf<string[]>();
    expectTypeOf<Validate['verbose']>().toEqualTypeOf<boolean>();
    expectTypeOf<Validate['client-id']>().toEqualTypeOf<string[] | undefined>();
    type Query = ArgsOf<typeof queryBuilder>;
    expectTypeOf<Query['format']>().toEqualTypeOf<'json' | 'text'>();
    expectTypeOf<Query['jsonpath']>().toEqualTypeOf<string>();
    type Audit = ArgsOf<typeof auditBuilder>;
    expectTypeOf<Audit['page-size']>().toEqualTypeOf<number>();
    expectTypeOf<Audit['url']>().toEqualTypeOf<string | undefined>();
  });
});
