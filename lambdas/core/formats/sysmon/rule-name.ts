import { techniqueIds } from '../common';

/**
 * Sysmon's `RuleName` is whatever the configuration's author wrote in a rule's `name` attribute. sysmon-modular
 * writes `technique_id=T1547.001,technique_name=Registry Run Keys`; older configs write `MitreRef=T1060`,
 * `Technique=…,Tactic=…`, a bare `T1055`, free text, or `-` for none. We take what is there and invent nothing.
 */
export interface ParsedRuleName {
  /** A readable rule name: the technique name when the config gave one, else the text as written. */
  name?: string;
  techniques: string[];
  tactics: string[];
  /** The text as written, when there was one. */
  raw?: string;
}

const NAME_KEYS = new Set(['technique_name', 'techniquename', 'name', 'rule', 'rulename']);
const TACTIC_KEYS = new Set(['tactic', 'tactics', 'tactic_name']);

/** Parse a RuleName value; `-`, empty and non-text give no rule. */
export function parseRuleName(value: unknown): ParsedRuleName {
  if (typeof value !== 'string') return { techniques: [], tactics: [] };
  const raw = value.trim();
  if (raw === '' || raw === '-') return { techniques: [], tactics: [] };
  let name: string | undefined;
  const tactics: string[] = [];
  // key=value pairs separated by commas or semicolons; parts without `=` are left to the technique scan.
  for (const part of raw.split(/[,;]/)) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    const val = part.slice(eq + 1).trim();
    if (val === '' || val === '-') continue;
    // `Technique=` holds a name in some configs and an id in others; only a name names the rule.
    const isName = NAME_KEYS.has(key) || (key === 'technique' && !/^T\d{4}/i.test(val));
    if (isName && name === undefined) name = val;
    else if (TACTIC_KEYS.has(key)) tactics.push(val);
  }
  return { name: name ?? raw, techniques: techniqueIds(raw), tactics, raw };
}
