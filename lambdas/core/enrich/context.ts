import { CRITICALITIES } from '../model/enrichment';
import type {
  AssetContext,
  ContextSnapshot,
  Criticality,
  IndicatorContext,
  IocType,
  UserContext,
} from '../model/enrichment';
import { hostKey, userKey } from '../model/host';
import { parseCsv } from './csv';
import { refang } from './defang';
import { ipVersion } from './network';
import { urlHost } from './text-indicators';

/**
 * Context files for `a2t context import FILE` and `--context FILE`: assets, users and threat-intel indicators as
 * CSV with a header row, or JSON. Parsing is pure: the CLI reads the file and stores what this returns.
 */

export interface ParsedContext {
  assets: AssetContext[];
  users: UserContext[];
  indicators: IndicatorContext[];
  /** One line per problem, naming the file and row. Rows without a problem are still returned. */
  errors: string[];
}

type Kind = 'assets' | 'users' | 'indicators';

const COLUMNS: Readonly<Record<Kind, readonly string[]>> = {
  assets: ['host', 'department', 'owner', 'criticality', 'os'],
  users: ['user', 'name', 'department', 'title'],
  indicators: ['type', 'value', 'source', 'verdict'],
};

/** A kind from the names a header row or JSON object carries: `host` → assets, `user` → users, `type`+`value` → indicators. */
function kindOf(names: readonly string[]): Kind | undefined {
  const has = (n: string): boolean => names.includes(n);
  const kinds: Kind[] = [];
  if (has('host')) kinds.push('assets');
  if (has('user')) kinds.push('users');
  if (has('type') && has('value')) kinds.push('indicators');
  return kinds.length === 1 ? kinds[0] : undefined;
}

/** Indicator types as feeds spell them → our IOC types. `ip` and `hash` are resolved from the value. */
const TYPE_ALIASES: Readonly<Record<string, IocType | 'ip' | 'hash'>> = {
  ip: 'ip',
  ipaddress: 'ip',
  ipv4: 'ip',
  ipv6: 'ip',
  ipv4addr: 'ip',
  ipv6addr: 'ip',
  domain: 'domain',
  domainname: 'domain',
  hostname: 'domain',
  fqdn: 'domain',
  url: 'url',
  uri: 'url',
  md5: 'hash',
  sha1: 'hash',
  sha256: 'hash',
  hash: 'hash',
  filehash: 'hash',
  file: 'file',
  filename: 'file',
  filepath: 'file',
  path: 'file',
  registry: 'registry',
  regkey: 'registry',
  registrykey: 'registry',
  commandline: 'commandline',
  cmdline: 'commandline',
  command: 'commandline',
  task: 'task',
  scheduledtask: 'task',
};

const HASH_BY_LENGTH: Readonly<Record<number, IocType>> = { 32: 'md5', 40: 'sha1', 64: 'sha256' };

/**
 * An indicator in the form alerts' IOCs take, so lookups match: type resolved to an IOC type, network values
 * refanged (`194.165.16[.]89` → `194.165.16.89`), hashes lower-cased. A string says what is wrong.
 */
export function normalizeIndicator(ind: IndicatorContext): IndicatorContext | string {
  const alias =
    TYPE_ALIASES[
      ind.type
        .trim()
        .toLowerCase()
        .replace(/[\s_-]+/g, '')
    ];
  if (alias === undefined)
    return `type "${ind.type}" is not one of ip, domain, url, md5, sha1, sha256, file, registry, commandline, task`;
  const raw = ind.value.trim();
  if (raw === '') return 'value is empty';
  let type: IocType;
  let value = raw;
  switch (alias) {
    case 'ip': {
      value = refang(raw);
      const v = ipVersion(value);
      if (v === 0) return `value "${raw}" is not an IP address`;
      type = v === 4 ? 'ipv4' : 'ipv6';
      break;
    }
    case 'hash':
    case 'md5':
    case 'sha1':
    case 'sha256': {
      value = raw.toLowerCase();
      const t = /^[0-9a-f]+$/.test(value) ? HASH_BY_LENGTH[value.length] : undefined;
      if (t === undefined) return `value "${raw}" is not an MD5, SHA-1 or SHA-256 hash`;
      type = t;
      break;
    }
    case 'domain':
      value = refang(raw).replace(/\.$/, '');
      if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(value)) return `value "${raw}" is not a domain name`;
      type = 'domain';
      break;
    case 'url':
      value = refang(raw);
      if (urlHost(value) === undefined) return `value "${raw}" is not a URL`;
      type = 'url';
      break;
    default:
      type = alias;
  }
  return {
    type,
    value,
    ...(ind.source !== undefined ? { source: ind.source } : {}),
    ...(ind.verdict !== undefined ? { verdict: ind.verdict } : {}),
  };
}

/**
 * The key an indicator is stored and looked up under: `${iocType}#${lower-case value}`, the same form enrichment
 * builds from an alert's IOCs (`ipv4#194.165.16.89`). Undefined when the indicator cannot be normalized.
 */
export function indicatorKey(type: string, value: string): string | undefined {
  const n = normalizeIndicator({ type, value });
  return typeof n === 'string' ? undefined : `${n.type}#${n.value.toLowerCase()}`;
}

type Row = Map<string, string>;

/** One row → an item, or a message saying why not. Empty optional fields are left out, not stored empty. */
function toItem(kind: Kind, row: Row): AssetContext | UserContext | IndicatorContext | string {
  const opt = (name: string): Record<string, string> => {
    const v = row.get(name)?.trim();
    return v === undefined || v === '' ? {} : { [name]: v };
  };
  const required = (name: string): string | undefined => {
    const v = row.get(name)?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  switch (kind) {
    case 'assets': {
      const host = required('host');
      if (host === undefined) return 'host is empty';
      const c = row.get('criticality')?.trim().toLowerCase();
      if (c !== undefined && c !== '' && !CRITICALITIES.includes(c as Criticality)) {
        return `criticality "${row.get('criticality')?.trim()}" is not one of ${CRITICALITIES.join(', ')}`;
      }
      const criticality = c === undefined || c === '' ? {} : { criticality: c as Criticality };
      return { host, ...opt('department'), ...opt('owner'), ...criticality, ...opt('os') };
    }
    case 'users': {
      const user = required('user');
      if (user === undefined) return 'user is empty';
      return { user, ...opt('name'), ...opt('department'), ...opt('title') };
    }
    case 'indicators': {
      const type = required('type');
      const value = required('value');
      if (type === undefined || value === undefined) return 'type and value are both required';
      return normalizeIndicator({ type, value, ...opt('source'), ...opt('verdict') });
    }
  }
}

function emptyResult(): ParsedContext {
  return { assets: [], users: [], indicators: [], errors: [] };
}

function add(out: ParsedContext, kind: Kind, item: AssetContext | UserContext | IndicatorContext): void {
  if (kind === 'assets') out.assets.push(item as AssetContext);
  else if (kind === 'users') out.users.push(item as UserContext);
  else out.indicators.push(item as IndicatorContext);
}

function parseCsvContext(text: string, fileName: string): ParsedContext {
  const out = emptyResult();
  const { records, error } = parseCsv(text);
  if (error !== undefined) out.errors.push(`${fileName} ${error}`);
  const [header, ...rows] = records;
  if (header === undefined) {
    if (error === undefined) out.errors.push(`${fileName}: no header row`);
    return out;
  }
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const kind = kindOf(names);
  if (kind === undefined) {
    out.errors.push(
      `${fileName} line ${header.line}: header "${header.fields.join(',')}" names none (or more than one) of: ` +
        'host (assets), user (users), type and value (indicators)',
    );
    return out;
  }
  for (const n of names) {
    if (!COLUMNS[kind].includes(n)) out.errors.push(`${fileName}: column "${n}" is not used for ${kind} (ignored)`);
  }
  for (const r of rows) {
    if (r.fields.length > names.length) {
      out.errors.push(`${fileName} line ${r.line}: ${r.fields.length} fields, the header has ${names.length}`);
      continue;
    }
    const row: Row = new Map(names.map((n, i) => [n, r.fields[i] ?? '']));
    const item = toItem(kind, row);
    if (typeof item === 'string') out.errors.push(`${fileName} line ${r.line}: ${item}`);
    else add(out, kind, item);
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function jsonItems(out: ParsedContext, kind: Kind | undefined, list: unknown[], where: string, fileName: string): void {
  list.forEach((el, i) => {
    const at = `${fileName} ${where}[${i}]`;
    if (!isRecord(el)) {
      out.errors.push(`${at}: not an object`);
      return;
    }
    const names = Object.keys(el).map((k) => k.toLowerCase());
    const k = kind ?? kindOf(names);
    if (k === undefined) {
      out.errors.push(`${at}: has none (or more than one) of host, user, type and value`);
      return;
    }
    const row: Row = new Map();
    for (const [key, v] of Object.entries(el)) {
      const name = key.toLowerCase();
      if (!COLUMNS[k].includes(name)) continue;
      if (typeof v === 'string') row.set(name, v);
      else if (v !== null && v !== undefined) {
        out.errors.push(`${at}: ${key} must be text`);
        return;
      }
    }
    const item = toItem(k, row);
    if (typeof item === 'string') out.errors.push(`${at}: ${item}`);
    else add(out, k, item);
  });
}

function parseJsonContext(text: string, fileName: string): ParsedContext {
  const out = emptyResult();
  let data: unknown;
  try {
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    out.errors.push(`${fileName}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
    return out;
  }
  if (Array.isArray(data)) {
    // One kind per array, decided per element, so a mixed array is still read as far as it can be.
    jsonItems(out, undefined, data, '', fileName);
    return out;
  }
  if (!isRecord(data)) {
    out.errors.push(`${fileName}: expected {"assets": […], "users": […], "indicators": […]} or an array`);
    return out;
  }
  for (const [key, v] of Object.entries(data)) {
    const kind = (['assets', 'users', 'indicators'] as const).find((k) => k === key.toLowerCase());
    if (kind === undefined) {
      out.errors.push(`${fileName}: key "${key}" is not one of assets, users, indicators (ignored)`);
      continue;
    }
    if (!Array.isArray(v)) {
      out.errors.push(`${fileName} ${key}: not an array`);
      continue;
    }
    jsonItems(out, kind, v, key, fileName);
  }
  return out;
}

/**
 * Parse one context file. CSV needs a header row, which decides the kind: assets `host,department,owner,criticality[,os]`,
 * users `user,name,department,title`, indicators `type,value,source,verdict`. JSON is
 * `{"assets": […], "users": […], "indicators": […]}` or an array whose objects carry those same fields.
 * Criticality must be low, medium, high or critical; indicator types are normalized to IOC types.
 *
 * @example
 * parseContextFile('host,department,owner,criticality\nFIN-WS-034,Finance,"Williams, Jennifer",high\n', 'assets.csv')
 * // { assets: [{ host: 'FIN-WS-034', department: 'Finance', owner: 'Williams, Jennifer', criticality: 'high' }], … }
 */
export function parseContextFile(text: string, fileName: string): ParsedContext {
  const lower = fileName.toLowerCase();
  const json = lower.endsWith('.json') || (!lower.endsWith('.csv') && /^\uFEFF?\s*[[{]/.test(text));
  return json ? parseJsonContext(text, fileName) : parseCsvContext(text, fileName);
}

/**
 * The lookup maps enrichment reads: assets by hostKey, users by userKey, indicators by indicatorKey. A later entry
 * for the same key replaces an earlier one (the last file imported wins).
 */
export function buildSnapshot(
  assets: readonly AssetContext[],
  users: readonly UserContext[],
  indicators: readonly IndicatorContext[],
): ContextSnapshot {
  const snapshot: ContextSnapshot = { assets: new Map(), users: new Map(), indicators: new Map() };
  for (const a of assets) snapshot.assets.set(hostKey(a.host), a);
  for (const u of users) snapshot.users.set(userKey(u.user), u);
  for (const i of indicators) {
    const n = normalizeIndicator(i);
    if (typeof n === 'string') continue; // already reported when the file was parsed
    snapshot.indicators.set(`${n.type}#${n.value.toLowerCase()}`, n);
  }
  return snapshot;
}
