import { parseRuleName } from '../../../../lambdas/core/formats/sysmon/rule-name';

describe('parseRuleName', () => {
  it('reads the sysmon-modular convention', () => {
    expect(parseRuleName('technique_id=T1547.001,technique_name=Registry Run Keys / Start Folder')).toEqual({
      name: 'Registry Run Keys / Start Folder',
      techniques: ['T1547.001'],
      tactics: [],
      raw: 'technique_id=T1547.001,technique_name=Registry Run Keys / Start Folder',
    });
  });

  it('reads MitreRef with technique and tactic names', () => {
    expect(parseRuleName('MitreRef=T1060,Technique=Registry Run Keys,Tactic=Persistence')).toEqual({
      name: 'Registry Run Keys',
      techniques: ['T1060'],
      tactics: ['Persistence'],
      raw: 'MitreRef=T1060,Technique=Registry Run Keys,Tactic=Persistence',
    });
  });

  it('takes a bare technique id as both id and name', () => {
    expect(parseRuleName('T1055')).toEqual({ name: 'T1055', techniques: ['T1055'], tactics: [], raw: 'T1055' });
  });

  it('keeps free text as the rule name with no technique', () => {
    expect(parseRuleName('Suspicious Office child')).toEqual({
      name: 'Suspicious Office child',
      techniques: [],
      tactics: [],
      raw: 'Suspicious Office child',
    });
  });

  it('does not take a technique id as the name when Technique= holds an id', () => {
    expect(parseRuleName('Technique=T1003.001;Alert=lsass').name).toBe('Technique=T1003.001;Alert=lsass');
  });

  it('finds several techniques and upper-cases them', () => {
    expect(parseRuleName('technique_id=t1055.012,technique_id=T1218').techniques).toEqual(['T1055.012', 'T1218']);
  });

  it('gives no rule for -, empty and non-text values', () => {
    expect(parseRuleName('-')).toEqual({ techniques: [], tactics: [] });
    expect(parseRuleName('  ')).toEqual({ techniques: [], tactics: [] });
    expect(parseRuleName(undefined)).toEqual({ techniques: [], tactics: [] });
    expect(parseRuleName({ a: 1 })).toEqual({ techniques: [], tactics: [] });
  });
});
