/**
 * The rules the channel linters check (custom API, real-time channel, tile XML) are each stated by
 * a documentation page; this is the shape every one of them has.
 */
import type { Severity } from '../validation/finding.js';

/** A documented rule: id, default severity, what it checks and the page it comes from. */
export interface DocumentedRule {
  readonly id: string;
  readonly severity: Severity;
  readonly summary: string;
  readonly source: string;
}

/** A frozen {@link DocumentedRule}. */
export function documentedRule(id: string, severity: Severity, summary: string, source: string): DocumentedRule {
  return Object.freeze({ id, severity, summary, source });
}
