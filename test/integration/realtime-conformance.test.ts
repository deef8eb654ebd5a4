/**
 * The conformance run on the emulator over HTTP: the sample channel's passing handler passes
 * every check, the failing one fails the checks it is built to fail, and bad handlers (throwing,
 * slow, malformed answers) and broken specs give clear results or errors, never a crash.
 */
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { formatConformance, runConformance, type ConformanceReport } from '../../src/channels/realtime/conformance.js';
import { validateChannelSpec, type ChannelSpec } from '../../src/channels/realtime/channelSpec.js';
import { scaffoldChannel, scaffoldHandler } from '../../src/channels/realtime/scaffold.js';
import { repoRoot } from '../helpers/cli.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

const sampleDir = join(repoRoot, 'samples', 'realtime-channel');
const sample = validateChannelSpec(parseYaml(readFileSync(join(sampleDir, 'channel.yaml'), 'utf8')));
const failed = (report: ConformanceReport): string[] => report.results.filter((r) => r.status === 'fail').map((r) => `${r.case}:${r.check}`).sort();

let endpoint: Server;
let endpointUrl = '';
beforeAll(async () => {
  endpoint = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"response": '));
  });
  await new Promise<void>((r) => endpoint.listen(0, '127.0.0.1', () => r()));
  endpointUrl = `http://127.0.0.1:${(endpoint.address() as { port: number }).port}/outbound`;
});
afterAll(() => new Promise((r) => endpoint.close(r)));

describe('realtime conformance', () => {
  it('passes every check with the sample passing handler', async () => {
    const report = await runConformance(sample, { handler: join(sampleDir, 'handlers', 'passing.mjs') });
    expect(report.summary.failed).toBe(0);
    expect(report.summary.skipped).toBe(0);
    expect(new Set(report.results.map((r) => r.check))).toEqual(
      new Set(['outbound-call', 'outbound-response-json', 'outbound-request-id', 'outbound-channel-definition-id', 'outbound-status', 'outbound-message-id', 'outbound-response-shape', 'delivery-report-call', 'delivery-report-recorded', 'inbound-call', 'inbound-recorded']),
    );
  });

  it('fails the documented checks the failing handler is built to fail', async () => {
    const report = await runConformance(sample, { handler: join(sampleDir, 'handlers', 'failing.mjs') });
    expect(failed(report)).toEqual(['delivery-report-delivered:delivery-report-recorded', 'send-without-app-context:outbound-request-id', 'send-without-app-context:outbound-status', 'test-send:outbound-response-json']);
    const failure = report.results.find((r) => r.check === 'outbound-request-id' && r.status === 'fail')!;
    expect(failure.clause).toContain('RequestId');
    expect(failure.source).toMatch(/^https:\/\/learn\.microsoft\.com\//);
  });

  it('passes with the scaffolded handler of a Custom channel', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jctl-rt-'));
    writeFileSync(join(dir, 'handler.mjs'), scaffoldHandler());
    const report = await runConformance(scaffoldChannel({ type: 'custom' }), { handler: join(dir, 'handler.mjs') });
    expect(report.summary.failed).toBe(0);
    expect(report.results.some((r) => r.check.startsWith('inbound'))).toBe(false);
  });

  it('reports a throwing, a slow and a malformed outbound implementation as failed checks', async () => {
    const outbound = sample.customApis.outbound.uniqueName;
    const throwing = await runConformance(sample, { bindings: { [outbound]: () => { throw new Error('provider down'); } } });
    expect(throwing.results.find((r) => r.check === 'outbound-call')).toMatchObject({ status: 'fail', message: expect.stringContaining('provider down') });
    const slow = await runConformance(sample, { timeoutMs: 200, bindings: { [outbound]: () => new Promise(() => undefined) } });
    expect(slow.results.find((r) => r.check === 'outbound-call')?.message).toContain('timed-out');
    const malformed = await runConformance(sample, { endpoint: endpointUrl });
    expect(malformed.results.filter((r) => r.check === 'outbound-call').every((r) => r.status === 'fail' && /malformed JSON/.test(r.message ?? ''))).toBe(true);
  });

  it('refuses a spec with broken references and a handler that cannot load', async () => {
    const broken = JSON.parse(JSON.stringify(sample)) as ChannelSpec;
    broken.channel.outboundEndpoint = '/contoso_Missing';
    await expect(runConformance(broken, { file: 'c.yaml' })).rejects.toMatchObject({ name: 'InputError', location: { file: 'c.yaml', pointer: '/channel/outboundEndpoint' } });
    await expect(runConformance(sample, { handler: join(sampleDir, 'nope.mjs') })).rejects.toMatchObject({ name: 'InputError' });
  });

  it('renders JSON, JUnit and SARIF', async () => {
    const report = await runConformance(sample, { handler: join(sampleDir, 'handlers', 'failing.mjs'), file: 'channel.yaml' });
    expect(JSON.parse(formatConformance(report, 'json')).summary.failed).toBe(4);
    const junit = formatConformance(report, 'junit');
    expect(junit.match(/<failure /g)).toHaveLength(4);
    expect(junit).toContain('<testsuite name="test-send"');
    const sarif = JSON.parse(formatConformance(report, 'sarif')) as { runs: { results: { ruleId: string }[] }[] };
    expect(sarif.runs[0]!.results.map((r) => r.ruleId).sort()).toEqual(['realtime-conformance-delivery-report-recorded', 'realtime-conformance-outbound-request-id', 'realtime-conformance-outbound-response-json', 'realtime-conformance-outbound-status']);
  });
});
