/**
 * The HTML report opens from disk in headless Chromium without console errors or network
 * requests, shows its charts, keeps hostile record data as text, and a screenshot is taken.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HTML_REPORT_FILE, runAudit } from '../../src/audit/index.js';
import { DataverseClient } from '../../src/dataverse/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { Tables } from '../../src/model/names.js';
import { seedAuditData } from '../helpers/auditSeed.js';
import { startTestEmulator } from '../helpers/emulator.js';

const HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';

let emulator: RunningEmulator;
let browser: Browser | undefined;
let dir: string;

beforeAll(async () => {
  emulator = await startTestEmulator();
  seedAuditData(emulator, 60);
  // A journey whose name is markup, with the highest effort so it is listed in the HTML report.
  const row = emulator.store.get(Tables.customerJourney.entitySet, '00000001-0000-4000-8000-000000000005')!;
  emulator.store.update(Tables.customerJourney.entitySet, row.id, { ...row.values, msdyncrm_name: HOSTILE });
  dir = await mkdtemp(join(tmpdir(), 'audit-html-'));
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await emulator?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('opens in headless Chromium without console errors, with its charts, and takes a screenshot', async () => {
  const client = new DataverseClient({ url: emulator.url });
  await runAudit(client, { outDir: dir, formats: ['html'] });
  client.close();
  const html = await readFile(join(dir, HTML_REPORT_FILE), 'utf8');
  expect(html).not.toContain('<script');
  expect(html).not.toMatch(/(src|href)="https?:/);
  expect(html).toContain('&lt;img src=x onerror=');

  const page = await browser!.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) requests.push(request.url());
  });
  await page.goto(pathToFileURL(join(dir, HTML_REPORT_FILE)).href);
  expect(await page.title()).toBe('Outbound marketing migration audit');
  expect(await page.locator('svg[role="img"]').count()).toBe(4);
  expect(await page.locator('svg rect').count()).toBeGreaterThan(10);
  expect(await page.getByText(HOSTILE).count()).toBeGreaterThan(0);
  expect(await page.evaluate("typeof window.__pwned")).toBe("undefined");
  const screenshot = join(dir, 'report.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  await page.close();
  const png = await readFile(screenshot);
  expect((await stat(screenshot)).size).toBeGreaterThan(1000);
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(problems).toEqual([]);
  expect(requests).toEqual([]);
}, 60_000);
