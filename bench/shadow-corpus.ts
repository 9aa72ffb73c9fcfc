import * as fs from 'node:fs';
import { decode, normalizeRecord } from '../lambdas/core/formats';
import { isRejection } from '../lambdas/core/model/rejection';
import { hostKey } from '../lambdas/core/model/host';
import { fixtureFiles } from './corpus';
import { mulberry32 } from './generator';

/**
 * A month of a fleet's Sysmon and EDR records for the shadow bench: the real records of the fixture corpus (OTRF
 * recordings, SigmaHQ regression events, vendor samples) replayed as episodes on a fleet of hosts over 30 days. Each
 * episode is one source file's records, in their order and with their own spacing in time, moved to a host and a
 * start time; process GUIDs are renamed per episode (so process trees link within it, not across), record ids and
 * vendor alert ids are made unique, and a few records are sent twice (forwarder resends). Deterministic per seed.
 */

export interface ShadowCorpusSpec {
  records: number;
  hosts: number;
  days: number;
  /** Episodes in progress at once (their records interleave, as a fleet's do in an export). */
  concurrent: number;
  /** Share of records that are EDR alerts (the rest Sysmon and Windows events). */
  edrShare: number;
  /** Share of records repeated from shortly before. */
  duplicateRate: number;
  seed: number;
}

export const DEFAULT_SHADOW_CORPUS: ShadowCorpusSpec = {
  records: 1_000_000,
  hosts: 500,
  days: 30,
  concurrent: 16,
  edrShare: 0.1,
  duplicateRate: 0.02,
  seed: 7,
};

const START = Date.parse('2026-03-01T00:00:00Z');
const EDR_PRODUCTS = new Set(['crowdstrike', 'defender', 'sentinelone', 'elastic', 'generic', 'wazuh']);

type Part = string | { kind: 'host'; upper: boolean } | { kind: 'time'; ms: number; style: TimeStyle } | Token;
type Token = { kind: 'guid'; value: string } | { kind: 'recordId' } | { kind: 'vendorId'; value: string };
interface TimeStyle {
  sep: string;
  frac: string;
}

interface Template {
  parts: Part[];
  edr: boolean;
}

const TIME_RE = /(\d{4})-(\d{2})-(\d{2})([T ])(\d{2}):(\d{2}):(\d{2})(\.\d+)?/g;
const GUID_RE = /\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}/g;
const RECORD_ID_RE = /("EventRecordID"\s*:\s*"?)(\d+)/g;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The record text cut at what each generated record changes: host names, times, GUIDs, record and vendor ids. */
function compile(text: string, host: string, vendorId: string | undefined): Part[] {
  const marks: { start: number; end: number; part: Part }[] = [];
  const add = (re: RegExp, part: (m: RegExpExecArray) => Part | undefined): void => {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const p = part(m);
      if (p !== undefined) marks.push({ start: m.index, end: m.index + m[0].length, part: p });
    }
  };
  if (vendorId !== undefined && vendorId.length >= 6)
    add(new RegExp(escapeRe(vendorId), 'g'), () => ({ kind: 'vendorId', value: vendorId }));
  add(TIME_RE, (m) => {
    const ms = Date.UTC(
      +m[1],
      +m[2] - 1,
      +m[3],
      +m[5],
      +m[6],
      +m[7],
      m[8] ? Number(m[8].slice(1, 4).padEnd(3, '0')) : 0,
    );
    return Number.isNaN(ms) ? undefined : { kind: 'time', ms, style: { sep: m[4], frac: m[8] ?? '' } };
  });
  add(GUID_RE, (m) => ({ kind: 'guid', value: m[0].toUpperCase() }));
  RECORD_ID_RE.lastIndex = 0;
  for (let m = RECORD_ID_RE.exec(text); m !== null; m = RECORD_ID_RE.exec(text)) {
    const start = m.index + m[1].length;
    marks.push({ start, end: start + m[2].length, part: { kind: 'recordId' } });
  }
  if (host.length >= 3)
    add(new RegExp(`(?<![A-Za-z0-9_-])${escapeRe(host)}(?![A-Za-z0-9_-])`, 'gi'), (m) => ({
      kind: 'host',
      upper: m[0] === m[0].toUpperCase(),
    }));
  marks.sort((a, b) => a.start - b.start);
  const parts: Part[] = [];
  let pos = 0;
  for (const m of marks) {
    if (m.start < pos) continue; // overlapping marks: the first wins
    parts.push(text.slice(pos, m.start), m.part);
    pos = m.end;
  }
  parts.push(text.slice(pos));
  return parts;
}

function formatTime(ms: number, style: TimeStyle): string {
  const iso = new Date(ms).toISOString(); // 2026-03-01T00:00:00.000Z
  const base = `${iso.slice(0, 10)}${style.sep}${iso.slice(11, 19)}`;
  if (style.frac === '') return base;
  // Keep the source's precision: milliseconds from the clock, finer digits as they were.
  return `${base}${`.${iso.slice(20, 23)}${style.frac.slice(4)}`.slice(0, style.frac.length)}`;
}

interface Episode {
  templates: Template[];
  next: number;
  host: string;
  shiftMs: number;
  guids: Map<string, string>;
  tag: string;
}

/** The episodes to replay: every fixture file's JSON records that normalize, grouped by file. */
export function loadEpisodes(): { sysmon: Template[][]; edr: Template[][] } {
  const sysmon: Template[][] = [];
  const edr: Template[][] = [];
  const ctx = { source: 'bench', receivedTime: '2026-04-01T00:00:00.000Z', maxRawBytes: 65536 };
  for (const f of fixtureFiles()) {
    const list: Template[] = [];
    for (const r of decode(fs.readFileSync(f), f).records) {
      if (r.kind !== 'json') continue;
      const a = normalizeRecord(r, ctx);
      if (isRejection(a)) continue;
      const product = a.source.product;
      const isEdr = EDR_PRODUCTS.has(product) && a.source.format !== 'windows-event';
      if (!isEdr && product !== 'sysmon' && a.source.format !== 'windows-event') continue;
      const colon = a.alertId.indexOf(':');
      const vendorId = isEdr ? a.alertId.slice(colon + 1) : undefined;
      const short = a.host.name.split(/[.\\]/).find((x) => x.length > 0) ?? a.host.name;
      const text = r.text.replace(/\r?\n/g, ' ');
      const t: Template = { parts: compile(text, short, vendorId), edr: isEdr };
      if (validTemplate(t, a.alertId, Date.parse(a.eventTime))) list.push(t);
    }
    if (list.length === 0) continue;
    const templates = list;
    if (templates[0].edr) for (const t of templates) edr.push([t]);
    else sysmon.push(templates);
  }
  return { sysmon, edr };
}

/** A template is used only if a record made from it really moves: another host, another time, another id. */
function validTemplate(t: Template, alertId: string, eventMs: number): boolean {
  if (!t.parts.some((p) => typeof p !== 'string' && p.kind === 'host')) return false;
  if (!t.parts.some((p) => typeof p !== 'string' && p.kind === 'time')) return false;
  const ep: Episode = {
    templates: [t],
    next: 0,
    host: 'ZZ-CHECK-001',
    shiftMs: 86_400_000,
    guids: new Map(),
    tag: 'x1',
  };
  const text = render(t, ep, { recordId: 1 });
  const d = decode(text, 'check');
  if (d.records.length !== 1) return false;
  const a = normalizeRecord(d.records[0], {
    source: 'check',
    receivedTime: '2026-04-01T00:00:00.000Z',
    maxRawBytes: 65536,
  });
  if (isRejection(a)) return false;
  return a.alertId !== alertId && hostKey(a.host.name) === 'zz-check-001' && Date.parse(a.eventTime) !== eventMs;
}

function render(t: Template, ep: Episode, counter: { recordId: number }): string {
  let out = '';
  for (const p of t.parts) {
    if (typeof p === 'string') out += p;
    else if (p.kind === 'host') out += p.upper ? ep.host : ep.host.toLowerCase();
    else if (p.kind === 'time') out += formatTime(p.ms + ep.shiftMs, p.style);
    else if (p.kind === 'recordId') out += String(counter.recordId++);
    else if (p.kind === 'vendorId') out += `${p.value}-${ep.tag}`;
    else {
      let g = ep.guids.get(p.value);
      if (g === undefined) {
        g = renamedGuid(p.value, ep.tag);
        ep.guids.set(p.value, g);
      }
      out += g;
    }
  }
  return out;
}

/** A GUID of the same shape, different per episode: FNV over the original and the episode tag. */
function renamedGuid(guid: string, tag: string): string {
  let hex = '';
  for (let k = 0; hex.length < 32; k++) {
    let h = 0x811c9dc5 ^ k;
    for (const c of `${guid}${tag}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193);
    hex += (h >>> 0).toString(16).padStart(8, '0');
  }
  const x = hex.slice(0, 32).toUpperCase();
  return `{${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}}`;
}

/**
 * Writes `spec.records` NDJSON records to `file`. Returns the record and byte counts and how many episodes and
 * templates went in.
 */
export async function writeShadowCorpus(
  file: string,
  spec: ShadowCorpusSpec = DEFAULT_SHADOW_CORPUS,
): Promise<{ records: number; bytes: number; episodes: number; templates: number }> {
  const { sysmon, edr } = loadEpisodes();
  if (sysmon.length === 0 || edr.length === 0) throw new Error('no usable fixture records for the shadow corpus');
  const r = mulberry32(spec.seed);
  const hosts = Array.from({ length: spec.hosts }, (_, i) => `WS-${String(i + 1).padStart(4, '0')}`);
  const counter = { recordId: 1_000_000 };
  const span = spec.days * 86_400_000;
  let written = 0;
  let episodes = 0;
  let bytes = 0;
  // The last records written, for resends: a ring.
  const recent: string[] = [];
  let recentAt = 0;
  const newEpisode = (): Episode => {
    const pool = r() < spec.edrShare ? edr : sysmon;
    const templates = pool[Math.floor(r() * pool.length)];
    const first = templates[0].parts.find(
      (p): p is Extract<Part, { kind: 'time' }> => typeof p !== 'string' && p.kind === 'time',
    )!;
    // Episodes start in time order through the month, with an hour of jitter: an export is roughly sorted.
    const at = START + (written / spec.records) * span + (r() - 0.5) * 3_600_000;
    episodes++;
    return {
      templates,
      next: 0,
      host: hosts[Math.floor(r() * hosts.length)],
      shiftMs: Math.round(at - first.ms),
      guids: new Map(),
      tag: `e${episodes}`,
    };
  };
  const active: Episode[] = Array.from({ length: spec.concurrent }, newEpisode);
  const out = fs.createWriteStream(file);
  const lines: string[] = [];
  const flush = async (): Promise<void> => {
    const chunk = lines.join('');
    lines.length = 0;
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  while (written < spec.records) {
    let line: string;
    if (recent.length > 100 && r() < spec.duplicateRate) line = recent[Math.floor(r() * recent.length)];
    else {
      const i = Math.floor(r() * active.length);
      const ep = active[i];
      line = `${render(ep.templates[ep.next++], ep, counter)}\n`;
      if (ep.next >= ep.templates.length) active[i] = newEpisode();
      if (recent.length < 2000) recent.push(line);
      else recent[recentAt++ % 2000] = line;
    }
    lines.push(line);
    written++;
    if (lines.length >= 2000) await flush();
  }
  await flush();
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return { records: written, bytes, episodes, templates: [...sysmon, ...edr].reduce((n, e) => n + e.length, 0) };
}
