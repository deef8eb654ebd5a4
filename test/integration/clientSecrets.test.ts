/**
 * Verbose logs of authenticated runs never contain the token or the client secret, even when
 * requests are throttled, fail and are retried, and errors are printed in full.
 */
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import type { AuthSetting } from '../../src/dataverse/index.js';
import { FakeClientSecretCredential } from '../helpers/credentials.js';
import { emulatorClientPerTest } from '../helpers/emulatorClient.js';

const STATIC_TOKEN = 'static-token-7c1f0e5b9d2a4e8f';
const CLIENT_SECRET = 'client-secret-Q8~v3rySecretValue';

const start = emulatorClientPerTest();

/** Run a mix of operations, some of which fail, with verbose logging captured. */
async function verboseRun(auth: AuthSetting): Promise<{ lines: string[]; errors: string[]; emulator: RunningEmulator }> {
  const lines: string[] = [];
  const setup = await start(
    {
      faults: [
        { probability: 0.3, status: 429, retryAfterSeconds: 0, match: { method: 'POST' } },
        { probability: 0.2, status: 503, match: { method: 'GET' } },
        { probability: 0.1, drop: true, when: 'before', match: { method: 'PATCH' } },
      ],
      faultSeed: 99,
    },
    { auth, logger: (level, message) => lines.push(`${level} ${message}`), retry: { baseDelayInMs: 1 } },
  );
  const { emulator, client } = setup;
  const errors: string[] = [];
  for (let i = 0; i < 20; i++) {
    const { id } = await client.create('contacts', { firstname: `Log${i}` });
    await client.retrieve('contacts', id, { select: ['firstname'] });
    await client.update('contacts', id, { lastname: 'X' });
  }
  await client.whoAmI();
  await client.batch([{ method: 'POST', path: 'contacts', body: { firstname: 'x'.repeat(500) } }]);
  for (const failing of [
    client.retrieve('contacts', '00000000-0000-4000-8000-00000000dead'),
    client.callAction('contoso_Nope'),
    client.update('contacts', '00000000-0000-4000-8000-00000000beef', { firstname: 'Y' }),
  ]) {
    const error = await failing.catch((e: unknown) => e);
    errors.push(inspect(error, { depth: 10 }), JSON.stringify(error), String(error));
  }
  return { lines, errors, emulator };
}

describe('verbose logs of authenticated runs', () => {
  it('never contain a static token', async () => {
    const { lines, errors, emulator } = await verboseRun({ token: STATIC_TOKEN });
    expect(lines.length).toBeGreaterThan(60);
    expect(lines.some((l) => l.startsWith('warning') && l.includes('429'))).toBe(true);
    expect(lines.some((l) => l.includes('authorization: REDACTED'))).toBe(true);
    for (const text of [...lines, ...errors]) expect(text).not.toContain(STATIC_TOKEN);
    // The token did reach the server: the emulator keys callers by a hash of it.
    const caller = `token:${createHash('sha256').update(STATIC_TOKEN).digest('hex').slice(0, 16)}`;
    expect(emulator.requestLog.every((e) => e.user === caller)).toBe(true);
  });

  it('never contain a client secret or the tokens issued for it', async () => {
    const credential = new FakeClientSecretCredential('00000000-0000-4000-8000-0000000000aa', 'app-id', CLIENT_SECRET);
    const { lines, errors } = await verboseRun({ credential });
    expect(credential.requests[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\.default$/);
    expect(credential.tokensIssued).toBe(1);
    const token = credential.lastToken!;
    for (const text of [...lines, ...errors]) {
      expect(text).not.toContain(CLIENT_SECRET);
      expect(text).not.toContain(token);
    }
    expect(lines.some((l) => l.includes('authorization: REDACTED'))).toBe(true);
  });
});
