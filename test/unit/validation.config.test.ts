import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { applyRuleFlags, CONFIG_FILE_NAME, defaultConfig, findConfigFile, loadValidationConfig, parseValidationConfig } from '../../src/validation/index.js';

const work = mkdtempSync(join(tmpdir(), 'journeyctl-config-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function problem(value: unknown): InputError {
  try {
    parseValidationConfig(value, 'cfg.json');
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

const rule = { id: 'no-linkedin', message: 'No LinkedIn', selector: '$[*]', where: { ActivityTypeId: 'LinkedInCampaign' }, assert: 'no-match' };

describe('validation configuration', () => {
  it('reads severities and custom rules into null-prototype maps', () => {
    const config = parseValidationConfig({ rules: { 'unknown-tile-type': 'off', 'no-linkedin': 'warning' }, customRules: [rule], emulator: { port: 1 } }, 'cfg.json');
    expect(config.rules['unknown-tile-type']).toBe('off');
    expect(config.rules['no-linkedin']).toBe('warning');
    expect(Object.getPrototypeOf(config.rules)).toBeNull();
    expect(config.customRules).toEqual([{ ...rule, severity: undefined, forEach: undefined }]);
  });

  it('says what is wrong and where', () => {
    const cases: [unknown, string, string][] = [
      [[], '', 'must be a JSON object'],
      [{ rules: { 'no-such-rule': 'off' } }, '/rules/no-such-rule', 'unknown rule'],
      [{ rules: { 'unknown-tile-type': 'loud' } }, '/rules/unknown-tile-type', 'off, info, warning or error'],
      [{ customRules: {} }, '/customRules', 'must be an array'],
      [{ customRules: [{ ...rule, id: 'Not Kebab' }] }, '/customRules/0/id', 'kebab-case'],
      [{ customRules: [{ ...rule, id: 'no-cycles' }] }, '/customRules/0/id', 'built-in'],
      [{ customRules: [rule, rule] }, '/customRules/1/id', 'used twice'],
      [{ customRules: [{ ...rule, selector: '$[?(@.ActivityTypeId)]' }] }, '/customRules/0/selector', 'filter expressions are disabled'],
      [{ customRules: [{ ...rule, selector: 'ActivityTypeId' }] }, '/customRules/0/selector', 'starting with "$"'],
      [{ customRules: [{ ...rule, assert: 'maybe' }] }, '/customRules/0/assert', '"match", "no-match"'],
      [{ customRules: [{ ...rule, assert: { min: -1 } }] }, '/customRules/0/assert/min', 'non-negative integer'],
      [{ customRules: [{ ...rule, where: { a: {} } }] }, '/customRules/0/where', 'string, number, boolean or null'],
      [{ customRules: [{ ...rule, message: '' }] }, '/customRules/0/message', 'needs a "message"'],
      [{ customRules: [{ ...rule, forEach: { selector: '$..[(@.length-1)]' } }] }, '/customRules/0/forEach/selector', 'disabled'],
    ];
    for (const [value, pointer, text] of cases) {
      const error = problem(value);
      expect(error.location, JSON.stringify(value)).toEqual({ file: 'cfg.json', pointer });
      expect(error.message).toContain(text);
    }
  });

  it('keeps __proto__ keys from configuration inert', () => {
    const config = parseValidationConfig(JSON.parse('{"customRules":[{"id":"p","message":"m","selector":"$[*]","where":{"__proto__":"x"},"assert":"no-match"}]}'));
    expect(Object.keys(config.customRules[0]!.where!)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(problem(JSON.parse('{"rules":{"__proto__":"off"}}')).message).toContain('unknown rule "__proto__"');
  });

  it('applies --rule flags over the file', () => {
    const config = applyRuleFlags(parseValidationConfig({ rules: { 'no-cycles': 'warning' } }), ['no-cycles=error', ' single-root = off ']);
    expect({ ...config.rules }).toEqual({ 'no-cycles': 'error', 'single-root': 'off' });
    expect(() => applyRuleFlags(defaultConfig(), ['no-cycles'])).toThrow(/expected id=off\|info\|warning\|error/);
  });

  it('accepts the example configurations in samples/config', () => {
    const strict = loadValidationConfig('samples/config/strict.journeyctl.json');
    expect(strict.customRules.map((custom) => custom.id)).toEqual(['no-linkedin-tiles', 'email-has-landing-page', 'at-most-50-tiles']);
    expect(strict.rules['unknown-tile-type']).toBe('error');
    expect(loadValidationConfig('samples/config/lenient.journeyctl.json').rules['unknown-tile-type']).toBe('off');
  });

  it('finds the nearest .journeyctl.json upward, and reports unreadable or broken files', () => {
    mkdirSync(join(work, 'a', 'b', 'c'), { recursive: true });
    writeFileSync(join(work, 'a', CONFIG_FILE_NAME), '{"rules":{"no-cycles":"warning"}}');
    expect(findConfigFile(join(work, 'a', 'b', 'c'))).toBe(join(work, 'a', CONFIG_FILE_NAME));
    expect(loadValidationConfig(join(work, 'a', CONFIG_FILE_NAME)).rules['no-cycles']).toBe('warning');
    writeFileSync(join(work, 'bad.json'), '{"rules":');
    expect(() => loadValidationConfig(join(work, 'bad.json'))).toThrow(/not valid JSON/);
    expect(() => loadValidationConfig(join(work, 'none.json'))).toThrow(/file not found/);
  });
});
