/**
 * A request body nested 5,000 levels deep gets 400 with a Dataverse error body, never 500, on
 * entity writes and on actions alike.
 */
import { describe, expect, it } from 'vitest';
import { withEmulator } from '../helpers/emulator.js';

const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

describe('deeply nested request bodies', () => {
  it('answer 400 with a Dataverse error body', async () => {
    await withEmulator({}, async (emulator) => {
      for (const [path, body] of [
        ['contacts', `{"firstname":${deep(5000)}}`],
        ['msdyncrm_CustomerJourneyValidate', `{"FieldValueName":${deep(5000)}}`],
        ['contacts', `{"firstname":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`],
      ] as const) {
        const response = await fetch(`${emulator.serviceRoot}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        expect(response.status).toBe(400);
        const json = (await response.json()) as { error: { code: string; message: string } };
        expect(json.error.message).toMatch(/nested more than \d+ levels/);
        expect(typeof json.error.code).toBe('string');
      }
      // Brackets inside strings are not nesting.
      const ok = await fetch(`${emulator.serviceRoot}contacts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ firstname: '['.repeat(40), lastname: '{'.repeat(40), emailaddress1: '['.repeat(40) + '{'.repeat(40) }) });
      expect(ok.status).toBe(204);
    });
  });
});
