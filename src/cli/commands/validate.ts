/**
 * `journeyctl validate [paths..]`: journey documents checked offline (or by the server with
 * `--online`) for CI, rendered as text, JSON, SARIF, JUnit or GitHub annotations as the run goes.
 * The work is the library's `validateFiles`/`validateFilesOnline`; this file parses the
 * arguments, renders the run and picks the exit code.
 *
 * Exit codes: 0 when no finding reaches `--fail-on`; 1 when one does; 2 for usage errors and for
 * input that cannot be read or parsed (a missing path, a file that is not JSON or YAML, nested
 * past the limit, too large), and for a run that found nothing to validate. Every other file is
 * still validated and reported. A file that parses but breaks the journey format is a
 * `definition-parse` finding (exit 1).
 */
import { appendFileSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { createWriteStream, type WriteStream } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Argv } from 'yargs';
import { describeLocation, InputError } from '../../errors.js';
import { loadJourneyDocument, readDocumentSync } from '../../io/index.js';
import { applyRuleFlags, defaultConfig, findConfigFile, loadValidationConfig } from '../../validation/config.js';
import { validateFiles, type Baseline, type ValidationRun } from '../../validation/files.js';
import { FORMATS, githubSummaryWriter, reportWriter, type FormatName, type ReportWriter } from '../../validation/formatters/index.js';
import { failsOn, type FailOn } from '../../validation/report.js';
import { startOnlineRun, withOnlineOptions } from '../onlineValidate.js';
import { withStdin } from '../validateInputs.js';
import { useColor, writeErr } from '../context.js';
import { ExitCode, ExitError } from '../exit.js';
import { handle, type ArgsOf, type GlobalArgs } from '../command.js';

/** Parse `--output FMT=FILE` flags. */
export function parseOutputs(flags: readonly string[]): Map<FormatName, string> {
  const outputs = new Map<FormatName, string>();
  for (const flag of flags) {
    const match = /^([a-z]+)=(.+)$/.exec(flag);
    if (!match || !(FORMATS as readonly string[]).includes(match[1]!)) {
      throw new InputError(`--output ${flag}: expected FORMAT=FILE with FORMAT one of ${FORMATS.join(', ')}`, {}, { hint: 'e.g. --output sarif=results.sarif' });
    }
    outputs.set(match[1] as FormatName, match[2]!);
  }
  return outputs;
}

function toolVersion(): string | undefined {
  try {
    const pkg = readDocumentSync(new URL('../../../package.json', import.meta.url).pathname, { syntax: 'json' }).value as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

async function loadBaseline(path: string): Promise<Baseline> {
  const document = await loadJourneyDocument(path);
  return { definition: document.definition, ...(document.fields ? { fields: document.fields } : {}), file: document.definitionFile };
}

/** Where one format goes: standard output, or a file written through a temporary file and renamed at the end. */
interface Sink {
  writer: ReportWriter;
  write(text: string): Promise<void>;
  finish(): Promise<void>;
  abandon(): Promise<void>;
}

/** Write to a stream, waiting when its buffer is full (large reports piped to a slow reader). */
function writeTo(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (text === '' || stream.write(text)) return Promise.resolve();
  return new Promise((resolve) => stream.once('drain', () => resolve()));
}

function stdoutSink(writer: ReportWriter): Sink {
  return { writer, write: (text) => writeTo(process.stdout, text), finish: async () => undefined, abandon: async () => undefined };
}

function fileSink(writer: ReportWriter, file: string): Sink {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  let stream: WriteStream | undefined;
  const close = (): Promise<void> => new Promise((resolve, reject) => (stream ? stream.end((error?: Error | null) => (error ? reject(error) : resolve())) : resolve()));
  return {
    writer,
    write: (text) => writeTo((stream ??= createWriteStream(temporary, { encoding: 'utf8' })), text),
    async finish() {
      stream ??= createWriteStream(temporary, { encoding: 'utf8' });
      await close();
      await rename(temporary, file);
    },
    async abandon() {
      await close().catch(() => undefined);
      await rm(temporary, { force: true });
    },
  };
}

/** The run the arguments ask for, and what to do when it is over. */
async function startRun(argv: ValidateArgs): Promise<{ run: ValidationRun; close(): Promise<void> }> {
  const paths = withStdin(argv.paths);
  if (argv.online) {
    return startOnlineRun(paths, argv);
  }
  const configFile = argv.config ?? findConfigFile();
  const config = applyRuleFlags(configFile ? loadValidationConfig(configFile) : defaultConfig(), argv.rule);
  const baseline = argv.baseline ? await loadBaseline(argv.baseline) : undefined;
  return { run: validateFiles(paths, { config, ...(baseline ? { baseline } : {}) }), close: async () => undefined };
}

async function runValidate(argv: ValidateArgs): Promise<void> {
  const outputs = parseOutputs(argv.output);
  const formats = [...new Set<FormatName>([...argv.format, ...outputs.keys()])];
  if (formats.length === 0) formats.push('text');
  const toStdout = formats.filter((format) => !outputs.has(format));
  if (toStdout.length > 1) {
    throw new InputError(`formats ${toStdout.join(' and ')} would both write to standard output`, {}, { hint: 'send all but one to files with --output FORMAT=FILE' });
  }
  const { run, close } = await startRun(argv);
  const version = toolVersion();
  const sinks = formats.map((format) => {
    const file = outputs.get(format);
    const writer = reportWriter(format, run.rules, {
      color: file === undefined && format === 'text' && useColor({ color: argv.color }),
      quiet: argv.quiet,
      failOn: argv['fail-on'],
      ...(version ? { toolVersion: version } : {}),
    });
    return file === undefined ? stdoutSink(writer) : fileSink(writer, file);
  });
  const summaryFile = formats.includes('github') ? process.env.GITHUB_STEP_SUMMARY : undefined;
  const stepSummary = summaryFile ? githubSummaryWriter() : undefined;
  let failing = false;
  try {
    let started = false;
    for await (const file of run) {
      for (const sink of sinks) await sink.write((started ? '' : sink.writer.start()) + sink.writer.file(file));
      stepSummary?.file(file);
      started = true;
      failing ||= file.findings.some((finding) => failsOn(finding.severity, argv['fail-on']));
    }
    for (const sink of sinks) await sink.write(sink.writer.end(run.summary));
    for (const sink of sinks) await sink.finish();
  } catch (error) {
    await Promise.all(sinks.map((sink) => sink.abandon()));
    throw error;
  } finally {
    await close();
  }
  if (summaryFile && stepSummary) appendFileSync(summaryFile, stepSummary.end(run.summary));

  if (run.skipped.length > 0 && !argv.quiet) {
    writeErr(`note: skipped ${run.skipped.length} file(s) in the given folders that are not journey documents${argv.verbose ? `: ${run.skipped.join(', ')}` : ' (--verbose lists them)'}`);
  }
  for (const error of run.inputErrors) {
    writeErr(`error: ${error.message} (${describeLocation(error.location)})${error.hint ? `\nhint: ${error.hint}` : ''}`);
  }
  if (run.inputErrors.length > 0) throw new ExitError(ExitCode.Usage);
  if (failing) throw new ExitError(ExitCode.Failure);
}

/** Options and positionals of `journeyctl validate`. */
export const builder = (command: Argv<GlobalArgs>) =>
  withOnlineOptions(command)
    .positional('paths', { type: 'string', array: true, default: [] as string[], describe: 'Files, folders or globs; - reads standard input' })
    .option('format', { alias: 'f', type: 'string', array: true, nargs: 1, choices: FORMATS, default: [] as FormatName[], describe: 'Output format (repeatable): text (default), json, sarif, junit, github' })
    .option('output', { alias: 'o', type: 'string', array: true, nargs: 1, default: [] as string[], describe: 'Write a format to a file: FORMAT=FILE (repeatable)' })
    .option('fail-on', { type: 'string', choices: ['error', 'warning', 'never'] as const, default: 'error' as FailOn, describe: 'Lowest severity that makes the exit code 1' })
    .option('baseline', { type: 'string', describe: 'The journey as stored now; enables the change rules (locks by status)' })
    .option('config', { type: 'string', describe: 'Configuration file (default: nearest .journeyctl.json)' })
    .option('rule', { type: 'string', array: true, nargs: 1, default: [] as string[], describe: 'Set a rule severity: id=off|info|warning|error (repeatable)' })
    .example('$0 validate journeys/ --format sarif --output sarif=journeys.sarif', 'Validate a folder and write SARIF for code scanning')
    .example('$0 validate journey.json --baseline stored.json', 'Check what a Live-editable journey may change')
    .example('$0 validate journey.json --online --url https://contoso.crm4.dynamics.com', "Ask the server's msdyncrm_CustomerJourneyValidate (exit 3 where outbound marketing was removed)");

type ValidateArgs = ArgsOf<typeof builder>;

/** Runs `journeyctl validate`. */
export const handler = handle('validate', runValidate);
