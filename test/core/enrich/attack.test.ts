import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  TECHNIQUE_LABEL_ALIASES,
  lookupTechnique,
  tacticId,
  tacticName,
  tacticSlug,
  techniqueAlias,
  techniqueIdByName,
  techniqueSlug,
} from '../../../lambdas/core/enrich';
import { techniqueIdsInTitle } from '../../../lambdas/core/enrich/attack';

const DATA_DIR = join(__dirname, '../../../lambdas/core/enrich/data');

describe('lookupTechnique', () => {
  it('returns a sub-technique with its parent, tactics and URL', () => {
    expect(lookupTechnique('T1547.001')).toEqual({
      id: 'T1547.001',
      name: 'Registry Run Keys / Startup Folder',
      parentId: 'T1547',
      parentName: 'Boot or Logon Autostart Execution',
      tactics: ['persistence', 'privilege-escalation'],
      url: 'https://attack.mitre.org/techniques/T1547/001',
    });
  });

  it('accepts lower case and surrounding space', () => {
    expect(lookupTechnique(' t1547.001 ')?.id).toBe('T1547.001');
  });

  it('returns a technique without parent fields', () => {
    const t = lookupTechnique('T1547');
    expect(t).toEqual({
      id: 'T1547',
      name: 'Boot or Logon Autostart Execution',
      tactics: ['persistence', 'privilege-escalation'],
      url: 'https://attack.mitre.org/techniques/T1547',
    });
  });

  it('maps a revoked id to its replacement and keeps the id it was given', () => {
    const t = lookupTechnique('T1086');
    expect(t).toMatchObject({ id: 'T1059.001', name: 'PowerShell', parentId: 'T1059', retiredFrom: 'T1086' });
    expect(t?.tactics).toEqual(['execution']);
  });

  it('maps an id dropped in v19 to its v19 equivalent', () => {
    expect(lookupTechnique('T1070.001')).toMatchObject({ id: 'T1685.005', retiredFrom: 'T1070.001' });
  });

  it('follows a revocation chain to a retired technique with no replacement', () => {
    expect(lookupTechnique('T1054')).toMatchObject({
      id: 'T1562.006',
      name: 'Indicator Blocking',
      parentId: 'T1562',
      parentName: 'Impair Defenses',
      tactics: ['defense-evasion'],
      retiredFrom: 'T1054',
    });
  });

  it('returns a retired technique with no replacement as last published, marked retired', () => {
    expect(lookupTechnique('T1562')).toEqual({
      id: 'T1562',
      name: 'Impair Defenses',
      tactics: ['defense-evasion'],
      url: 'https://attack.mitre.org/techniques/T1562',
      retiredFrom: 'T1562',
    });
  });

  it('returns undefined for unknown and malformed ids', () => {
    expect(lookupTechnique('T9999')).toBeUndefined();
    expect(lookupTechnique('T1547.999')).toBeUndefined();
    expect(lookupTechnique('T1547.1')).toBeUndefined();
    expect(lookupTechnique('TA0003')).toBeUndefined();
    expect(lookupTechnique('')).toBeUndefined();
  });
});

describe('techniqueSlug', () => {
  it('kebab-cases the technique name', () => {
    expect(techniqueSlug('T1547.001')).toBe('registry-run-keys-startup-folder');
    expect(techniqueSlug('T1547')).toBe('boot-or-logon-autostart-execution');
  });

  it('uses the replacement name for a retired id', () => {
    expect(techniqueSlug('T1086')).toBe('powershell');
  });

  it('returns undefined for an unknown id', () => {
    expect(techniqueSlug('T9999')).toBeUndefined();
  });

  it('gives a label-safe slug for every id in the table, live or retired', () => {
    const table = JSON.parse(readFileSync(join(DATA_DIR, 'attack.json'), 'utf8')) as {
      techniques: Record<string, unknown>;
      retired: Record<string, unknown>;
    };
    const ids = [...Object.keys(table.techniques), ...Object.keys(table.retired)];
    expect(ids.length).toBeGreaterThan(800);
    const unsafe = ids.filter((id) => !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(techniqueSlug(id) ?? ''));
    expect(unsafe).toEqual([]);
  });
});

describe('techniqueIdByName', () => {
  it('maps a vendor technique name to its ATT&CK id when its tactic fits', () => {
    expect(techniqueIdByName('OS Credential Dumping', ['Credential Access'])).toBe('T1003');
    expect(techniqueIdByName('os credential-dumping')).toBe('T1003');
    expect(techniqueIdByName('Brute Force', ['CredentialAccess'])).toBe('T1110');
  });

  it('maps a sub-technique written in full, as ATT&CK writes it, and a unique sub-technique name alone', () => {
    expect(techniqueIdByName('OS Credential Dumping: LSASS Memory')).toBe('T1003.001');
    expect(techniqueIdByName('LSASS Memory', ['Credential Access'])).toBe('T1003.001');
  });

  it('takes a pre-v19 Defense Evasion tactic for the techniques v19 moved to Stealth', () => {
    expect(techniqueIdByName('Rundll32', ['Defense Evasion'])).toBe('T1218.011');
  });

  it("refuses the vendor's own taxonomy: CrowdStrike files 'Malicious File' under 'Malware', not ATT&CK", () => {
    expect(techniqueIdByName('Malicious File', ['Malware'])).toBeUndefined();
    expect(techniqueIdByName('Sensor-based ML', ['Machine Learning'])).toBeUndefined();
    expect(techniqueIdByName('OS Credential Dumping', ['Persistence'])).toBeUndefined();
  });

  it('refuses a name several techniques share unless a tactic singles one out', () => {
    // "Malicious File" is only T1204.002; "Cloud Accounts" is a sub-technique of Valid Accounts and of Create Account.
    expect(techniqueIdByName('Cloud Accounts')).toBeUndefined();
  });
});

describe('techniqueIdsInTitle', () => {
  it('reads an ATT&CK name of two words or more that a detection title spells out', () => {
    expect(techniqueIdsInTitle('Suspicious process injection observed', ['DefenseEvasion'])).toEqual(['T1055']);
    expect(techniqueIdsInTitle('Brute force attack against RDP')).toEqual(['T1110']);
  });

  it('reads nothing into titles that name no technique, or only a one-word one', () => {
    for (const title of ['Known Malware', 'Trojan', 'Suspicious PowerShell command line', 'Shellshock attack attempt'])
      expect(techniqueIdsInTitle(title)).toEqual([]);
  });

  it('keeps to the vendor’s tactics', () => {
    expect(techniqueIdsInTitle('Suspicious process injection observed', ['Persistence'])).toEqual([]);
  });
});

describe('technique label aliases', () => {
  it('gives the short labels of the reference ticket', () => {
    expect(techniqueAlias('T1547')).toBe('autostart-execution');
    expect(techniqueAlias('t1547.001')).toBe('registry-run-keys');
  });

  it('has no alias for other techniques', () => {
    expect(techniqueAlias('T1059.001')).toBeUndefined();
  });

  it('is keyed by current technique ids only', () => {
    for (const id of Object.keys(TECHNIQUE_LABEL_ALIASES)) expect(lookupTechnique(id)?.retiredFrom).toBeUndefined();
  });
});

describe('tactics', () => {
  it('names a tactic by slug, display name or TA id', () => {
    expect(tacticName('persistence')).toBe('Persistence');
    expect(tacticName('Command and Control')).toBe('Command and Control');
    expect(tacticSlug('TA0003')).toBe('persistence');
    expect(tacticId('privilege-escalation')).toBe('TA0004');
  });

  it('keeps the pre-v19 defense-evasion tactic that alerts still name', () => {
    expect(tacticName('defense-evasion')).toBe('Defense Evasion');
    expect(tacticSlug('Defense Evasion')).toBe('defense-evasion');
  });

  it('resolves a TA id shared across versions to the current tactic', () => {
    expect(tacticSlug('TA0005')).toBe('stealth');
  });

  it('returns undefined for an unknown tactic', () => {
    expect(tacticName('lunch')).toBeUndefined();
    expect(tacticId('TA9999')).toBeUndefined();
  });
});

describe('shipped ATT&CK data', () => {
  it('stays small enough to bundle into every Lambda', () => {
    expect(statSync(join(DATA_DIR, 'attack.json')).size).toBeLessThan(64 * 1024);
  });

  it('carries MITRE’s copyright notice and license, as its terms of use require', () => {
    const note = readFileSync(join(DATA_DIR, 'SOURCE.md'), 'utf8');
    expect(note).toContain('© 2025 The MITRE Corporation. This work is reproduced and distributed with the permission');
    expect(note).toMatch(/reproduce\s+MITRE's copyright designation and this license in any such copy/);
  });
});
