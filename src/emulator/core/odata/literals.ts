/**
 * URL literals of keys and function parameters: `accounts(accountnumber='A1')`,
 * `Fn(A=1,B='x')` and the values of parameter aliases.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/use-web-api-functions#passing-parameters-to-a-function
 */
import { badRequest } from '../errors.js';
import { isGuid } from '../values.js';

/** Parses `a='x',b=1` (alternate key or function parameters) into a map. */
export function parseKeyValues(text: string): Map<string, string> {
  const values = new Map<string, string>();
  let rest = text.trim();
  while (rest !== '') {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*/.exec(rest);
    if (!match) throw badRequest(`The key or parameter list '${text.slice(0, 200)}' is not valid.`);
    rest = rest.slice(match[0].length);
    let value: string;
    if (rest.startsWith("'")) {
      let end = 1;
      for (;;) {
        if (end >= rest.length) throw badRequest(`Unterminated string in '${text.slice(0, 200)}'.`);
        if (rest[end] === "'") {
          if (rest[end + 1] === "'") {
            end += 2;
            continue;
          }
          break;
        }
        end++;
      }
      value = rest.slice(0, end + 1);
      rest = rest.slice(end + 1);
    } else {
      const comma = rest.indexOf(',');
      value = comma < 0 ? rest : rest.slice(0, comma);
      rest = comma < 0 ? '' : rest.slice(comma);
      if (/\s/.test(value.trim())) throw badRequest(`The key or parameter list '${text.slice(0, 200)}' is not valid.`);
    }
    if (values.has(match[1]!)) throw badRequest(`The key or parameter '${match[1]}' appears more than once.`);
    values.set(match[1]!, value.trim());
    rest = rest.trim();
    if (rest.startsWith(',')) rest = rest.slice(1).trim();
    else if (rest !== '') throw badRequest(`The key or parameter list '${text.slice(0, 200)}' is not valid.`);
  }
  return values;
}

/** Decodes a URL literal: `'text'`, number, boolean, null, GUID. */
export function decodeLiteral(literal: string): unknown {
  if (literal.startsWith("'") && literal.endsWith("'") && literal.length >= 2) return literal.slice(1, -1).replace(/''/g, "'");
  if (literal === 'null') return null;
  if (literal === 'true' || literal === 'false') return literal === 'true';
  if (isGuid(literal as unknown)) return literal.toLowerCase();
  if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(literal)) return Number(literal);
  if (literal.startsWith('{') || literal.startsWith('[')) {
    try {
      return JSON.parse(literal) as unknown;
    } catch {
      throw badRequest(`The literal '${literal.slice(0, 100)}' is not valid JSON.`);
    }
  }
  return literal;
}
