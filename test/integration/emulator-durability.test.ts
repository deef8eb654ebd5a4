/**
 * Durability: `kill -9` the emulator server (spawned CLI, `--data DIR`) during 1,000 concurrent
 * creates, restart it on the same directory, and check that every create answered 2xx is there.
 * The client side is plain `node:http`, so no journeyctl code decides what counts as acknowledged.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnEmulator } from '../helpers/emulatorProcess.js';

const WRITES = 1000;

/** POST one contact with a client-generated id; resolves with the status, or 0 when the connection failed. */
function postContact(agent: http.Agent, origin: string, id: string): Promise<number> {
  const body = JSON.stringify({ contactid: id, lastname: `Durable ${id.slice(0, 8)}` });
  return new Promise((resolve) => {
    const request = http.request(
      `${origin}/api/data/v9.2/contacts`,
      { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', () => resolve(0));
      },
    );
    request.on('error', () => resolve(0));
    request.end(body);
  });
}

/** GET one contact: 200 when it exists. */
function getContact(agent: http.Agent, origin: string, id: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(`${origin}/api/data/v9.2/contacts(${id})?$select=lastname`, { agent }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

describe('durability of acknowledged writes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'journeyctl-durable-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every write answered 2xx after kill -9 and a restart', async () => {
    const dataDir = join(dir, 'store');
    // Lift the limits so the writes are not throttled (a 429 is not an acknowledgement anyway).
    const limitsFile = join(dir, 'limits.json');
    writeFileSync(limitsFile, JSON.stringify({ maxRequests: 100_000, maxConcurrent: 5_000 }));

    const server = await spawnEmulator(['--data', dataDir, '--port', '0', '--no-seed', '--quiet', '--limits', limitsFile]);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 200 });
    const acknowledged: string[] = [];
    let answered = 0;
    let killed = false;
    const ids = Array.from({ length: WRITES }, () => randomUUID());
    await Promise.all(
      ids.map(async (id) => {
        const status = await postContact(agent, server.url, id);
        if (status >= 200 && status < 300) acknowledged.push(id);
        answered++;
        // Kill the server mid-flight, once a good share of the writes has been answered.
        if (!killed && answered >= WRITES / 3) {
          killed = true;
          server.child.kill('SIGKILL');
        }
      }),
    );
    agent.destroy();
    const { signal } = await server.exited;
    expect(signal).toBe('SIGKILL');
    expect(acknowledged.length).toBeGreaterThan(0);
    // The kill must have interrupted the run, or the test proves nothing about a crash.
    expect(acknowledged.length).toBeLessThan(WRITES);

    const restarted = await spawnEmulator(['--data', dataDir, '--port', '0', '--no-seed', '--quiet', '--limits', limitsFile]);
    const readAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    try {
      const missing: string[] = [];
      for (let i = 0; i < acknowledged.length; i += 16) {
        const slice = acknowledged.slice(i, i + 16);
        const statuses = await Promise.all(slice.map((id) => getContact(readAgent, restarted.url, id)));
        statuses.forEach((status, index) => {
          if (status !== 200) missing.push(slice[index]!);
        });
      }
      expect(missing).toEqual([]);
    } finally {
      readAgent.destroy();
      restarted.child.kill('SIGTERM');
      expect((await restarted.exited).code).toBe(0);
    }
  });
});
