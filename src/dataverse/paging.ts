/**
 * Paged results, Azure SDK style: iterate items with `for await`, or pages with
 * `byPage({ continuationToken, maxPageSize })`. The continuation token is opaque to callers
 * (base64url JSON around Dataverse's `@odata.nextLink`); hand it back to resume.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/page-results
 */
import { InputError } from '../errors.js';

/** Where to start and how big pages are. */
export interface PageSettings {
  /** Resume after the page that returned this token. */
  continuationToken?: string;
  /** Rows per page (`Prefer: odata.maxpagesize`), 1–5000. */
  maxPageSize?: number;
}

/** One page of rows. */
export interface Page<T> {
  items: T[];
  /** Present when more rows follow; pass it to `byPage` to continue from here. */
  continuationToken?: string;
  /** `@odata.count` when the query asked for it (first page). */
  count?: number;
}

/** Async iteration over items, with page-wise access. No `toArray()`: collecting is the caller's explicit choice. */
export interface PagedAsyncIterableIterator<T, TPage = Page<T>> extends AsyncIterableIterator<T> {
  byPage(settings?: PageSettings): AsyncIterableIterator<TPage>;
}

interface TokenContent {
  v: 1;
  nextLink: string;
}

/** Wrap a nextLink into an opaque continuation token. */
export function encodeContinuationToken(nextLink: string): string {
  const content: TokenContent = { v: 1, nextLink };
  return Buffer.from(JSON.stringify(content), 'utf8').toString('base64url');
}

/**
 * The nextLink inside a continuation token.
 * @throws InputError when the token is not one this client produced.
 */
export function decodeContinuationToken(token: string): string {
  try {
    const content = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<TokenContent>;
    if (content.v === 1 && typeof content.nextLink === 'string' && /^https?:\/\//.test(content.nextLink)) return content.nextLink;
  } catch {
    // reported below
  }
  throw new InputError('The continuation token is not valid', {}, { hint: 'Pass a continuationToken exactly as a previous page returned it, or start again without one.' });
}

/** Build a paged iterator from a page generator. Items are yielded page by page; only the current page is held. */
export function pagedIterator<T>(pages: (settings: PageSettings) => AsyncIterableIterator<Page<T>>): PagedAsyncIterableIterator<T> {
  async function* items(): AsyncIterableIterator<T> {
    for await (const page of pages({})) yield* page.items;
  }
  const iterator = items();
  return {
    next: () => iterator.next(),
    return: (value?: unknown) => iterator.return!(value as T),
    [Symbol.asyncIterator]() {
      return this;
    },
    byPage: (settings: PageSettings = {}) => pages(settings),
  };
}
