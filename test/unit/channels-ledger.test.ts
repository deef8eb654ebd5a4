/** The reporter ledger's state machine: hand-off, intent, confirmation, dead letters, orphans, durability. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReporterLedger, ledgerFileFor, type ChannelActivity } from '../../src/channels/index.js';

const activity = (n: number): ChannelActivity => ({
  rowId: `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`,
  activityId: 'tile-1',
  journeyId: '11111111-1111-1111-1111-111111111111',
  iterationId: '22222222-2222-2222-2222-222222222222',
  contactId: `33333333-3333-3333-3333-${String(n).padStart(12, '0')}`,
  entityType: 'contoso_smsmessage',
  entityId: '44444444-4444-4444-4444-444444444444',
});

describe('ReporterLedger', () => {
  it('records a hand-off with its responses once, ignoring repeated responses', () => {
    const ledger = ReporterLedger.open(':memory:');
    expect(ledger.activityState(activity(1).rowId)).toBeUndefined();
    expect(ledger.recordHandOff(activity(1), [{ responseType: 'sent' }, { responseType: 'delivered' }])).toBe(2);
    expect(ledger.activityState(activity(1).rowId)).toBe('handed');
    expect(ledger.recordReceipt(activity(1), { responseType: 'delivered' })).toBe(0);
    expect(ledger.recordReceipt(activity(1), { responseType: 'keyword', triggerKeyword: 'STOP' })).toBe(1);
    expect(ledger.counts().reports.pending).toBe(3);
    ledger.close();
  });

  it('moves reports pending → intent → confirmed, and claims each only once', () => {
    const ledger = ReporterLedger.open(':memory:');
    for (let i = 0; i < 5; i++) ledger.recordHandOff(activity(i), [{ responseType: 'sent' }]);
    const first = ledger.claimPending(3);
    const second = ledger.claimPending(3);
    expect(first).toHaveLength(3);
    expect(second).toHaveLength(2);
    expect(new Set([...first, ...second].map((e) => e.rowId)).size).toBe(5);
    expect(first.every((e) => e.state === 'intent' && e.owner === ledger.runId)).toBe(true);
    ledger.confirm(first);
    expect(ledger.counts().reports).toEqual({ pending: 0, intent: 2, confirmed: 3, dead: 0 });
    ledger.release(second, 'throttled', false);
    expect(ledger.counts().reports.pending).toBe(2);
    expect(ledger.claimPending(10).every((e) => e.attempts === 1 && e.lastError === 'throttled')).toBe(true);
    ledger.close();
  });

  it("treats intents of a live run as its own business and a dead run's as orphans", () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-'));
    const file = join(dir, 'l.sqlite');
    let alive = true;
    const crashed = ReporterLedger.open(file);
    crashed.recordHandOff(activity(1), [{ responseType: 'sent' }]);
    crashed.claimPending(10);
    const other = ReporterLedger.open(file, { isRunAlive: () => alive });
    expect(other.inFlight()).toHaveLength(0);
    alive = false;
    expect(other.inFlight()).toHaveLength(1);
    expect(other.inFlight({ owner: crashed.runId })).toHaveLength(1);
    other.close();
    crashed.close();
  });

  it('keeps committed intents and confirmations across a reopen (durable file)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ledger-')), 'l.sqlite');
    const a = ReporterLedger.open(file);
    a.recordHandOff(activity(1), [{ responseType: 'sent' }, { responseType: 'delivered' }]);
    const [sent] = a.claimPending(1);
    a.confirm([sent!]);
    a.claimPending(1);
    a.setMeta('watermark:*', '2026-01-01T00:00:00Z');
    a.close();
    const b = ReporterLedger.open(file);
    expect(b.counts().reports).toEqual({ pending: 0, intent: 1, confirmed: 1, dead: 0 });
    expect(b.inFlight()).toHaveLength(1);
    expect(b.getMeta('watermark:*')).toBe('2026-01-01T00:00:00Z');
    b.close();
  });

  it('dead-letters failed hand-offs and refused reports, and requeues them', () => {
    const ledger = ReporterLedger.open(':memory:');
    expect(ledger.recordProviderFailure(activity(1), 'down', false)).toBe(1);
    expect(ledger.failingActivities()).toHaveLength(1);
    expect(ledger.recordProviderFailure(activity(1), 'still down', true)).toBe(2);
    expect(ledger.deadActivities()).toEqual([{ activity: activity(1), attempts: 2, lastError: 'still down' }]);
    ledger.recordHandOff(activity(2), [{ responseType: 'opened' }]);
    ledger.release(ledger.claimPending(1), 'unknown response type', true);
    expect(ledger.deadReports()).toHaveLength(1);
    const requeued = ledger.requeueDeadLetters();
    expect(requeued.activities.map((a) => a.rowId)).toEqual([activity(1).rowId]);
    expect(requeued.reports).toBe(1);
    expect(ledger.deadActivities()).toHaveLength(0);
    expect(ledger.pendingCount()).toBe(1);
    ledger.close();
  });
});

describe('ReporterLedger environment', () => {
  const a = { organizationId: '8A3F1C52-0D6E-4B7A-9C21-5E4D3B2A1F00', serviceRoot: 'http://127.0.0.1:1000/api/data/v9.2/', createdOn: '2026-01-01T00:00:00Z' };
  it('records the first environment and refuses another by name, with the ledger file', () => {
    const ledger = ReporterLedger.open(':memory:');
    expect(ledger.environment()).toBeUndefined();
    ledger.bindEnvironment(a);
    expect(ledger.environment()).toEqual({ ...a, organizationId: a.organizationId.toLowerCase() });
    ledger.bindEnvironment({ ...a, organizationId: a.organizationId.toLowerCase() });
    for (const other of [{ ...a, serviceRoot: 'http://127.0.0.1:2000/api/data/v9.2/' }, { ...a, createdOn: '2026-02-01T00:00:00Z' }, { ...a, organizationId: 'another' }]) {
      const error = (() => {
        try {
          ledger.bindEnvironment(other, 'x.sqlite');
        } catch (e) {
          return e as Error & { kind?: string; hint?: string };
        }
        return undefined;
      })();
      expect(error?.name).toBe('LedgerEnvironmentError');
      expect(error?.kind).toBe('input');
      expect(error?.message).toContain('x.sqlite');
    }
    ledger.close();
  });

  it('gives each environment its own default file, keyed by the organization id', () => {
    const one = ledgerFileFor('.journeyctl', a);
    expect(one).toMatch(/reporter-ledger\.8a3f1c52-0d6e-4b7a-9c21-5e4d3b2a1f00\.[0-9a-f]{12}\.sqlite$/);
    expect(ledgerFileFor('.journeyctl', { ...a, serviceRoot: 'https://contoso.crm.dynamics.com/api/data/v9.2/' })).not.toBe(one);
    expect(ledgerFileFor('.journeyctl', { ...a, createdOn: '2027-01-01T00:00:00Z' })).not.toBe(one);
    expect(ledgerFileFor('.journeyctl', { ...a, organizationId: '../../etc' })).toMatch(/reporter-ledger\.______etc\./);
  });
});
