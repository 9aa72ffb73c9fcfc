import { compile, matches } from './rule-helpers';

describe('detection values', () => {
  it('matches a plain value exactly and case-insensitively', () => {
    const rule = compile(String.raw`
    selection:
        Image: 'C:\Windows\System32\whoami.exe'
    condition: selection`);
    expect(matches(rule, { Image: 'C:\\Windows\\System32\\whoami.exe' })).toBe(true);
    expect(matches(rule, { Image: 'c:\\windows\\system32\\WHOAMI.EXE' })).toBe(true);
    expect(matches(rule, { Image: 'C:\\Windows\\System32\\whoami.exe.bak' })).toBe(false);
    expect(matches(rule, { Image: 'D:\\C:\\Windows\\System32\\whoami.exe' })).toBe(false);
    expect(matches(rule, { CommandLine: 'whoami' })).toBe(false);
  });

  it('ORs the values of a list and ANDs the fields of a map', () => {
    const rule = compile(`
    selection:
        EventLog: Security
        EventID:
            - 517
            - 1102
    condition: selection`);
    expect(matches(rule, { EventLog: 'Security', EventID: 517 })).toBe(true);
    expect(matches(rule, { EventLog: 'security', EventID: 1102 })).toBe(true);
    expect(matches(rule, { EventLog: 'Security', EventID: 4624 })).toBe(false);
    expect(matches(rule, { EventLog: 'System', EventID: 517 })).toBe(false);
    expect(matches(rule, { EventID: 517 })).toBe(false);
  });

  it('ORs the maps of a list of maps', () => {
    const rule = compile(String.raw`
    selection:
        - Image|endswith: '\example.exe'
        - Description|contains: 'Test executable'
    condition: selection`);
    expect(matches(rule, { Image: 'C:\\x\\example.exe' })).toBe(true);
    expect(matches(rule, { Description: 'A test EXECUTABLE here' })).toBe(true);
    expect(matches(rule, { Image: 'C:\\x\\other.exe', Description: 'Nothing' })).toBe(false);
  });

  it('treats * and ? as wildcards', () => {
    const rule = compile(String.raw`
    selection:
        Image: 'C:\Program Files\prog?.exe'
        CommandLine: '*-nop*-enc *'
    condition: selection`);
    expect(matches(rule, { Image: 'C:\\Program Files\\progA.exe', CommandLine: 'ps -nop -w h -enc AAA' })).toBe(true);
    expect(matches(rule, { Image: 'C:\\Program Files\\prog.exe', CommandLine: 'ps -nop -enc AAA' })).toBe(false);
    expect(matches(rule, { Image: 'C:\\Program Files\\progAB.exe', CommandLine: 'ps -nop -enc AAA' })).toBe(false);
    expect(matches(rule, { Image: 'C:\\Program Files\\progA.exe', CommandLine: 'ps -enc AAA -nop' })).toBe(false);
  });

  it('finds glob segments leftmost-first without losing later matches', () => {
    const rule = compile(`
    selection:
        Value: 'a*ab*b?c'
    condition: selection`);
    expect(matches(rule, { Value: 'aaabbxc' })).toBe(true);
    expect(matches(rule, { Value: 'aababxc' })).toBe(true);
    expect(matches(rule, { Value: 'abxc' })).toBe(false);
    expect(matches(rule, { Value: 'aabb?' })).toBe(false);
  });

  it('reads escaped wildcards and backslashes as the spec says', () => {
    const rule = compile(String.raw`
    star:
        Value: 'a\*b'
    question:
        Value: 'what\?'
    backslash_then_wildcard:
        Value: 'dir\\*'
    three_backslashes:
        Value: 'dir\\\*'
    plain_double:
        Value: 'C:\\Windows'
    condition: 1 of them`);
    const only = (v: string) =>
      compile(String.raw`
    s:
        Value: '${v}'
    condition: s`);
    expect(matches(only('a\\*b'), { Value: 'a*b' })).toBe(true);
    expect(matches(only('a\\*b'), { Value: 'axxb' })).toBe(false);
    expect(matches(only('what\\?'), { Value: 'what?' })).toBe(true);
    expect(matches(only('what\\?'), { Value: 'whatx' })).toBe(false);
    // \\* : a backslash, then a wildcard
    expect(matches(only('dir\\\\*'), { Value: 'dir\\anything' })).toBe(true);
    expect(matches(only('dir\\\\*'), { Value: 'dirx' })).toBe(false);
    // \\\* : a backslash and a star, both plain
    expect(matches(only('dir\\\\\\*'), { Value: 'dir\\*' })).toBe(true);
    expect(matches(only('dir\\\\\\*'), { Value: 'dir\\x' })).toBe(false);
    // \\ not before a wildcard is one backslash; a single \ is one too
    expect(matches(only('C:\\\\Windows'), { Value: 'C:\\Windows' })).toBe(true);
    expect(matches(only('C:\\Windows'), { Value: 'C:\\Windows' })).toBe(true);
    expect(matches(rule, { Value: 'a*b' })).toBe(true);
  });

  it('compares numbers as values: number to number, and to the same number as decimal text', () => {
    const rule = compile(`
    selection:
        EventID: 4688
    condition: selection`);
    expect(matches(rule, { EventID: 4688 })).toBe(true);
    expect(matches(rule, { EventID: '4688' })).toBe(true);
    expect(matches(rule, { EventID: 46880 })).toBe(false);
    expect(matches(rule, { EventID: '4688x' })).toBe(false);
    const quoted = compile(`
    selection:
        EventID: '4688'
    condition: selection`);
    expect(matches(quoted, { EventID: 4688 })).toBe(true);
  });

  it('keeps hexadecimal rule values as the text Windows logs', () => {
    const rule = compile(`
    selection:
        TicketOptions: 0x40810000
    condition: selection`);
    expect(matches(rule, { TicketOptions: '0x40810000' })).toBe(true);
    expect(matches(rule, { TicketOptions: '0X40810000' })).toBe(true);
    expect(matches(rule, { TicketOptions: 1082195968 })).toBe(false);
  });

  it('matches booleans with booleans and with their text', () => {
    const rule = compile(`
    selection:
        Signed: true
    condition: selection`);
    expect(matches(rule, { Signed: true })).toBe(true);
    expect(matches(rule, { Signed: 'True' })).toBe(true);
    expect(matches(rule, { Signed: false })).toBe(false);
    expect(matches(rule, { Signed: 'false' })).toBe(false);
  });

  it('matches null when the field is absent or null, not when it is empty text', () => {
    const rule = compile(`
    selection:
        EventID: 4738
    filter:
        PasswordLastSet: null
    condition: selection and not filter`);
    expect(matches(rule, { EventID: 4738, PasswordLastSet: '2024-01-01' })).toBe(true);
    expect(matches(rule, { EventID: 4738 })).toBe(false);
    expect(matches(rule, { EventID: 4738, PasswordLastSet: null })).toBe(false);
    expect(matches(rule, { EventID: 4738, PasswordLastSet: '' })).toBe(true);
    const empty = compile(`
    selection:
        FieldB: ''
    condition: selection`);
    expect(matches(empty, { FieldB: '' })).toBe(true);
    expect(matches(empty, { FieldB: 'x' })).toBe(false);
    expect(matches(empty, {})).toBe(false);
  });

  it('matches a list-valued event field when any element matches', () => {
    const rule = compile(`
    selection:
        Tags|contains: evil
    condition: selection`);
    expect(matches(rule, { Tags: ['good', null, 'very EVIL'] })).toBe(true);
    expect(matches(rule, { Tags: ['good', 'fine'] })).toBe(false);
  });

  it("reads a field by exact name, and by any case through the event's fallback", () => {
    const rule = compile(`
    selection:
        CommandLine|contains: mimikatz
    condition: selection`);
    expect(matches(rule, { commandline: 'run MIMIKATZ now' })).toBe(true);
  });

  it('matches a * value on any present, non-null value', () => {
    const rule = compile(`
    selection:
        Value: '*'
    condition: selection`);
    expect(matches(rule, { Value: '' })).toBe(true);
    expect(matches(rule, { Value: 12 })).toBe(true);
    expect(matches(rule, { Value: null })).toBe(false);
    expect(matches(rule, {})).toBe(false);
  });
});

describe('keyword (field-less) search', () => {
  it('matches any keyword anywhere in any value', () => {
    const rule = compile(`
    keywords:
        - 'event::clear'
        - 'event::drop'
    condition: keywords`);
    expect(matches(rule, { CommandLine: 'mimikatz "EVENT::Clear" exit' })).toBe(true);
    expect(matches(rule, { A: 'x', B: 'privilege::debug event::drop' })).toBe(true);
    expect(matches(rule, { CommandLine: 'event: clear' })).toBe(false);
  });

  it('requires every keyword with |all, each in any value', () => {
    const rule = compile(`
    keywords_cmdlet:
        '|all':
            - 'OabVirtualDirectory'
            - ' -ExternalUrl '
    condition: keywords_cmdlet`);
    expect(matches(rule, { Payload: 'Set-OabVirtualDirectory -ExternalUrl http://x' })).toBe(true);
    expect(matches(rule, { A: 'Set-OabVirtualDirectory', B: 'x -ExternalUrl y' })).toBe(true);
    expect(matches(rule, { Payload: 'Set-OabVirtualDirectory -InternalUrl http://x' })).toBe(false);
  });

  it('accepts a single keyword string and keeps wildcards inside it', () => {
    const rule = compile(`
    keyword:
        - 'cmd*whoami'
    condition: keyword`);
    expect(matches(rule, { X: 'run cmd /c whoami now' })).toBe(true);
    expect(matches(rule, { X: 'whoami cmd' })).toBe(false);
  });
});
