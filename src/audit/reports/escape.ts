/** Escaping of record data for the HTML and Markdown reports. */

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside HTML elements and quoted attributes. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * Text safe inside a Markdown table cell: no line breaks, pipes escaped, and the characters that
 * start emphasis, links, code or HTML escaped so record data cannot change the document.
 */
export function escapeMarkdown(value: unknown): string {
  return String(value ?? '')
    .replace(/[\r\n]+/g, ' ')
    .replace(/([\\`*_{}[\]()#+!|<>~])/g, '\\$1');
}
