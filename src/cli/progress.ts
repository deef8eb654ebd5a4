/**
 * Progress of long work (audit, import, export, apply, channel report) on stderr: a bar on a
 * terminal (cli-progress, loaded only then), one plain line per step otherwise (CI logs), and
 * nothing with `--quiet`. stdout is never touched, so data stays parseable.
 */
import { createRequire } from 'node:module';
import type { SingleBar } from 'cli-progress';
import { useColor, writeErr } from './context.js';

/** Progress of one piece of work. */
export interface Progress {
  /**
   * `done` of `total` items: a bar on a terminal; otherwise `line` (or `done/total label`) as
   * one line.
   */
  update(done: number, total: number, label?: string, line?: string): void;
  /** A step worth a line of its own (a report written, a page read). */
  step(line: string): void;
  /** End the bar (idempotent). */
  stop(): void;
}

/** Where progress is shown and how. */
export interface ProgressOptions {
  /** What is being done, e.g. `export`. */
  title: string;
  quiet: boolean;
  color: boolean;
  /** @default process.stderr */
  stream?: NodeJS.WriteStream;
}

const SILENT: Progress = { update: () => undefined, step: () => undefined, stop: () => undefined };

/** A progress display for the options: silent, bar or lines. */
export function createProgress(options: ProgressOptions): Progress {
  if (options.quiet) return SILENT;
  const stream = options.stream ?? process.stderr;
  if (stream.isTTY !== true) return lineProgress(options.title);
  return barProgress(options, stream);
}

function lineProgress(title: string): Progress {
  return {
    update: (done, total, label, line) => writeErr(line ?? `${title}: ${done}/${total}${label ? ` ${label}` : ''}`),
    step: (line) => writeErr(line),
    stop: () => undefined,
  };
}

function barProgress(options: ProgressOptions, stream: NodeJS.WriteStream): Progress {
  const { SingleBar, Presets } = createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');
  let bar: SingleBar | undefined;
  const color = useColor({ color: options.color }, stream);
  const ensure = (total: number): SingleBar => {
    if (!bar) {
      bar = new SingleBar(
        {
          stream,
          format: `${options.title} {bar} {value}/{total} {label}`,
          hideCursor: true,
          clearOnComplete: false,
          barsize: 30,
          ...(color ? {} : { barCompleteChar: '#', barIncompleteChar: '-' }),
        },
        Presets.shades_classic,
      );
      bar.start(total, 0, { label: '' });
    }
    return bar;
  };
  return {
    update(done, total, label) {
      const b = ensure(total);
      b.setTotal(total);
      b.update(done, { label: label ?? '' });
    },
    step(line) {
      // A line above the bar: cli-progress redraws the bar after it.
      if (bar) bar.stop();
      bar = undefined;
      writeErr(line);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
