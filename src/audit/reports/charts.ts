/**
 * Bar charts as inline SVG: no scripts, no external resources, so the HTML report renders from a
 * file on any machine. Every label is escaped.
 */
import { escapeHtml } from './escape.js';

/** One bar. */
export interface Bar {
  label: string;
  value: number;
}

/** Options of {@link barChart}. */
export interface BarChartOptions {
  /** Accessible title of the chart. */
  title: string;
  /** Unit shown after values (e.g. `h`). @default "" */
  unit?: string;
  /** Bar colour. @default "#2b6cb0" */
  color?: string;
}

const ROW = 24;
const LABEL_WIDTH = 190;
const BAR_WIDTH = 320;
const VALUE_WIDTH = 80;

/** A horizontal bar chart. An empty chart says "no data". */
export function barChart(bars: readonly Bar[], options: BarChartOptions): string {
  const width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH;
  const title = escapeHtml(options.title);
  if (bars.length === 0) {
    return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${title}" width="${width}" height="${ROW}" viewBox="0 0 ${width} ${ROW}"><title>${title}</title><text x="0" y="16" class="muted">no data</text></svg>`;
  }
  const max = Math.max(...bars.map((b) => b.value), 1);
  const height = bars.length * ROW;
  const color = options.color ?? '#2b6cb0';
  const unit = options.unit ?? '';
  const rows = bars.map((bar, i) => {
    const y = i * ROW;
    const w = Math.max(bar.value > 0 ? 2 : 0, Math.round((bar.value / max) * BAR_WIDTH));
    const label = escapeHtml(bar.label.length > 28 ? `${bar.label.slice(0, 27)}…` : bar.label);
    return (
      `<g><title>${escapeHtml(bar.label)}: ${bar.value}${escapeHtml(unit)}</title>` +
      `<text x="${LABEL_WIDTH - 8}" y="${y + 16}" text-anchor="end">${label}</text>` +
      `<rect x="${LABEL_WIDTH}" y="${y + 4}" width="${w}" height="${ROW - 8}" fill="${color}" rx="2"></rect>` +
      `<text x="${LABEL_WIDTH + w + 6}" y="${y + 16}">${bar.value}${escapeHtml(unit)}</text></g>`
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${title}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><title>${title}</title>${rows.join('')}</svg>`;
}
