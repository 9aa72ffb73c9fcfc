/**
 * Every alert id a shadow run has counted, in 16 bytes each: a 64-bit hash of the id, a 32-bit hash of the
 * content fingerprint, and the number of the incident that counted it. What the ingest store's `SEEN` items do
 * (an exact duplicate is counted on its incident; the same id with other content is a conflict), without keeping
 * the ids: a month of a fleet is millions of them, and a Map of strings would cost ten times as much.
 *
 * Hashes can collide: two ids in 2^64, two fingerprints of one id in 2^32. Over 10 million alerts the chance that
 * any one is miscounted is below one in a hundred thousand.
 */

/** An id's claim: who counted it, and a hash of what it held. */
export interface SeenEntry {
  incident: number;
  fingerprint: number;
}

/** 32-bit FNV-1a of a string's UTF-16 code units, with a seed. */
function fnv(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // Final avalanche (murmur3's fmix32): FNV alone leaves the low bits, which pick the slot, weakly mixed.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The fingerprint's hash, as the table stores it. */
export function fingerprintHash(fingerprint: string): number {
  return fnv(fingerprint, 0x5bd1e995);
}

export class SeenTable {
  private hi = new Uint32Array(1 << 16);
  private lo = new Uint32Array(1 << 16);
  private fp = new Uint32Array(1 << 16);
  /** Incident number + 1; 0 marks a free slot. */
  private inc = new Uint32Array(1 << 16);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Bytes held, for the run's memory figures. */
  get bytes(): number {
    return this.hi.byteLength * 4;
  }

  get(alertId: string): SeenEntry | undefined {
    const h = fnv(alertId, 0);
    const l = fnv(alertId, 0x9e3779b9);
    const mask = this.inc.length - 1;
    for (let i = l & mask; this.inc[i] !== 0; i = (i + 1) & mask) {
      if (this.hi[i] === h && this.lo[i] === l) return { incident: this.inc[i] - 1, fingerprint: this.fp[i] };
    }
    return undefined;
  }

  /** Records a claim; an id already claimed keeps its first claim (a claim is conditional, as in the store). */
  claim(alertId: string, incident: number, fingerprint: number): void {
    if ((this.count + 1) * 2 > this.inc.length) this.grow();
    this.put(fnv(alertId, 0), fnv(alertId, 0x9e3779b9), fingerprint, incident + 1);
  }

  private put(h: number, l: number, f: number, incPlusOne: number): void {
    const mask = this.inc.length - 1;
    let i = l & mask;
    for (; this.inc[i] !== 0; i = (i + 1) & mask) if (this.hi[i] === h && this.lo[i] === l) return;
    this.hi[i] = h;
    this.lo[i] = l;
    this.fp[i] = f;
    this.inc[i] = incPlusOne;
    this.count++;
  }

  private grow(): void {
    const { hi, lo, fp, inc } = this;
    const n = inc.length * 2;
    this.hi = new Uint32Array(n);
    this.lo = new Uint32Array(n);
    this.fp = new Uint32Array(n);
    this.inc = new Uint32Array(n);
    this.count = 0;
    for (let i = 0; i < inc.length; i++) if (inc[i] !== 0) this.put(hi[i], lo[i], fp[i], inc[i]);
  }
}
