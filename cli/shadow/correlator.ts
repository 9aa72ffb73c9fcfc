import { DEFAULT_CORRELATION, correlate } from '../../lambdas/core/correlate/correlate';
import type { CorrelationSettings, GroupHead } from '../../lambdas/core/correlate/correlate';
import { DEFAULT_HANDOFF, ID_CONFLICT, emptyMeta, mergeIntoMeta } from '../../lambdas/core/correlate/incident-meta';
import type { IncidentMeta } from '../../lambdas/core/correlate/incident-meta';
import { DEFAULT_PRIORITY, maxCriticality, priorityFor } from '../../lambdas/core/draft/priority';
import { conflictId } from '../../lambdas/core/ingest/fingerprint';
import type { Criticality } from '../../lambdas/core/model/enrichment';
import type { ShadowAlert } from './segment-work';
import { SeenTable, fingerprintHash } from './seen-table';
import type { SeenEntry } from './seen-table';

/**
 * Correlation for shadow mode: the ingest stage's dedupe, correlation and incident merge (core/ingest/ingest-batch.ts)
 * over batches of alerts in input order, keeping only what the report needs. The same pure core runs (`correlate`,
 * `mergeIntoMeta`), and the batch is handled step for step as `ingestBatch` handles it over the in-memory store, less
 * what has no object in a replay: suppressions (no analyst verdicts yet), retries, concurrent writers, hand-offs.
 * Every record is its own message, as a forwarder sending one host's events would have it.
 *
 * Memory is bounded by the open incidents, not the records: an incident closes once no group head points to it any
 * more (no later alert can join it), and a head expires once its host's events have moved on past the longest
 * correlation window plus an allowance for records out of order. A closed incident is folded into the report's
 * counters and dropped. Alert ids are kept, 16 bytes each, for exact-duplicate detection over the whole run.
 */

export interface CorrelatorOptions {
  /** Alerts correlated together (the larger, the closer to correlating the whole input at once). */
  batchSize: number;
  /** First batch's `now` (ISO): batch k runs at this time plus k ms, so a run repeats exactly. */
  startTime: string;
  /** Time a record may arrive after later ones of its host and still correlate as if in order (ms). */
  lateAllowanceMs: number;
  correlation?: CorrelationSettings;
  /** Called with each incident as it closes (tests compare incidents one by one). */
  onClose?: (meta: IncidentMeta) => void;
}

export const CORRELATOR_DEFAULTS = {
  batchSize: 5_000,
  lateAllowanceMs: 24 * 60 * 60 * 1000,
} as const;

export interface Tally {
  alerts: number;
  /** Incidents above the ticket threshold that hold at least one of these alerts. */
  tickets: number;
}

export interface SigmaTally extends Tally {
  id: string;
  title: string;
  level: string;
  author?: string;
}

export interface ShadowTotals {
  /** Unique alerts counted on incidents. */
  alerts: number;
  duplicates: number;
  incidents: number;
  tickets: number;
  /** Alerts of the ticketed incidents. */
  ticketAlerts: number;
  /** Alerts older than their host's correlation horizon when they arrived: correlated with what was still open. */
  lateAlerts: number;
  /** Most incidents open at once: what memory grew with. */
  peakOpenIncidents: number;
  perDay: Map<string, { tickets: number; byPriority: Record<string, number> }>;
  rules: Map<string, Tally>;
  sigma: Map<string, SigmaTally>;
  hosts: Map<string, Tally>;
}

interface OpenIncident {
  no: number;
  id: string;
  meta?: IncidentMeta;
  /** Heads pointing here: at 0 the incident can never be joined again. */
  heads: number;
  rules: Map<string, number>;
  sigma: Map<string, number>;
  hosts: Map<string, number>;
  criticality?: Criticality;
}

interface ShadowHead extends GroupHead {
  host: string;
  lastSeenMs: number;
}

/** The key an alert's rule is tallied under in the report (the noisiest rules list, as before). */
export function ruleLabel(a: ShadowAlert): string {
  return a.rule?.name ?? `(no rule) ${a.eventName ?? a.eventType}`;
}

const bump = (m: Map<string, number>, k: string, n = 1): void => {
  m.set(k, (m.get(k) ?? 0) + n);
};

export class ShadowCorrelator {
  private readonly seen = new SeenTable();
  private readonly heads = new Map<string, ShadowHead>();
  private readonly open = new Map<number, OpenIncident>();
  private readonly openById = new Map<string, OpenIncident>();
  /** Per host: the latest event time (ms) in the last batch that had its alerts, and that batch. */
  private readonly hostClock = new Map<string, { ms: number; batch: number }>();
  /** Latest event time seen at all (not past the run's own time plus a day: a forged future date moves nothing). */
  private clock = -Infinity;
  private readonly clockLimit: number;
  private readonly sigmaMeta = new Map<string, { title: string; level: string; author?: string }>();
  private batch: ShadowAlert[] = [];
  private batches = 0;
  private nextNo = 0;
  private readonly horizonMs: number;
  private readonly settings: CorrelationSettings;
  readonly totals: ShadowTotals = {
    alerts: 0,
    duplicates: 0,
    incidents: 0,
    tickets: 0,
    ticketAlerts: 0,
    lateAlerts: 0,
    peakOpenIncidents: 0,
    perDay: new Map(),
    rules: new Map(),
    sigma: new Map(),
    hosts: new Map(),
  };

  constructor(private readonly opts: CorrelatorOptions) {
    this.settings = opts.correlation ?? DEFAULT_CORRELATION;
    this.horizonMs = Math.max(this.settings.linkWindowMs, this.settings.stormWindowMs) + opts.lateAllowanceMs;
    this.clockLimit = Date.parse(opts.startTime) + 86_400_000;
  }

  /** Alerts in input order; a full batch is correlated at once. */
  add(alerts: readonly ShadowAlert[]): void {
    for (const a of alerts) {
      this.batch.push(a);
      if (this.batch.length >= this.opts.batchSize) this.flush();
    }
  }

  /** The end of the input: the last batch, then every incident still open is closed. */
  finish(): ShadowTotals {
    this.flush();
    for (const inc of [...this.open.values()]) this.close(inc);
    return this.totals;
  }

  /** Open incidents now (for tests and progress). */
  get openIncidents(): number {
    return this.open.size;
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    this.runBatch(batch, new Date(Date.parse(this.opts.startTime) + this.batches++).toISOString());
  }

  private incident(id: string): OpenIncident {
    let inc = this.openById.get(id);
    if (inc === undefined) {
      inc = { no: this.nextNo++, id, heads: 0, rules: new Map(), sigma: new Map(), hosts: new Map() };
      this.open.set(inc.no, inc);
      this.openById.set(id, inc);
    }
    return inc;
  }

  /** One batch, as `ingestBatch` runs it (the numbered steps are its own). */
  private runBatch(batch: ShadowAlert[], now: string): void {
    const t = this.totals;
    // 1. Exact duplicates inside the batch, then against what was counted before; the same id with other content
    // is a conflict, kept under an id of its own.
    const fingerprints = new Map<string, string>();
    const firstOf = new Map<string, ShadowAlert>();
    const copies = new Map<string, number>();
    const take = (alert: ShadowAlert, fp: string): void => {
      const held = fingerprints.get(alert.alertId);
      if (held === undefined) {
        fingerprints.set(alert.alertId, fp);
        firstOf.set(alert.alertId, alert);
      } else if (held === fp) copies.set(alert.alertId, (copies.get(alert.alertId) ?? 0) + 1);
      else take(asConflict(alert, fp), fp);
    };
    for (const a of batch) take(a, a.fingerprint);
    const seen = new Map<string, SeenEntry>();
    for (const id of firstOf.keys()) {
      const e = this.seen.get(id);
      if (e !== undefined) seen.set(id, e);
    }
    const conflicted: string[] = [];
    for (const [alertId, alert] of firstOf) {
      const claim = seen.get(alertId);
      const fp = fingerprints.get(alertId)!;
      if (claim === undefined || claim.fingerprint === fingerprintHash(fp)) continue;
      const moved = asConflict(alert, fp);
      firstOf.delete(alertId);
      const extra = copies.get(alertId);
      copies.delete(alertId);
      if (firstOf.has(moved.alertId)) {
        copies.set(moved.alertId, (copies.get(moved.alertId) ?? 0) + 1 + (extra ?? 0));
        continue;
      }
      firstOf.set(moved.alertId, moved);
      fingerprints.set(moved.alertId, fp);
      if (extra !== undefined) copies.set(moved.alertId, extra);
      conflicted.push(moved.alertId);
    }
    for (const id of conflicted) {
      const e = this.seen.get(id);
      if (e !== undefined) seen.set(id, e);
    }
    const dupByIncident = new Map<number, number>();
    const addDup = (incident: number, n: number): void => {
      dupByIncident.set(incident, (dupByIncident.get(incident) ?? 0) + n);
    };
    const fresh: ShadowAlert[] = [];
    for (const [alertId, alert] of firstOf) {
      const claim = seen.get(alertId);
      if (claim === undefined) fresh.push(alert);
      else addDup(claim.incident, 1 + (copies.get(alertId) ?? 0));
    }
    for (const a of fresh) {
      const clock = this.hostClock.get(a.enrichment.hostKey);
      if (clock !== undefined && Date.parse(a.eventTime) < clock.ms - this.horizonMs) t.lateAlerts++;
    }

    // 3. Correlate against the open groups. Every record is its own message: no fan-out folding. Handed over in
    // the order correlate sorts them into, its sort (by locale comparison, slow) is one pass over sorted input.
    const iso = fresh.every((a) => ISO_TIME.test(a.eventTime));
    const corr = correlate(iso ? [...fresh].sort(byTimeThenId) : fresh, this.heads, this.settings, now);

    // 4–5. Claim each alert for its incident, tally it there.
    const byIncident = new Map<string, ShadowAlert[]>();
    for (const a of fresh) {
      const inc = this.incident(corr.assignment.get(a.alertId)!);
      this.seen.claim(a.alertId, inc.no, fingerprintHash(fingerprints.get(a.alertId)!));
      const extra = copies.get(a.alertId);
      if (extra !== undefined) addDup(inc.no, extra);
      const list = byIncident.get(inc.id);
      if (list === undefined) byIncident.set(inc.id, [a]);
      else list.push(a);
      bump(inc.rules, ruleLabel(a));
      bump(inc.hosts, a.enrichment.hostKey);
      for (const d of a.detections ?? []) {
        bump(inc.sigma, d.id);
        if (!this.sigmaMeta.has(d.id))
          this.sigmaMeta.set(d.id, {
            title: d.title,
            level: d.level,
            ...(d.author !== undefined ? { author: d.author } : {}),
          });
      }
      const criticality = a.enrichment.asset?.criticality;
      if (criticality !== undefined) inc.criticality = maxCriticality([inc.criticality, criticality]);
    }

    // 6. One merge per incident, duplicates folded in; duplicates of incidents this batch does not touch.
    for (const [id, list] of byIncident) {
      const inc = this.openById.get(id)!;
      const dups = dupByIncident.get(inc.no) ?? 0;
      dupByIncident.delete(inc.no);
      // The same stable order by event time mergeIntoMeta sorts into (so its own sort is one pass), and the first.
      if (iso) list.sort(byTime);
      const first = iso ? list[0] : [...list].sort((a, b) => a.eventTime.localeCompare(b.eventTime))[0];
      const base = inc.meta ?? emptyMeta(id, corr.keys.get(first.alertId)!.storm, corr.created.get(id) ?? now, first);
      inc.meta = mergeIntoMeta(base, {
        alerts: list,
        duplicates: dups,
        suppressed: 0,
        messageIds: [],
        outbreak: corr.outbreaks.has(id),
      });
      t.alerts += list.length;
      t.duplicates += dups;
    }
    for (const [no, n] of dupByIncident) {
      const inc = this.open.get(no);
      if (inc?.meta !== undefined) inc.meta = { ...inc.meta, duplicates: inc.meta.duplicates + n };
      t.duplicates += n;
    }

    // 7. Point the group keys at their incidents.
    // Heads are written by core's correlate for whichever kinds of key it has (storm, the short cross-sensor keys,
    // produced…): every key of an alert is named, so a head of any kind expires by its own host's clock.
    const hostOfKey = new Map<string, string>();
    for (const a of fresh) {
      const host = a.enrichment.hostKey;
      // Every kind of key `linkKeys` makes (each is scoped to its host, keys.ts), not only the kinds that make heads.
      for (const v of Object.values(corr.keys.get(a.alertId)!)) {
        if (typeof v === 'string') hostOfKey.set(v, host);
        else for (const key of v) hostOfKey.set(key, host);
      }
    }
    const touched = new Set<OpenIncident>([...byIncident.keys()].map((id) => this.openById.get(id)!));
    for (const h of corr.heads) {
      const prev = this.heads.get(h.key);
      if (prev !== undefined) this.release(prev, touched);
      this.heads.set(h.key, {
        key: h.key,
        incidentId: h.incidentId,
        lastSeen: h.lastSeen,
        incidentCreated: h.incidentCreated,
        host: hostOfKey.get(h.key) ?? '',
        lastSeenMs: Date.parse(h.lastSeen),
      });
      this.openById.get(h.incidentId)!.heads++;
    }

    // Clocks move on; heads past the horizon expire, and incidents no head points to close. A head expires by its
    // host's clock: the latest event of the host in the last batch that had any (so an input that goes back in time,
    // the next file of a directory, is followed and not taken for late); or, once its host has had no alert for two
    // batches, by the input's clock: a host that went quiet must not keep its incidents open.
    const batchNo = this.batches;
    for (const a of fresh) {
      const ms = Math.min(Date.parse(a.eventTime), this.clockLimit);
      const host = a.enrichment.hostKey;
      const c = this.hostClock.get(host);
      if (c === undefined) this.hostClock.set(host, { ms, batch: batchNo });
      else if (c.batch !== batchNo) {
        c.ms = ms;
        c.batch = batchNo;
      } else if (ms > c.ms) c.ms = ms;
      if (ms > this.clock) this.clock = ms;
    }
    for (const [key, h] of this.heads) {
      const c = this.hostClock.get(h.host);
      const quiet = c === undefined || batchNo - c.batch >= 2;
      const expired =
        (c !== undefined && h.lastSeenMs < c.ms - this.horizonMs) ||
        (quiet && h.lastSeenMs < this.clock - this.horizonMs);
      if (!expired) continue;
      this.heads.delete(key);
      this.release(h, touched);
    }
    t.peakOpenIncidents = Math.max(t.peakOpenIncidents, this.open.size);
    for (const inc of touched) if (inc.heads === 0 && this.open.has(inc.no)) this.close(inc);
  }

  /** A head no longer points to its incident: note the incident for closing if it was the last. */
  private release(h: GroupHead, touched: Set<OpenIncident>): void {
    const inc = this.openById.get(h.incidentId);
    if (inc === undefined) return;
    inc.heads--;
    touched.add(inc);
  }

  /** Fold a closed incident into the report's counters and forget it. */
  private close(inc: OpenIncident): void {
    this.open.delete(inc.no);
    this.openById.delete(inc.id);
    const meta = inc.meta;
    if (meta === undefined) return;
    this.opts.onClose?.(meta);
    const t = this.totals;
    t.incidents++;
    const ticketed = meta.severity >= DEFAULT_HANDOFF.ticketThreshold;
    if (ticketed) {
      t.tickets++;
      t.ticketAlerts += meta.alertCount;
      const day = meta.firstSeen.slice(0, 10);
      const level = priorityFor(meta.severity, inc.criticality, DEFAULT_PRIORITY, meta.priorityBasis).level;
      const d = t.perDay.get(day) ?? { tickets: 0, byPriority: {} };
      d.tickets++;
      d.byPriority[level] = (d.byPriority[level] ?? 0) + 1;
      t.perDay.set(day, d);
    }
    const fold = (into: Map<string, Tally>, from: Map<string, number>): void => {
      for (const [k, n] of from) {
        const e = into.get(k) ?? { alerts: 0, tickets: 0 };
        e.alerts += n;
        if (ticketed) e.tickets++;
        into.set(k, e);
      }
    };
    fold(t.rules, inc.rules);
    fold(t.hosts, inc.hosts);
    for (const [id, n] of inc.sigma) {
      const e = t.sigma.get(id) ?? { id, ...this.sigmaMeta.get(id)!, alerts: 0, tickets: 0 };
      e.alerts += n;
      if (ticketed) e.tickets++;
      t.sigma.set(id, e);
    }
  }
}

/**
 * Event times as the normalizer writes them (`toISOString`): for these, plain string order is the order of
 * `localeCompare`, which the core sorts by (digits at every position where two such strings can differ).
 */
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const byTime = (a: ShadowAlert, b: ShadowAlert): number =>
  a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : 0;

const byTimeThenId = (a: ShadowAlert, b: ShadowAlert): number => byTime(a, b) || a.alertId.localeCompare(b.alertId);

/** An alert kept under an id of its own: another event with other content already holds its id (ingest-batch.ts). */
function asConflict(alert: ShadowAlert, fingerprint: string): ShadowAlert {
  return {
    ...alert,
    alertId: conflictId(alert.alertId, fingerprint),
    flags: alert.flags.includes(ID_CONFLICT) ? alert.flags : [...alert.flags, ID_CONFLICT],
  };
}
