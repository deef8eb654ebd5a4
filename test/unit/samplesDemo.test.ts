/** The demo (`npm start`) builds every sample journey, validates it and prints a summary. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/main.js';
import { DEMO_STEPS } from '../../src/demo/steps.js';
import { repoRoot } from '../helpers/cli.js';

describe('demo', () => {
  it('runs its named steps and summarizes every sample spec plus the builder journey', async () => {
    const lines: string[] = [];
    const ok = await runDemo((text) => lines.push(...text.split('\n')));
    expect(ok).toBe(true);
    const output = lines.join('\n');
    DEMO_STEPS.forEach((step, i) => expect(output).toContain(`${i + 1}. ${step.name}`));
    const specs = readdirSync(join(repoRoot, 'samples', 'specs'));
    expect(lines.filter((l) => l.trim().startsWith('valid '))).toHaveLength(specs.length + 1);
    expect(output).toContain('Welcome (builder)  (builder, contact)');
    expect(output).toContain('Account-based briefing  (samples/specs/account-based.yaml, account)');
    expect(output).toMatch(/to resolve by name \(8\): contentSettings "Default content settings"/);
    expect(output).toMatch(/designer state: NextActivityID \d+, NextActivityItemID \d+/);
    expect(output.trimEnd().endsWith('Done.')).toBe(true);
  });
});
