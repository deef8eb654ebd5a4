/**
 * `$filter`: a tokenizer, a precedence-climbing parser and a compiler to a row predicate, for the
 * subset Dataverse supports: `eq ne gt ge lt le`, `and`/`or`/`not`, parentheses, `contains`,
 * `startswith`, `endswith` (case-insensitive), literals (string with `''` escapes, number, GUID
 * quoted or not, date, boolean, null) and parameter aliases.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/filter-rows
 */
import { badRequest, notImplemented, unknownProperty, type WebApiError } from '../errors.js';
import type { ResolvedEntity } from '../entities/registry.js';
import type { AttributeDefinition, RowValues } from '../types.js';
import type { ResolvedRegistry } from '../entities/registry.js';
import { compileLambda, compileLookupPath, lambdaPath, type LambdaNode } from './lambda.js';
import { GUID_PATTERN } from '../../../util/guid.js';
import { compileQueryFunction, parseQueryFunctionCall, queryFunctionCallLength, type QueryFunctionCall } from './queryFunctions.js';

type TokenKind = 'open' | 'close' | 'comma' | 'colon' | 'string' | 'number' | 'guid' | 'datetime' | 'word' | 'alias' | 'call' | 'end';

interface Token {
  kind: TokenKind;
  text: string;
  position: number;
}

/** Literal value types the compiler checks operands against. */
export type ValueKind = 'string' | 'number' | 'boolean' | 'datetime' | 'guid' | 'null';

export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'compare'; operator: ComparisonOperator; left: Operand; right: Operand }
  | { kind: 'function'; name: 'contains' | 'startswith' | 'endswith'; target: Operand; argument: Operand }
  | { kind: 'operand'; operand: Operand }
  | LambdaNode
  | { kind: 'queryFunction'; call: QueryFunctionCall };

export type Operand = { kind: 'property'; name: string } | { kind: 'literal'; type: ValueKind; value: string | number | boolean | null };

export type ComparisonOperator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

const COMPARISONS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCTIONS = new Set(['contains', 'startswith', 'endswith']);
const GUID = new RegExp(`^${GUID_PATTERN}`);
const DATETIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?)?/;
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?[mMdDfFlL]?/;
const WORD = /^[A-Za-z_][A-Za-z0-9_.]*(\/[A-Za-z_][A-Za-z0-9_.]*)*/;
const ALIAS = /^@[A-Za-z_][A-Za-z0-9_]*/;

/** Maximum nesting of parentheses and `not` (keeps recursion bounded on hostile input). */
const MAX_DEPTH = 100;

function syntaxError(message: string, position: number): WebApiError {
  return badRequest(`Syntax error in $filter at position ${position}: ${message}.`);
}

/** Splits a filter string into tokens. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i]!;
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      i++;
      continue;
    }
    const rest = source.slice(i);
    if (char === '(') tokens.push({ kind: 'open', text: char, position: i });
    else if (char === ')') tokens.push({ kind: 'close', text: char, position: i });
    else if (char === ',') tokens.push({ kind: 'comma', text: char, position: i });
    else if (char === ':') tokens.push({ kind: 'colon', text: char, position: i });
    else if (char === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= source.length) throw syntaxError('unterminated string literal', i);
        if (source[j] === "'") {
          if (source[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += source[j];
        j++;
      }
      tokens.push({ kind: 'string', text: value, position: i });
      i = j + 1;
      continue;
    } else if (char === 'M' && queryFunctionCallLength(rest) > 0) {
      // A whole `Microsoft.Dynamics.CRM.Name(...)` call is one token (its lists use brackets).
      const length = queryFunctionCallLength(rest);
      tokens.push({ kind: 'call', text: rest.slice(0, length), position: i });
      i += length;
      continue;
    } else {
      const match =
        (GUID.exec(rest) && { kind: 'guid' as const, text: GUID.exec(rest)![0] }) ||
        (DATETIME.exec(rest) && /^\d{4}-/.test(rest) && { kind: 'datetime' as const, text: DATETIME.exec(rest)![0] }) ||
        (NUMBER.exec(rest) && { kind: 'number' as const, text: NUMBER.exec(rest)![0] }) ||
        (ALIAS.exec(rest) && { kind: 'alias' as const, text: ALIAS.exec(rest)![0] }) ||
        (WORD.exec(rest) && { kind: 'word' as const, text: WORD.exec(rest)![0] });
      if (!match) throw syntaxError(`unexpected character '${char}'`, i);
      tokens.push({ kind: match.kind, text: match.text, position: i });
      i += match.text.length;
      continue;
    }
    i++;
  }
  tokens.push({ kind: 'end', text: '', position: source.length });
  return tokens;
}

/** Parses a `$filter` value; `aliases` holds the query's `@name=value` parameters. */
export function parseFilter(source: string, aliases: ReadonlyMap<string, string> = new Map()): FilterNode {
  const tokens = tokenize(source);
  let index = 0;
  let depth = 0;
  const peek = () => tokens[index]!;
  const next = () => tokens[index++]!;
  const isWord = (token: Token, word: string) => token.kind === 'word' && token.text === word;
  const expect = (kind: TokenKind, what: string) => {
    const token = next();
    if (token.kind !== kind) throw syntaxError(`expected ${what} but found '${token.text || 'end of input'}'`, token.position);
    return token;
  };
  const enter = (position: number) => {
    if (++depth > MAX_DEPTH) throw syntaxError('the expression is nested too deeply', position);
  };
  /** Range variables of the lambda operators being parsed (innermost last). */
  const variables: string[] = [];

  /** `operand (word operand)*`, grouped from the left. */
  function parseChain(word: 'or' | 'and', operand: () => FilterNode): FilterNode {
    let left = operand();
    while (isWord(peek(), word)) {
      next();
      left = { kind: word, left, right: operand() };
    }
    return left;
  }
  function parseOr(): FilterNode {
    return parseChain('or', parseAnd);
  }
  function parseAnd(): FilterNode {
    return parseChain('and', parseUnary);
  }
  function parseUnary(): FilterNode {
    const token = peek();
    if (isWord(token, 'not')) {
      next();
      enter(token.position);
      const operand = parseUnary();
      depth--;
      return { kind: 'not', operand };
    }
    return parseComparison();
  }
  function parseComparison(): FilterNode {
    const token = peek();
    if (token.kind === 'open') {
      next();
      enter(token.position);
      const inner = parseOr();
      depth--;
      expect('close', "')'");
      return inner;
    }
    if (token.kind === 'call') {
      next();
      return { kind: 'queryFunction', call: parseQueryFunctionCall(token.text, token.position, aliases) };
    }
    if (token.kind === 'word' && FUNCTIONS.has(token.text) && tokens[index + 1]?.kind === 'open') {
      next();
      next();
      const target = parseOperand();
      expect('comma', "','");
      const argument = parseOperand();
      expect('close', "')'");
      return { kind: 'function', name: token.text as 'contains' | 'startswith' | 'endswith', target, argument };
    }
    const lambda = token.kind === 'word' && tokens[index + 1]?.kind === 'open' ? lambdaPath(token.text) : undefined;
    if (lambda) {
      // `<collection>/any(x:<expression>)`, `<collection>/all(x:<expression>)`, `<collection>/any()`.
      next();
      next();
      enter(token.position);
      if (peek().kind === 'close' && lambda.operator === 'any') {
        next();
        depth--;
        return { kind: 'lambda', navigation: lambda.navigation, operator: 'any' };
      }
      const variable = expect('word', 'a range variable');
      if (variable.text.includes('/') || variable.text.includes('.')) throw syntaxError(`'${variable.text}' is not a valid range variable`, variable.position);
      expect('colon', "':'");
      variables.push(variable.text);
      const predicate = parseOr();
      variables.pop();
      depth--;
      expect('close', "')'");
      return { kind: 'lambda', navigation: lambda.navigation, operator: lambda.operator, variable: variable.text, predicate };
    }
    const left = parseOperand();
    const operator = peek();
    if (operator.kind === 'word' && COMPARISONS.has(operator.text)) {
      next();
      return { kind: 'compare', operator: operator.text as ComparisonOperator, left, right: parseOperand() };
    }
    return { kind: 'operand', operand: left };
  }
  function parseOperand(): Operand {
    const token = next();
    switch (token.kind) {
      case 'string':
        return { kind: 'literal', type: 'string', value: token.text };
      case 'number': {
        const value = Number(token.text.replace(/[mMdDfFlL]$/, ''));
        if (!Number.isFinite(value)) throw syntaxError(`'${token.text}' is not a valid number`, token.position);
        return { kind: 'literal', type: 'number', value };
      }
      case 'guid':
        return { kind: 'literal', type: 'guid', value: token.text.toLowerCase() };
      case 'datetime':
        if (Number.isNaN(Date.parse(token.text))) throw syntaxError(`'${token.text}' is not a valid date`, token.position);
        return { kind: 'literal', type: 'datetime', value: token.text };
      case 'alias': {
        // An unassigned alias is null (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/filter-rows#use-parameter-aliases-with-filter-conditions).
        const assigned = aliases.get(token.text);
        if (assigned === undefined) return { kind: 'literal', type: 'null', value: null };
        const inner = tokenize(assigned);
        if (inner.length !== 2) throw syntaxError(`the value of parameter alias '${token.text}' is not a single literal`, token.position);
        tokens.splice(index, 0, inner[0]!);
        return parseOperand();
      }
      case 'word':
        if (token.text === 'null') return { kind: 'literal', type: 'null', value: null };
        if (token.text === 'true' || token.text === 'false') return { kind: 'literal', type: 'boolean', value: token.text === 'true' };
        // A path (`primarycontactid/fullname`, `c/jobtitle` in a lambda) is resolved when compiled.
        if (token.text.startsWith('Microsoft.Dynamics.CRM.')) throw notImplemented(`the query function '${token.text}'`);
        if (tokens[index]?.kind === 'open') throw badRequest(`An unknown function with name '${token.text}' was found. Dataverse supports only contains, startswith and endswith.`);
        if (COMPARISONS.has(token.text) || token.text === 'and' || token.text === 'or' || token.text === 'not') {
          throw syntaxError(`expected a property or a literal but found '${token.text}'`, token.position);
        }
        return { kind: 'property', name: token.text };
      default:
        throw syntaxError(`expected a property or a literal but found '${token.text || 'end of input'}'`, token.position);
    }
  }

  if (source.trim() === '') throw badRequest('The $filter query option is empty.');
  const tree = parseOr();
  const rest = peek();
  if (rest.kind !== 'end') throw syntaxError(`unexpected '${rest.text}'`, rest.position);
  return tree;
}

/** A compiled filter. */
export type RowPredicate = (values: RowValues) => boolean;

/** How a property is read from a stored row: the stored key and its value kind. */
export interface PropertyAccess {
  key: string;
  kind: ValueKind | 'other';
  attribute: AttributeDefinition;
}

/** Resolves a property name used in a query (attribute or `_x_value`) to its stored key. */
export function resolveProperty(entity: ResolvedEntity, name: string): PropertyAccess {
  const lookupAttribute = entity.lookupValues.get(name);
  if (lookupAttribute) return { key: lookupAttribute.name, kind: 'guid', attribute: lookupAttribute };
  const attribute = entity.attributes.get(name);
  if (!attribute || attribute.type === 'lookup' || attribute.type === 'owner') throw unknownProperty(name, entity.definition.logicalName);
  return { key: attribute.name, kind: valueKindOf(attribute), attribute };
}

function valueKindOf(attribute: AttributeDefinition): ValueKind | 'other' {
  switch (attribute.type) {
    case 'string':
    case 'memo':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'datetime':
    case 'dateonly':
      return 'datetime';
    case 'uniqueidentifier':
    case 'lookup':
    case 'owner':
      return 'guid';
    case 'managedproperty':
      return 'other';
    default:
      return 'number';
  }
}

const EDM: Record<ValueKind | 'other', string> = {
  string: 'Edm.String',
  number: 'Edm.Int32',
  boolean: 'Edm.Boolean',
  datetime: 'Edm.DateTimeOffset',
  guid: 'Edm.Guid',
  null: 'null',
  other: 'Microsoft.Dynamics.CRM.BooleanManagedProperty',
};

type Getter = { kind: ValueKind | 'other'; get: (values: RowValues) => unknown };

/** Normalizes a value for comparison: lower-case strings and GUIDs, epoch ms for dates. */
export function normalizeValue(kind: ValueKind | 'other', value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (kind === 'string' || kind === 'guid') return String(value).toLowerCase();
  if (kind === 'datetime') return Date.parse(String(value));
  return value;
}

function compatible(left: ValueKind | 'other', right: ValueKind | 'other'): boolean {
  if (left === 'null' || right === 'null' || left === right) return left !== 'other' && right !== 'other';
  // Dataverse accepts a quoted GUID for lookups and a quoted date for date columns.
  if ((left === 'guid' && right === 'string') || (left === 'string' && right === 'guid')) return true;
  if ((left === 'datetime' && right === 'string') || (left === 'string' && right === 'datetime')) return true;
  return false;
}

const OPERATOR_KIND: Record<ComparisonOperator, string> = {
  eq: 'Equal',
  ne: 'NotEqual',
  gt: 'GreaterThan',
  ge: 'GreaterThanOrEqual',
  lt: 'LessThan',
  le: 'LessThanOrEqual',
};

/**
 * Dataverse runs these functions as SQL LIKE, so `%`, `_`, `[abc]` and `[^abc]` inside the value
 * are wildcards (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/filter-rows#use-wildcard-characters).
 */
export function likeToRegex(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const char = value[i]!;
    if (char === '%') out += '.*';
    else if (char === '_') out += '.';
    else if (char === '[') {
      const close = value.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let set = value.slice(i + 1, close);
      const negated = set.startsWith('^');
      if (negated) set = set.slice(1);
      out += `[${negated ? '^' : ''}${set.replace(/[\\\]]/g, '\\$&')}]`;
      i = close;
    } else out += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return out;
}

/** Compiles a parsed filter against a table; unknown properties and type mismatches are 400s. */
export function compileFilter(node: FilterNode, entity: ResolvedEntity, registry?: ResolvedRegistry): RowPredicate {
  const operand = (op: Operand): Getter => {
    if (op.kind === 'literal') {
      const value = op.value;
      return { kind: op.type, get: () => value };
    }
    if (op.name.includes('/')) return compileLookupPath(entity, op.name, registry);
    const access = resolveProperty(entity, op.name);
    const key = access.key;
    return { kind: access.kind, get: (values) => values[key] };
  };

  switch (node.kind) {
    case 'and': {
      const left = compileFilter(node.left, entity, registry);
      const right = compileFilter(node.right, entity, registry);
      return (values) => left(values) && right(values);
    }
    case 'or': {
      const left = compileFilter(node.left, entity, registry);
      const right = compileFilter(node.right, entity, registry);
      return (values) => left(values) || right(values);
    }
    case 'not': {
      const inner = compileFilter(node.operand, entity, registry);
      return (values) => !inner(values);
    }
    case 'lambda':
      return compileLambda(node, entity, registry, compileFilter);
    case 'queryFunction':
      return compileQueryFunction(node.call, (name) => resolveProperty(entity, name));
    case 'operand': {
      const getter = operand(node.operand);
      if (getter.kind !== 'boolean') throw badRequest(`The $filter expression must evaluate to Edm.Boolean, but found ${EDM[getter.kind]}.`);
      return (values) => getter.get(values) === true;
    }
    case 'function': {
      const target = operand(node.target);
      const argument = operand(node.argument);
      if (target.kind !== 'string' || (argument.kind !== 'string' && argument.kind !== 'null')) {
        throw badRequest(`The function '${node.name}' needs a string property and a string literal; found ${EDM[target.kind]} and ${EDM[argument.kind]}.`);
      }
      const anchors = node.name === 'contains' ? ['', ''] : node.name === 'startswith' ? ['^', ''] : ['', '$'];
      const compile = (part: string) => new RegExp(`${anchors[0]}${likeToRegex(part)}${anchors[1]}`, 'is');
      const literal = node.argument.kind === 'literal' && typeof node.argument.value === 'string' ? compile(node.argument.value) : undefined;
      return (values) => {
        const text = target.get(values);
        const part = argument.get(values);
        if (typeof text !== 'string' || typeof part !== 'string') return false;
        return (literal ?? compile(part)).test(text);
      };
    }
    case 'compare': {
      const left = operand(node.left);
      const right = operand(node.right);
      if (!compatible(left.kind, right.kind)) {
        throw badRequest(
          `A binary operator with incompatible types was detected. Found operand types '${EDM[left.kind]}' and '${EDM[right.kind]}' for operator kind '${OPERATOR_KIND[node.operator]}'.`,
        );
      }
      const kind = left.kind === 'null' ? right.kind : left.kind === 'string' && right.kind !== 'null' ? right.kind : left.kind;
      if (kind === 'datetime') {
        for (const side of [node.left, node.right]) {
          if (side.kind === 'literal' && side.type === 'string' && Number.isNaN(Date.parse(String(side.value)))) {
            throw badRequest(`The literal '${String(side.value)}' is not a valid Edm.DateTimeOffset.`);
          }
        }
      }
      const operator = node.operator;
      return (values) => {
        const a = normalizeValue(kind, left.get(values));
        const b = normalizeValue(kind, right.get(values));
        if (operator === 'eq') return a === b;
        if (operator === 'ne') return a !== b;
        if (a === null || b === null) return false;
        const order = (a as number | string) < (b as number | string) ? -1 : (a as number | string) > (b as number | string) ? 1 : 0;
        switch (operator) {
          case 'gt':
            return order > 0;
          case 'ge':
            return order >= 0;
          case 'lt':
            return order < 0;
          default:
            return order <= 0;
        }
      };
    }
  }
}
