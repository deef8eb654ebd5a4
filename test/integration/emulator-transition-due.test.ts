/**
 * Journey transitions are time-based on a stored due time: a store closed while a journey is
 * Going live or Stopping and opened again after the transition's duration finds it finished as
 * soon as it is open, before any timer could have run.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SeedIds, startEmulator } from '../../src/emulator/index.js';
import { JourneyStatus as S } from '../../src/model/optionSets.js';

const SET = 'msdyncrm_customerjourneys';

async function patch(url: string, id: string, body: object): Promise<number> {
  const response = await fetch(`${url}/api/data/v9.2/${SET}(${id})`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return response.status;
}

describe('stored due time of journey transitions', () => {
  it('a transition that fell due while no process served the store is complete when the store opens', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'transition-due-')), 'store');
    const delay = 150;
    const first = await startEmulator({ port: 0, dataDir, seed: true, transitionDelayMs: delay });
    expect(await patch(first.url, SeedIds.journeys.draft, { statuscode: S.GoingLive })).toBe(204);
    expect(await patch(first.url, SeedIds.journeys.live, { statuscode: S.Stopping })).toBe(204);
    await first.close();
    await new Promise((r) => setTimeout(r, delay * 2));
    // Read the rows right after opening: no timer of this process has fired yet.
    const second = await startEmulator({ port: 0, dataDir, seed: true, transitionDelayMs: 60_000 });
    try {
      expect(Number(second.store.get(SET, SeedIds.journeys.draft)?.values.statuscode)).toBe(S.Live);
      expect(Number(second.store.get(SET, SeedIds.journeys.live)?.values.statuscode)).toBe(S.Stopped);
      expect(second.store.count('emulator_journeytransitions')).toBe(0);
    } finally {
      await second.close();
    }
  });

  it('a transition not yet due stays pending when the store opens', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'transition-due-')), 'store');
    const first = await startEmulator({ port: 0, dataDir, seed: true, transitionDelayMs: 60_000 });
    expect(await patch(first.url, SeedIds.journeys.draft, { statuscode: S.GoingLive })).toBe(204);
    await first.close();
    const second = await startEmulator({ port: 0, dataDir, seed: true, transitionDelayMs: 10 });
    try {
      expect(Number(second.store.get(SET, SeedIds.journeys.draft)?.values.statuscode)).toBe(S.GoingLive);
    } finally {
      await second.close();
    }
  });
});
