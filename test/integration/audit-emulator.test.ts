/**
 * The migration audit against the emulator over real HTTP: 5,000 journeys covering every tile
 * type and status; every count in the report equals the seed's (expectations come from the seed),
 * only GET requests are sent, the JSON report matches its schema, and an interrupted audit
 * resumes to the same report.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, CHECKPOINT_FILE } from '../../src/audit/index.js';
import { TILE_TYPES } from '../../src/definition/index.js';
import { DataverseClient } from '../../src/dataverse/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { seedAuditData, type AuditSeedExpectations } from '../helpers/auditSeed.js';
import { startTestEmulator } from '../helpers/emulator.js';

const JOURNEYS = 5000;

let emulator: RunningEmulator;
let client: DataverseClient;
let seed: AuditSeedExpectations;
let dir: string;

beforeAll(async () => {
  emulator = await startTestEmulator();
  seed = seedAuditData(emulator, JOURNEYS);
  client = new DataverseClient({ url: emulator.url });
  dir = await mkdtemp(join(tmpdir(), 'audit-it-'));
}, 120_000);

afterAll(async () => {
  client?.close();
  await emulator?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function readJson(path: string): Promise<Record<string, any>> {
  return readFile(path, 'utf8').then((text) => JSON.parse(text) as Record<string, any>);
}

describe('audit of 5,000 seeded journeys', () => {
  let report: Record<string, any>;
  let firstRequest: number;

  beforeAll(async () => {
    firstRequest = emulator.requestLog.length;
    const outcome = await runAudit(client, { outDir: join(dir, 'full'), pageSize: 500, sourceUrl: emulator.url });
    expect(outcome.completed).toBe(true);
    report = await readJson(join(dir, 'full', 'audit-report.json'));
  }, 180_000);

  it('sends only GET requests', () => {
    const methods = new Set(emulator.requestLog.slice(firstRequest).map((entry) => entry.method));
    expect([...methods]).toEqual(['GET']);
    expect(emulator.requestLog.length - firstRequest).toBeGreaterThan(JOURNEYS / 500);
  });

  it('counts journeys, statuses, tiles and references as seeded', () => {
    const s = report.summary;
    expect(s.journeys).toBe(seed.journeys);
    expect(report.journeys).toHaveLength(seed.journeys);
    expect(s.journeysByStatus).toEqual(seed.byStatus);
    expect(Object.keys(s.journeysByStatus)).toHaveLength(8);
    expect(s.tilesByType).toEqual(seed.tilesByType);
    expect(s.referencesByKind).toEqual(seed.referencesByKind);
    expect(report.references).toHaveLength(Object.values(seed.referencesByKind).reduce((a, b) => a + b, 0));
    expect(s.customChannelActivities).toBe(seed.customChannelActivities);
    expect(s.recreated).toBe(seed.recreated);
    expect(s.segments.total).toBe(seed.segments);
    expect(s.emails.total).toBe(seed.emails);
    expect(report.journeys.map((j: { id: string }) => j.id)).toEqual(seed.ids);
  });

  it('was seeded with every tile type and status', () => {
    for (const type of TILE_TYPES) expect(seed.allTypes).toContain(type);
    expect(Object.keys(seed.byStatus)).toHaveLength(8);
  });

  it('was seeded with every risk it checks for', () => {
    for (const [name, value] of Object.entries(seed)) if (typeof value === 'number') expect(value, name).toBeGreaterThan(0);
  });

  it('flags the seeded risks', () => {
    const risks = report.summary.risks;
    expect(risks['live-at-removal']).toBe(seed.liveAtRemoval);
    expect(risks.swimlanes).toBe(seed.swimlanes);
    expect(risks['custom-channel']).toBe(seed.customChannel);
    expect(risks['unknown-tile']).toBe(seed.unknownTile);
    expect(risks['smart-scheduling']).toBe(seed.smartScheduling);
    expect(risks['segment-member-export']).toBe(seed.segmentMemberExport);
    expect(risks['segment-outside-migration-limits']).toBe(seed.segmentOutsideLimits);
    expect(risks['subscription-center']).toBe(seed.subscriptionCenter);
    expect(risks['event-after-removal']).toBe(seed.eventAfterRemoval);
    expect(risks['owner-disabled']).toBe(seed.ownerDisabled);
    expect(risks['owner-missing']).toBe(seed.ownerMissing);
  });

  it('writes a JSON report valid against its schema', async () => {
    const schema = await readJson(join(process.cwd(), 'schemas', 'audit-report.schema.json'));
    const ajv = new Ajv2020.default({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    const ok = validate(report);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('writes one CSV row per journey and per reference', async () => {
    const journeys = (await readFile(join(dir, 'full', 'audit-journeys.csv'), 'utf8')).split('\r\n').filter(Boolean);
    const references = (await readFile(join(dir, 'full', 'audit-references.csv'), 'utf8')).split('\r\n').filter(Boolean);
    expect(journeys).toHaveLength(seed.journeys + 1);
    expect(references).toHaveLength(report.references.length + 1);
  });

  it('resumes an interrupted audit to the same report', async () => {
    const out = join(dir, 'resumed');
    const first = await runAudit(client, { outDir: out, pageSize: 500, sourceUrl: emulator.url, stopAfterPages: 3 });
    expect(first.completed).toBe(false);
    const checkpoint = await readJson(join(out, CHECKPOINT_FILE));
    expect(checkpoint.pages).toBe(3);
    expect(checkpoint.summary.journeys).toBe(1500);
    const second = await runAudit(client, { outDir: out, pageSize: 500, sourceUrl: emulator.url, resume: true });
    expect(second.completed).toBe(true);
    const resumed = await readJson(join(out, 'audit-report.json'));
    const strip = (r: Record<string, any>) => ({ ...r, generatedAt: undefined, startedAt: undefined });
    expect(strip(resumed)).toEqual(strip(report));
  }, 180_000);
});
