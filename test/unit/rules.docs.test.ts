import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RULES, renderRulesMarkdown } from '../../src/validation/index.js';

const RULES_DOC = fileURLToPath(new URL('../../docs/rules.md', import.meta.url));

describe('docs/rules.md', () => {
  it('is the catalogue rendered (JOURNEYCTL_UPDATE_DOCS=1 rewrites it)', () => {
    const expected = renderRulesMarkdown();
    if (process.env.JOURNEYCTL_UPDATE_DOCS === '1') writeFileSync(RULES_DOC, expected);
    expect(existsSync(RULES_DOC), 'docs/rules.md is missing; run this test with JOURNEYCTL_UPDATE_DOCS=1').toBe(true);
    expect(readFileSync(RULES_DOC, 'utf8'), 'docs/rules.md is stale; run this test with JOURNEYCTL_UPDATE_DOCS=1').toBe(expected);
  });

  it('documents every rule with its severity and sources', () => {
    const doc = renderRulesMarkdown();
    for (const rule of RULES) {
      expect(doc).toContain(`### \`${rule.id}\``);
      expect(doc).toContain(`| [\`${rule.id}\`](#${rule.id.toLowerCase()}) | ${rule.defaultSeverity} |`);
      for (const source of rule.sources) expect(doc).toContain(source);
    }
  });

  it('fails the staleness check when a rule changes', () => {
    const changed = RULES.map((rule, index) => (index === 0 ? { ...rule, summary: `${rule.summary} (changed)` } : rule));
    expect(renderRulesMarkdown(changed)).not.toBe(renderRulesMarkdown());
  });
});
