/**
 * A small JQL parser and evaluator: the subset the pipeline sends, parsed the way Jira does, so a query that is wrong
 * for Jira (an unquoted reserved word, an illegal escape, an unknown field, a value that does not exist) is refused
 * here too, with Jira's wording. Supported:
 *
 *   clause [AND clause]... [ORDER BY field [ASC|DESC] [, ...]]
 *   clause: field (= | !=) value | field [NOT] IN (value, ...) | field IS [NOT] (EMPTY | NULL)
 *   field:  project, labels, key (issuekey), status, statusCategory, priority, issuetype (type), resolution
 *   value:  "quoted" or 'quoted' (escapes \" \' \\ \n \r \t \uXXXX and "\ "), or an unquoted word
 *
 * OR, NOT, parentheses, functions and the text operators (~) are refused: the pipeline never sends them.
 */

export class JqlError extends Error {}

export type JqlField =
  | 'project'
  | 'labels'
  | 'key'
  | 'status'
  | 'statusCategory'
  | 'priority'
  | 'issuetype'
  | 'resolution'
  | 'created'
  | 'updated';

export type JqlClause =
  | { field: JqlField; op: '=' | '!='; value: string }
  | { field: JqlField; op: 'in' | 'not in'; values: string[] }
  | { field: JqlField; op: 'is empty' | 'is not empty' };

export interface JqlOrder {
  field: 'created' | 'updated' | 'key' | 'priority';
  direction: 'asc' | 'desc';
}

export interface JqlQuery {
  clauses: JqlClause[];
  orderBy: JqlOrder[];
}

/** Words Jira refuses unquoted (its list is longer; these are the ones a value could plausibly collide with). */
const RESERVED = new Set(
  'a an and are as at be but by changed do empty false for if in into is it not no null of on or order select such that the then there these they this to true was when where will with'.split(
    ' ',
  ),
);

const FIELD_ALIASES: Record<string, JqlField> = {
  project: 'project',
  labels: 'labels',
  key: 'key',
  issuekey: 'key',
  status: 'status',
  statuscategory: 'statusCategory',
  priority: 'priority',
  issuetype: 'issuetype',
  type: 'issuetype',
  resolution: 'resolution',
  created: 'created',
  createddate: 'created',
  updated: 'updated',
  updateddate: 'updated',
};

const ORDERABLE = new Set(['created', 'updated', 'key', 'priority']);

type Token =
  | { kind: 'string'; text: string; at: number }
  | { kind: 'word'; text: string; at: number }
  | { kind: 'op'; text: string; at: number }
  | { kind: 'punct'; text: '(' | ')' | ','; at: number };

const WORD_CHAR = /[A-Za-z0-9_.\-@]/;
const RESERVED_CHARS = new Set([...'+.,;?|*/%^$#@[]{}'.split(''), '`']);

function tokenize(jql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < jql.length) {
    const c = jql[i];
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '"' || c === "'") {
      const [text, end] = readString(jql, i);
      tokens.push({ kind: 'string', text, at: i });
      i = end;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', text: c, at: i });
      i += 1;
    } else if (c === '!' && jql[i + 1] === '=') {
      tokens.push({ kind: 'op', text: '!=', at: i });
      i += 2;
    } else if (c === '!' && jql[i + 1] === '~') {
      throw new JqlError(`The operator '!~' is not supported by the Jira emulator (column ${i + 1}).`);
    } else if (c === '=' || c === '~' || c === '<' || c === '>') {
      const two = jql.slice(i, i + 2);
      const text = two === '<=' || two === '>=' ? two : c;
      tokens.push({ kind: 'op', text, at: i });
      i += text.length;
    } else if (WORD_CHAR.test(c) && c !== '.' && c !== '@') {
      let j = i;
      while (j < jql.length && WORD_CHAR.test(jql[j])) j += 1;
      tokens.push({ kind: 'word', text: jql.slice(i, j), at: i });
      i = j;
    } else {
      const code = c.codePointAt(0) ?? 0;
      const hint = RESERVED_CHARS.has(c) ? ' reserved JQL character' : 'n unexpected character';
      throw new JqlError(
        `Error in the JQL Query: The character '${c}' is a${hint}. You must enclose it in a string or use the escape '\\u${code.toString(16).padStart(4, '0')}' instead. (line 1, character ${i + 1})`,
      );
    }
  }
  return tokens;
}

function readString(jql: string, start: number): [string, number] {
  const quote = jql[start];
  let out = '';
  let i = start + 1;
  while (i < jql.length) {
    const c = jql[i];
    if (c === quote) return [out, i + 1];
    if (c === '\n' || c === '\r') {
      throw new JqlError(
        `Error in the JQL Query: The quoted string starting at character ${start + 1} contains a newline; escape it as \\n.`,
      );
    }
    if (c !== '\\') {
      out += c;
      i += 1;
      continue;
    }
    const e = jql[i + 1];
    const simple: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', n: '\n', r: '\r', t: '\t', ' ': ' ' };
    if (e !== undefined && e in simple) {
      out += simple[e];
      i += 2;
    } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(jql.slice(i + 2, i + 6))) {
      out += String.fromCharCode(parseInt(jql.slice(i + 2, i + 6), 16));
      i += 6;
    } else {
      throw new JqlError(
        `Error in the JQL Query: '\\${e ?? ''}' is an illegal JQL escape sequence. The valid escape sequences are \\', \\", \\t, \\n, \\r, \\\\, '\\ ' and \\uXXXX. (line 1, character ${i + 1})`,
      );
    }
  }
  throw new JqlError(`Error in the JQL Query: The quoted string starting at character ${start + 1} is not closed.`);
}

/** Parses a query; throws JqlError with Jira's kind of message when it is not valid (or not in the subset). */
export function parseJql(jql: string): JqlQuery {
  const tokens = tokenize(jql);
  let pos = 0;
  const peekWord = (word: string): boolean => {
    const t = tokens[pos];
    return t !== undefined && t.kind === 'word' && t.text.toLowerCase() === word;
  };
  const expectWord = (word: string): void => {
    if (!peekWord(word)) throw unexpected(tokens[pos], `'${word.toUpperCase()}'`);
    pos += 1;
  };

  const clauses: JqlClause[] = [];
  const orderBy: JqlOrder[] = [];
  if (tokens.length > 0 && !peekWord('order')) {
    clauses.push(readClause());
    while (pos < tokens.length && !peekWord('order')) {
      if (peekWord('or') || peekWord('not')) {
        throw new JqlError(
          `'${tokens[pos].text.toUpperCase()}' is not supported by the Jira emulator: the pipeline sends AND only.`,
        );
      }
      expectWord('and');
      clauses.push(readClause());
    }
  }
  if (peekWord('order')) {
    pos += 1;
    expectWord('by');
    for (;;) {
      const t = tokens[pos];
      if (t === undefined || t.kind !== 'word') throw unexpected(t, 'a field name');
      const name = t.text.toLowerCase();
      if (!ORDERABLE.has(name))
        throw new JqlError(`Field '${t.text}' does not exist or you do not have permission to view it.`);
      pos += 1;
      let direction: 'asc' | 'desc' = 'asc';
      if (peekWord('asc') || peekWord('desc')) {
        direction = tokens[pos].text.toLowerCase() as 'asc' | 'desc';
        pos += 1;
      }
      orderBy.push({ field: name as JqlOrder['field'], direction });
      const next = tokens[pos];
      if (next?.kind !== 'punct' || next.text !== ',') break;
      pos += 1;
    }
  }
  if (pos < tokens.length) throw unexpected(tokens[pos], 'the end of the query');
  return { clauses, orderBy };

  function readClause(): JqlClause {
    const t = tokens[pos];
    if (t === undefined) throw unexpected(t, 'a field name');
    if (t.kind === 'punct' && t.text === '(') {
      throw new JqlError('Parentheses are not supported by the Jira emulator: the pipeline sends flat AND queries.');
    }
    if (t.kind !== 'word' && t.kind !== 'string') throw unexpected(t, 'a field name');
    const field = FIELD_ALIASES[t.text.toLowerCase()];
    if (field === undefined)
      throw new JqlError(`Field '${t.text}' does not exist or you do not have permission to view it.`);
    pos += 1;
    const op = tokens[pos];
    if (op?.kind === 'op' && (op.text === '=' || op.text === '!=')) {
      pos += 1;
      return { field, op: op.text, value: readValue() };
    }
    if (op?.kind === 'op') {
      throw new JqlError(`The operator '${op.text}' is not supported by the Jira emulator for field '${t.text}'.`);
    }
    if (peekWord('in') || peekWord('not')) {
      const negated = peekWord('not');
      pos += 1;
      if (negated) expectWord('in');
      return { field, op: negated ? 'not in' : 'in', values: readList() };
    }
    if (peekWord('is')) {
      pos += 1;
      const negated = peekWord('not');
      if (negated) pos += 1;
      if (!peekWord('empty') && !peekWord('null')) throw unexpected(tokens[pos], 'EMPTY or NULL');
      pos += 1;
      return { field, op: negated ? 'is not empty' : 'is empty' };
    }
    throw unexpected(op, 'an operator');
  }

  function readList(): string[] {
    const open = tokens[pos];
    if (open?.kind !== 'punct' || open.text !== '(') throw unexpected(open, "'('");
    pos += 1;
    const values = [readValue()];
    while (tokens[pos]?.kind === 'punct' && tokens[pos].text === ',') {
      pos += 1;
      values.push(readValue());
    }
    const close = tokens[pos];
    if (close?.kind !== 'punct' || close.text !== ')') throw unexpected(close, "')'");
    pos += 1;
    return values;
  }

  function readValue(): string {
    const t = tokens[pos];
    if (t === undefined) throw unexpected(t, 'a value');
    if (t.kind === 'string') {
      pos += 1;
      return t.text;
    }
    if (t.kind === 'word') {
      if (RESERVED.has(t.text.toLowerCase())) {
        throw new JqlError(
          `Error in the JQL Query: '${t.text}' is a reserved JQL word. You must surround it in quotation marks to use it in a query. (line 1, character ${t.at + 1})`,
        );
      }
      if (peekFunction()) throw new JqlError(`Functions are not supported by the Jira emulator ('${t.text}()').`);
      pos += 1;
      return t.text;
    }
    throw unexpected(t, 'a value');
  }

  function peekFunction(): boolean {
    const next = tokens[pos + 1];
    return next?.kind === 'punct' && next.text === '(';
  }
}

function unexpected(t: Token | undefined, expected: string): JqlError {
  if (t === undefined)
    return new JqlError(`Error in the JQL Query: Expecting ${expected} but reached the end of the query.`);
  return new JqlError(
    `Error in the JQL Query: Expecting ${expected} but got '${t.text}'. (line 1, character ${t.at + 1})`,
  );
}

/** What the evaluator needs to know about an issue. */
export interface JqlIssue {
  key: string;
  number: number;
  projectKey: string;
  labels: readonly string[];
  status: string;
  statusCategory: string;
  statusCategoryName: string;
  priority: string;
  priorityRank: number;
  issueType: string;
  resolution: string | null;
  created: number;
  updated: number;
}

/** Values a field can take on the site, to refuse a value that does not exist the way Jira does. */
export interface JqlVocabulary {
  projects: readonly string[];
  statuses: readonly string[];
  statusCategories: readonly string[];
  priorities: readonly string[];
  issueTypes: readonly string[];
  resolutions: readonly string[];
  keyExists(key: string): boolean;
}

/** Checks values against the site (Jira answers 400 for a project or status that does not exist). */
export function checkVocabulary(query: JqlQuery, vocabulary: JqlVocabulary): void {
  for (const clause of query.clauses) {
    const values = 'value' in clause ? [clause.value] : 'values' in clause ? clause.values : [];
    for (const value of values) {
      const known = knownValues(clause.field, vocabulary);
      if (known !== undefined && !known.some((k) => k.toLowerCase() === value.toLowerCase())) {
        throw new JqlError(`The value '${value}' does not exist for the field '${clause.field}'.`);
      }
      if (clause.field === 'key' && !vocabulary.keyExists(value)) {
        throw new JqlError(`An issue with key '${value}' does not exist for field 'key'.`);
      }
    }
  }
}

function knownValues(field: JqlField, v: JqlVocabulary): readonly string[] | undefined {
  switch (field) {
    case 'project':
      return v.projects;
    case 'status':
      return v.statuses;
    case 'statusCategory':
      return v.statusCategories;
    case 'priority':
      return v.priorities;
    case 'issuetype':
      return v.issueTypes;
    case 'resolution':
      return v.resolutions;
    default:
      return undefined;
  }
}

/** Whether the issue satisfies every clause (the subset has AND only). */
export function matches(issue: JqlIssue, query: JqlQuery): boolean {
  return query.clauses.every((clause) => matchClause(issue, clause));
}

function fieldValues(issue: JqlIssue, field: JqlField): string[] {
  switch (field) {
    case 'project':
      return [issue.projectKey];
    case 'labels':
      return [...issue.labels];
    case 'key':
      return [issue.key];
    case 'status':
      return [issue.status];
    case 'statusCategory':
      return [issue.statusCategory, issue.statusCategoryName];
    case 'priority':
      return [issue.priority];
    case 'issuetype':
      return [issue.issueType];
    case 'resolution':
      return issue.resolution === null ? [] : [issue.resolution];
    case 'created':
    case 'updated':
      throw new JqlError(`Comparing '${field}' is not supported by the Jira emulator; use it in ORDER BY.`);
  }
}

function matchClause(issue: JqlIssue, clause: JqlClause): boolean {
  const have = fieldValues(issue, clause.field);
  // Labels are matched exactly as stored; the other fields are names, which Jira compares case-insensitively.
  const same =
    clause.field === 'labels'
      ? (a: string, b: string) => a === b
      : (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const any = (wanted: string[]) => have.some((h) => wanted.some((w) => same(h, w)));
  switch (clause.op) {
    case '=':
      return any([clause.value]);
    case '!=':
      // Jira's != never matches an empty field.
      return have.length > 0 && !any([clause.value]);
    case 'in':
      return any(clause.values);
    case 'not in':
      return have.length > 0 && !any(clause.values);
    case 'is empty':
      return have.length === 0;
    case 'is not empty':
      return have.length > 0;
  }
}

/** Sorts by the ORDER BY fields; without one, Jira's default for this endpoint is newest key first. */
export function compareFor(orderBy: JqlOrder[]): (a: JqlIssue, b: JqlIssue) => number {
  const order: JqlOrder[] = orderBy.length > 0 ? orderBy : [{ field: 'key', direction: 'desc' }];
  return (a, b) => {
    for (const { field, direction } of order) {
      const d = sortValue(a, field) - sortValue(b, field);
      if (d !== 0) return direction === 'asc' ? d : -d;
    }
    return a.number - b.number;
  };
}

function sortValue(issue: JqlIssue, field: JqlOrder['field']): number {
  switch (field) {
    case 'created':
      return issue.created;
    case 'updated':
      return issue.updated;
    case 'key':
      return issue.number;
    case 'priority':
      return issue.priorityRank;
  }
}
