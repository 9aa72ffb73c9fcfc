import { Buffer } from 'node:buffer';
import { compile, load, matches, reasonOf } from './rule-helpers';

const b64 = (text: string, encoding: BufferEncoding = 'utf8') => Buffer.from(text, encoding).toString('base64');

describe('string position modifiers', () => {
  it('contains, startswith and endswith place the value', () => {
    const rule = compile(String.raw`
    contains:
        CommandLine|contains: 'sekurlsa'
    startswith:
        Image|startswith: 'C:\Users\'
    endswith:
        ParentImage|endswith: '\winword.exe'
    condition: contains or startswith or endswith`);
    expect(matches(rule, { CommandLine: 'mimikatz SEKURLSA::logonpasswords' })).toBe(true);
    expect(matches(rule, { Image: 'c:\\users\\bob\\a.exe' })).toBe(true);
    expect(matches(rule, { ParentImage: 'C:\\Office\\WINWORD.EXE' })).toBe(true);
    expect(matches(rule, { CommandLine: 'sekur lsa', Image: 'D:\\C:\\Users\\', ParentImage: 'winword.exe.lnk' })).toBe(
      false,
    );
  });

  it('keeps explicit wildcards inside contains', () => {
    const rule = compile(`
    selection:
        CommandLine|contains: 'net* user'
    condition: selection`);
    expect(matches(rule, { CommandLine: 'cmd /c net1.exe user admin' })).toBe(true);
    expect(matches(rule, { CommandLine: 'user net' })).toBe(false);
  });

  it('all requires every value (AND) instead of any', () => {
    const rule = compile(`
    selection:
        CommandLine|contains|all:
            - ' -w hidden '
            - ' -enc '
    condition: selection`);
    expect(matches(rule, { CommandLine: 'powershell -w hidden -enc AAA' })).toBe(true);
    expect(matches(rule, { CommandLine: 'powershell -enc AAA -w hidden ' })).toBe(true);
    expect(matches(rule, { CommandLine: 'powershell -w hidden -e AAA' })).toBe(false);
  });

  it('cased compares with the case as written', () => {
    const rule = compile(`
    selection:
        CommandLine|cased|contains: 'AdminSDHolder'
    condition: selection`);
    expect(matches(rule, { CommandLine: 'Get-ACL AdminSDHolder' })).toBe(true);
    expect(matches(rule, { CommandLine: 'get-acl adminsdholder' })).toBe(false);
  });
});

describe('windash', () => {
  it('makes a leading dash or slash any of the five dash characters', () => {
    const rule = compile(`
    selection:
        CommandLine|windash|contains: ' -enc '
    condition: selection`);
    for (const dash of ['-', '/', '\u2013', '\u2014', '\u2015']) {
      expect(matches(rule, { CommandLine: `powershell ${dash}enc AAAA` })).toBe(true);
    }
    expect(matches(rule, { CommandLine: 'powershell +enc AAAA' })).toBe(false);
    expect(matches(rule, { CommandLine: 'powershell enc AAAA' })).toBe(false);
  });

  it('leaves a hyphen inside a word alone', () => {
    const rule = compile(`
    selection:
        CommandLine|contains|windash: 'Invoke-Expression'
    condition: selection`);
    expect(matches(rule, { CommandLine: 'invoke-expression $x' })).toBe(true);
    expect(matches(rule, { CommandLine: 'Invoke/Expression $x' })).toBe(false);
  });

  it('handles many dashes in one value (a character set in the glob, not 5^n variants)', () => {
    const rule = compile(`
    selection:
        CommandLine|windash|contains: ' -a -b -c -d'
    condition: selection`);
    expect(matches(rule, { CommandLine: 'x /a \u2013b \u2014c \u2015d' })).toBe(true);
    expect(matches(rule, { CommandLine: 'x -a -b -c d' })).toBe(false);
  });
});

describe('regular expressions (re)', () => {
  it('searches case-sensitively by default', () => {
    const rule = compile(String.raw`
    selection:
        CommandLine|re: '\s-[eE][nN]?[cC]?\s+[A-Za-z0-9+/=]{8,}'
    condition: selection`);
    expect(matches(rule, { CommandLine: 'powershell -Enc SQBFAFgAIAAo' })).toBe(true);
    expect(matches(rule, { CommandLine: 'powershell -ENC short' })).toBe(false);
    const cased = compile(`
    selection:
        Value|re: 'Mimikatz'
    condition: selection`);
    expect(matches(cased, { Value: 'run mimikatz' })).toBe(false);
    expect(matches(cased, { Value: 'run Mimikatz' })).toBe(true);
  });

  it('takes the i, m and s sub-modifiers', () => {
    const i = compile(`
    selection:
        Value|re|i: '^mimi'
    condition: selection`);
    expect(matches(i, { Value: 'MIMIKATZ' })).toBe(true);
    expect(matches(i, { Value: 'x MIMIKATZ' })).toBe(false);
    const m = compile(`
    selection:
        Value|re|m: '^second$'
    condition: selection`);
    expect(matches(m, { Value: 'first\nsecond\nthird' })).toBe(true);
    const noM = compile(`
    selection:
        Value|re: '^second$'
    condition: selection`);
    expect(matches(noM, { Value: 'first\nsecond\nthird' })).toBe(false);
    const s = compile(`
    selection:
        Value|re|s: 'a.b'
    condition: selection`);
    expect(matches(s, { Value: 'a\nb' })).toBe(true);
    expect(matches(noM, { Value: 'second' })).toBe(true);
    const noS = compile(`
    selection:
        Value|re: 'a.b'
    condition: selection`);
    expect(matches(noS, { Value: 'a\nb' })).toBe(false);
  });

  it('anchors with startswith/endswith after re', () => {
    const rule = compile(`
    selection:
        Value|re|startswith: 'ab|cd'
    condition: selection`);
    expect(matches(rule, { Value: 'cdxx' })).toBe(true);
    expect(matches(rule, { Value: 'xxcd' })).toBe(false);
  });

  it('reports what RE2 cannot run (lookaround, backreferences) as unsupported, with the reason', () => {
    const look = load(`
    selection:
        Value|re: 'foo(?=bar)'
    condition: selection`);
    expect(look.kind).toBe('unsupported');
    expect(reasonOf(look)).toMatch(/^detection\.selection\.Value\|re: regular expression not supported by RE2/);
    const backref = load(String.raw`
    selection:
        Value|re: '(a)\1'
    condition: selection`);
    expect(backref.kind).toBe('unsupported');
  });

  it('answers on a catastrophic pattern over a long input (linear time)', () => {
    const rule = compile(`
    selection:
        Value|re: '(a+)+b'
    condition: selection`);
    expect(matches(rule, { Value: 'a'.repeat(100_000) })).toBe(false);
    expect(matches(rule, { Value: `${'a'.repeat(100_000)}b` })).toBe(true);
  });

  it('rejects regex flags without re, and re after another modifier', () => {
    expect(
      reasonOf(
        load(`
    selection:
        Value|contains|i: 'x'
    condition: selection`),
      ),
    ).toBe("detection.selection.Value|contains|i: modifier 'i' applies to regular expressions only (after 're')");
    expect(
      load(`
    selection:
        Value|contains|re: 'x'
    condition: selection`).kind,
    ).toBe('invalid');
  });
});

describe('cidr', () => {
  const rule = compile(`
    selection:
        DestinationIp|cidr:
            - '10.0.0.0/8'
            - '192.168.1.0/24'
            - 'fe80::/10'
            - '2001:db8::1'
    condition: selection`);

  it('matches IPv4 and IPv6 addresses inside the networks', () => {
    expect(matches(rule, { DestinationIp: '10.200.3.4' })).toBe(true);
    expect(matches(rule, { DestinationIp: '192.168.1.255' })).toBe(true);
    expect(matches(rule, { DestinationIp: 'FE80::1%12' })).toBe(true);
    expect(matches(rule, { DestinationIp: '2001:0db8:0000::0001' })).toBe(true);
    expect(matches(rule, { DestinationIp: '::ffff:10.1.2.3' })).toBe(true);
  });

  it('does not match outside them, or on what is not an address', () => {
    expect(matches(rule, { DestinationIp: '11.0.0.1' })).toBe(false);
    expect(matches(rule, { DestinationIp: '192.168.2.1' })).toBe(false);
    expect(matches(rule, { DestinationIp: 'fec0::1' })).toBe(false);
    expect(matches(rule, { DestinationIp: '2001:db8::2' })).toBe(false);
    expect(matches(rule, { DestinationIp: '10.0.0' })).toBe(false);
    expect(matches(rule, { DestinationIp: 'example.com' })).toBe(false);
    expect(matches(rule, {})).toBe(false);
  });

  it('rejects a malformed network as invalid', () => {
    const bad = load(`
    selection:
        DestinationIp|cidr: '10.0.0.0/33'
    condition: selection`);
    expect(bad.kind).toBe('invalid');
    expect(reasonOf(bad)).toBe("detection.selection.DestinationIp|cidr: '10.0.0.0/33' is not an IPv4 or IPv6 network");
  });
});

describe('encodings', () => {
  it('base64 matches the encoded value', () => {
    const rule = compile(`
    selection:
        Payload|base64|contains: 'http://'
    condition: selection`);
    expect(matches(rule, { Payload: `xx${b64('http://')}yy` })).toBe(true);
    expect(matches(rule, { Payload: 'http://' })).toBe(false);
  });

  it('base64offset finds the value at any byte offset of a longer encoded text', () => {
    const rule = compile(`
    selection:
        CommandLine|base64offset|contains: 'Invoke-Mimikatz'
    condition: selection`);
    for (const prefix of ['', 'a', 'ab', 'abc', 'IEX (New-Object Net.WebClient); ']) {
      for (const suffix of ['', 'x', ' -DumpCreds']) {
        expect(matches(rule, { CommandLine: `powershell -enc ${b64(prefix + 'Invoke-Mimikatz' + suffix)}` })).toBe(
          true,
        );
      }
    }
    expect(matches(rule, { CommandLine: `powershell -enc ${b64('Invoke-Mimikitty -DumpCreds')}` })).toBe(false);
  });

  it('utf16le/wide then base64offset matches PowerShell -EncodedCommand text', () => {
    for (const mod of ['utf16le', 'wide']) {
      const rule = compile(`
    selection:
        CommandLine|${mod}|base64offset|contains: 'Invoke-Mimikatz'
    condition: selection`);
      for (const prefix of ['', 'a', 'ab', 'IEX ']) {
        const encoded = b64(`${prefix}Invoke-Mimikatz -DumpCreds`, 'utf16le');
        expect(matches(rule, { CommandLine: `powershell -enc ${encoded}` })).toBe(true);
      }
      expect(matches(rule, { CommandLine: `powershell -enc ${b64('Invoke-Mimikatz')}` })).toBe(false);
    }
  });

  it('utf16be and utf16 (with byte-order mark) encode before base64', () => {
    const be = compile(`
    selection:
        Payload|utf16be|base64: 'cmd'
    condition: selection`);
    expect(matches(be, { Payload: Buffer.from([0, 0x63, 0, 0x6d, 0, 0x64]).toString('base64') })).toBe(true);
    expect(matches(be, { Payload: b64('cmd', 'utf16le') })).toBe(false);
    const bom = compile(`
    selection:
        Payload|utf16|base64: 'cmd'
    condition: selection`);
    expect(matches(bom, { Payload: Buffer.from([0xff, 0xfe, 0x63, 0, 0x6d, 0, 0x64, 0]).toString('base64') })).toBe(
      true,
    );
  });

  it('wide alone matches the UTF-16LE bytes as characters', () => {
    const rule = compile(`
    selection:
        Data|wide|contains: 'cmd'
    condition: selection`);
    expect(matches(rule, { Data: 'x c\0m\0d\0 y' })).toBe(true);
    expect(matches(rule, { Data: 'cmd' })).toBe(false);
  });

  it('windash before base64offset encodes every dash variant', () => {
    const rule = compile(`
    selection:
        CommandLine|windash|base64offset|contains: ' -nop'
    condition: selection`);
    expect(matches(rule, { CommandLine: b64('powershell /nop -c x') })).toBe(true);
    expect(matches(rule, { CommandLine: b64('powershell +nop -c x') })).toBe(false);
  });

  it('refuses to base64-encode a value with wildcards', () => {
    const r = load(`
    selection:
        Payload|contains|base64: 'abc'
    condition: selection`);
    expect(r.kind).toBe('invalid');
    expect(reasonOf(r)).toBe(
      "detection.selection.Payload|contains|base64: 'base64' cannot encode a value with wildcards",
    );
  });
});

describe('exists, fieldref, comparisons, neq, time parts, expand', () => {
  it('exists checks presence, whatever the value', () => {
    const rule = compile(`
    selection:
        EventID: 4738
        PasswordLastSet|exists: true
    condition: selection`);
    expect(matches(rule, { EventID: 4738, PasswordLastSet: null })).toBe(true);
    expect(matches(rule, { EventID: 4738, PasswordLastSet: '' })).toBe(true);
    expect(matches(rule, { EventID: 4738 })).toBe(false);
    const absent = compile(`
    selection:
        Other|exists: false
    condition: selection`);
    expect(matches(absent, {})).toBe(true);
    expect(matches(absent, { Other: 'x' })).toBe(false);
    expect(
      load(`
    selection:
        Other|exists: 'yes'
    condition: selection`).kind,
    ).toBe('invalid');
  });

  it('fieldref compares with another field of the same event', () => {
    const rule = compile(`
    selection:
        SourceUser|fieldref: TargetUser
    condition: selection`);
    expect(matches(rule, { SourceUser: 'Admin', TargetUser: 'admin' })).toBe(true);
    expect(matches(rule, { SourceUser: 'Admin', TargetUser: 'bob' })).toBe(false);
    expect(matches(rule, { SourceUser: 'Admin' })).toBe(false);
    const combos = compile(`
    starts:
        Image|fieldref|startswith: ParentImage
    ends:
        CommandLine|fieldref|endswith: Image
    inside:
        CommandLine|fieldref|contains: Token
    condition: starts and ends and inside`);
    expect(
      matches(combos, { Image: 'C:\\a.exe x', ParentImage: 'C:\\A', CommandLine: 'run c:\\a.exe x', Token: 'RUN' }),
    ).toBe(true);
    expect(
      matches(combos, { Image: 'C:\\a.exe x', ParentImage: 'D:\\', CommandLine: 'run c:\\a.exe x', Token: 'run' }),
    ).toBe(false);
    const different = compile(`
    selection:
        SourceUser|fieldref|neq: TargetUser
    condition: selection`);
    expect(matches(different, { SourceUser: 'a', TargetUser: 'b' })).toBe(true);
    expect(matches(different, { SourceUser: 'a', TargetUser: 'A' })).toBe(false);
  });

  it('gt, gte, lt and lte compare numerically, numeric text included', () => {
    const rule = compile(`
    big:
        Size|gt: 1000
    small:
        Size|lte: 10
    condition: big or small`);
    expect(matches(rule, { Size: 1001 })).toBe(true);
    expect(matches(rule, { Size: '4096' })).toBe(true);
    expect(matches(rule, { Size: 10 })).toBe(true);
    expect(matches(rule, { Size: '0x10' })).toBe(false); // 16: neither > 1000 nor <= 10
    expect(matches(rule, { Size: 1000 })).toBe(false);
    expect(matches(rule, { Size: 'large' })).toBe(false);
    expect(matches(rule, { Size: '' })).toBe(false);
    const edges = compile(`
    selection:
        Size|gte: 5
        Other|lt: 5
    condition: selection`);
    expect(matches(edges, { Size: 5, Other: 4.5 })).toBe(true);
    expect(matches(edges, { Size: 5, Other: 5 })).toBe(false);
    expect(
      load(`
    selection:
        Size|gt: 'many'
    condition: selection`).kind,
    ).toBe('invalid');
  });

  it('neq matches when the field differs from every value', () => {
    const rule = compile(`
    selection:
        EventID: 4624
        LogonType|neq:
            - 3
            - 10
    condition: selection`);
    expect(matches(rule, { EventID: 4624, LogonType: 2 })).toBe(true);
    expect(matches(rule, { EventID: 4624, LogonType: 3 })).toBe(false);
    expect(matches(rule, { EventID: 4624, LogonType: '10' })).toBe(false);
  });

  it('time parts read a timestamp in UTC', () => {
    const rule = compile(`
    selection:
        UtcTime|hour: 23
        UtcTime|month: 10
        UtcTime|week: 43
    condition: selection`);
    expect(matches(rule, { UtcTime: '2025-10-24 23:41:00.589' })).toBe(true);
    expect(matches(rule, { UtcTime: '2025-10-24T23:41:00.601559Z' })).toBe(true);
    expect(matches(rule, { UtcTime: '2025-10-24T23:41:00+02:00' })).toBe(false);
    expect(matches(rule, { UtcTime: 'yesterday' })).toBe(false);
    const range = compile(`
    selection:
        UtcTime|hour|gte: 22
    condition: selection`);
    expect(matches(range, { UtcTime: '2025-01-01 22:00:00' })).toBe(true);
    expect(matches(range, { UtcTime: '2025-01-01 21:59:59' })).toBe(false);
  });

  it('expand with a placeholder is unsupported (nothing to expand it from); escaped % is plain', () => {
    const r = load(`
    selection:
        User|expand: '%Administrators%'
    condition: selection`);
    expect(r.kind).toBe('unsupported');
    expect(reasonOf(r)).toMatch(/^detection\.selection\.User\|expand: placeholder %Administrators% must be expanded/);
    const plain = compile(String.raw`
    selection:
        Value|expand: '100\%'
    condition: selection`);
    expect(matches(plain, { Value: '100%' })).toBe(true);
    const literal = compile(`
    selection:
        Value: '%Administrators%'
    condition: selection`);
    expect(matches(literal, { Value: '%administrators%' })).toBe(true);
  });

  it('names an unknown modifier and the field it is on', () => {
    const r = load(`
    selection:
        Image|foo: 'x'
    condition: selection`);
    expect(r).toEqual({
      kind: 'invalid',
      file: 'test.yml',
      reason: "detection.selection.Image|foo: unknown modifier 'foo'",
    });
  });
});
