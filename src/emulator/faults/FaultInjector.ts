/**
 * Decides, request by request, which fault (if any) to inject. Pure decision logic: the emulator's
 * fault plugin carries the decision out (delay, answer, drop).
 */
import { faultDefaults, type FaultRule } from './FaultRule.js';
import { seededRandom, type Random } from '../../util/seededRandom.js';

/** What to do with one request. */
export type FaultAction =
  /** Only delay, then handle the request normally. */
  | { kind: 'delay' }
  /** Answer with a Dataverse-shaped error instead of handling the request. */
  | { kind: 'respond'; status: number; code: string; message: string; retryAfterSeconds?: number }
  /** Destroy the connection, before handling the request or after it was handled. */
  | { kind: 'drop'; when: 'before' | 'after' };

/** A fault chosen for a request. */
export interface FaultDecision {
  /** Index of the rule in the rule list. */
  ruleIndex: number;
  /** Milliseconds to wait first (0 = none). */
  latencyMs: number;
  action: FaultAction;
  /** Short label for the request log, e.g. `rule 0: 503` or `rule 2: drop after`. */
  label: string;
}

interface CompiledRule {
  rule: FaultRule;
  method?: string;
  path?: RegExp;
}

/** Holds the rules and the seeded random source. */
export class FaultInjector {
  #rules: CompiledRule[] = [];
  readonly #random: Random;

  /**
   * @param rules validated rules (see `parseFaultRules`)
   * @param seed seed of the random source. @default a random seed
   */
  constructor(rules: readonly FaultRule[] = [], seed?: number) {
    this.#random = seededRandom(seed ?? Math.floor(Math.random() * 2 ** 32));
    this.setRules(rules);
  }

  /** Replace the rules; the random sequence continues. */
  setRules(rules: readonly FaultRule[]): void {
    this.#rules = rules.map((rule) => ({
      rule,
      ...(rule.match?.method ? { method: rule.match.method.toUpperCase() } : {}),
      ...(rule.match?.path !== undefined ? { path: new RegExp(rule.match.path) } : {}),
    }));
  }

  /** Whether any rule is configured (lets the plugin skip work when there is none). */
  get active(): boolean {
    return this.#rules.length > 0;
  }

  /**
   * The fault for a request, or `undefined`. `path` is the path and query after the service root
   * (`contacts?$top=1`). Each matching rule draws one random number, in order, until one fires.
   */
  decide(method: string, path: string): FaultDecision | undefined {
    const upper = method.toUpperCase();
    for (let index = 0; index < this.#rules.length; index++) {
      const { rule, method: ruleMethod, path: rulePath } = this.#rules[index]!;
      if (ruleMethod && ruleMethod !== upper) continue;
      if (rulePath && !rulePath.test(path)) continue;
      if (!(this.#random() < rule.probability)) continue;
      return this.#decision(index, rule);
    }
    return undefined;
  }

  #decision(ruleIndex: number, rule: FaultRule): FaultDecision {
    const latencyMs = this.#latency(rule.latencyMs);
    if (rule.drop) {
      const when = rule.when ?? 'before';
      return { ruleIndex, latencyMs, action: { kind: 'drop', when }, label: `rule ${ruleIndex}: drop ${when}` };
    }
    if (rule.status !== undefined) {
      const defaults = faultDefaults(rule.status);
      const action: FaultAction = {
        kind: 'respond',
        status: rule.status,
        code: rule.code ?? defaults.code,
        message: rule.message ?? defaults.message,
        ...(rule.retryAfterSeconds !== undefined || rule.status === 429 ? { retryAfterSeconds: rule.retryAfterSeconds ?? 1 } : {}),
      };
      return { ruleIndex, latencyMs, action, label: `rule ${ruleIndex}: ${rule.status}` };
    }
    return { ruleIndex, latencyMs, action: { kind: 'delay' }, label: `rule ${ruleIndex}: latency ${latencyMs}ms` };
  }

  #latency(latency: FaultRule['latencyMs']): number {
    if (latency === undefined) return 0;
    if (typeof latency === 'number') return latency;
    return Math.round(latency.min + this.#random() * (latency.max - latency.min));
  }
}
