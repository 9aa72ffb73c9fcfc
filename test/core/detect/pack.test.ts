import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileRule } from '../../../lambdas/core/detect/compile';
import { Detector } from '../../../lambdas/core/detect/detector';
import { windowsEventViews } from '../../../lambdas/core/detect/event-view';
import {
  PackError,
  encodePackDocument,
  loadBuiltinPack,
  loadPackFile,
  readPackDocument,
} from '../../../lambdas/core/detect/pack';
import { loadRulesDir, userPackDocument } from '../../../lambdas/core/detect/user-rules';
import { decode } from '../../../lambdas/core/formats';
import { readWinEvent } from '../../../lambdas/core/formats/sysmon/win-event';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SHIPPED = path.join(ROOT, 'rules', 'sigma');

function ymlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.yml'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

describe('the builtin SigmaHQ pack', () => {
  const doc = readPackDocument();

  it('names its source commit and license', () => {
    expect(doc.source).toEqual({
      repository: 'https://github.com/SigmaHQ/sigma',
      commit: expect.stringMatching(/^[0-9a-f]{40}/),
      license: 'DRL-1.1',
    });
    expect(fs.existsSync(path.join(SHIPPED, 'LICENSE'))).toBe(true);
    expect(fs.readFileSync(path.join(SHIPPED, 'SOURCE.md'), 'utf8')).toContain(doc.source.commit.slice(0, 40));
  });

  it('holds every rule of the shipped copy in rules/sigma/, by id', () => {
    const ids = (dir: string): string[] =>
      ymlFiles(path.join(SHIPPED, dir)).map((f) => /^id: *(\S+)/m.exec(fs.readFileSync(f, 'utf8'))?.[1] ?? f);
    const bySet = Object.fromEntries(doc.sets.map((s) => [s.set, s.rules.map((r) => r.doc.id).sort()]));
    expect(bySet.sigma).toEqual(ids('rules/windows').sort());
    expect(bySet['sigma-threat-hunting']).toEqual(ids('rules-threat-hunting/windows').sort());
    expect(bySet.sigma).toHaveLength(2407);
  });

  it('compiles every rule: none unsupported, none invalid', () => {
    const pack = loadBuiltinPack({ all: true, eager: true });
    expect(pack.invalid).toEqual([]);
    expect(pack.unsupported.map((u) => `${u.meta.id}: ${u.reason}`)).toEqual([]);
    expect(pack.rules).toHaveLength(2535);
    expect(pack.rules.every((r) => r.meta.author !== undefined && r.meta.author !== '')).toBe(true);
  });

  it('stores the needles the engine computes today (a stale pack fails here: rerun scripts/build-sigma-pack.ts)', () => {
    const stale: string[] = [];
    for (const { rules } of doc.sets) {
      for (const entry of rules) {
        const loaded = compileRule(entry.doc, 'pack');
        const now = loaded.kind === 'ok' ? [...(loaded.rule.needles ?? [])] : undefined;
        const stored = entry.needles?.map((n) => n.toLowerCase());
        if (JSON.stringify(now) !== JSON.stringify(stored)) stale.push(String(entry.doc.id));
      }
    }
    expect(stale).toEqual([]);
  });

  it('leaves out what the selection excludes, without compiling it', () => {
    // The AnyDesk artefact rule (status test).
    const pack = loadBuiltinPack({ disabledRuleIds: ['0b9ad457-2554-44c1-82c2-d56a99c42377'] });
    // 160 + 12 experimental (SigmaHQ + threat-hunting), the other 116 threat-hunting rules, the disabled one.
    expect(pack.skipped).toEqual({
      'experimental (opt-in)': 172,
      'threat-hunting (opt-in)': 116,
      disabled: 1,
    });
    expect(pack.rules).toHaveLength(2535 - 172 - 116 - 1);
    expect(pack.rules.every((r) => r.rule === undefined && r.compile !== undefined)).toBe(true);
  });

  it('fails with a PackError naming the file when the asset is missing', () => {
    expect(() => loadBuiltinPack({ file: '/no/such/pack.json.br' })).toThrow(PackError);
    expect(() => loadBuiltinPack({ file: '/no/such/pack.json.br' })).toThrow(/pack\.json\.br/);
  });
});

describe('lazy compilation and the prefilter', () => {
  it('give the same matches as compiling everything and evaluating every rule (SigmaHQ regression events)', () => {
    const dir = path.resolve(ROOT, '..', 'shared', 'data', 'sigma', 'regression_data', 'rules', 'windows');
    const files = fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.json'))
      .map((e) => path.join(e.parentPath, e.name));
    expect(files.length).toBeGreaterThanOrEqual(189);
    const options = { includeExperimental: true, includeThreatHunting: true };
    const lazy = new Detector([loadBuiltinPack()], options);
    const eager = new Detector([loadBuiltinPack({ eager: true })], { ...options, prefilter: false });
    let events = 0;
    let matches = 0;
    for (const f of files) {
      for (const record of decode(fs.readFileSync(f), f).records) {
        const ev = readWinEvent(record);
        if (ev === undefined) continue;
        const views = windowsEventViews(ev);
        const a = lazy.detect(views);
        expect(a).toEqual(eager.detect(views));
        events++;
        matches += a.length;
      }
    }
    expect(events).toBeGreaterThanOrEqual(219);
    expect(matches).toBeGreaterThanOrEqual(events);
    // Lazy compilation compiled only what some event needed.
    expect(lazy.compileStats.compiled).toBeLessThan(lazy.summary.rules / 2);
    expect(lazy.compileStats.failed).toEqual([]);
  });
});

describe('user rules', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'a2t-rules-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const rule = (id: string, extra = '', selection = "        CommandLine|contains: 'evil.exe'"): string =>
    [
      'title: Evil Tool',
      `id: ${id}`,
      'status: experimental',
      'author: SOC Team',
      'level: high',
      'tags: [attack.execution, attack.t1059]',
      'logsource:',
      '    product: windows',
      '    category: process_creation',
      'detection:',
      '    selection:',
      selection,
      '    condition: selection',
      extra,
    ].join('\n');

  it('load from a folder, any depth, whatever their status', () => {
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'sub', 'evil.yml'), rule('0b5a8bb4-51d6-4f43-9e0a-1b1e2e1f3c4d'));
    fs.writeFileSync(path.join(dir, 'README.md'), '# not a rule');
    const { pack, errors } = loadRulesDir(dir);
    expect(errors).toEqual([]);
    expect(pack.rules.map((r) => [r.meta.id, r.set, r.rule !== undefined])).toEqual([
      ['0b5a8bb4-51d6-4f43-9e0a-1b1e2e1f3c4d', 'user', true],
    ]);
  });

  it('give one line per problem, naming the file and the field', () => {
    const bad = (name: string, text: string): string => {
      fs.writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    const yaml = bad('a-yaml.yml', 'title: [unclosed\n');
    const schema = bad('b-schema.yml', rule('not-a-uuid'));
    const modifier = bad(
      'c-modifier.yml',
      rule('3f0e8a57-2f0e-4b5e-9a59-6c1a1c0e2b11', '', "        CommandLine|contians: 'evil.exe'"),
    );
    const noId = bad('d-noid.yml', rule('x').replace('id: x\n', ''));
    const { errors } = loadRulesDir(dir);
    expect(errors).toHaveLength(4);
    for (const e of errors) expect(e).not.toContain('\n');
    expect(errors[0]).toMatch(new RegExp(`^${yaml}: YAML`));
    expect(errors[1]).toMatch(new RegExp(`^${schema}: .*id`));
    expect(errors[2]).toMatch(new RegExp(`^${modifier}: .*CommandLine\\|contians.*unknown modifier 'contians'`));
    expect(errors[3]).toBe(`${noId}: id: missing (rules are disabled and overridden by id)`);
  });

  it('refuse two rules with one id', () => {
    fs.writeFileSync(path.join(dir, 'a.yml'), rule('0b5a8bb4-51d6-4f43-9e0a-1b1e2e1f3c4d'));
    fs.writeFileSync(path.join(dir, 'b.yml'), rule('0b5a8bb4-51d6-4f43-9e0a-1b1e2e1f3c4d'));
    expect(loadRulesDir(dir).errors).toEqual([
      `${path.join(dir, 'b.yml')}: id: 0b5a8bb4-51d6-4f43-9e0a-1b1e2e1f3c4d is also the id of ${path.join(dir, 'a.yml')}`,
    ]);
  });

  it('say so, in one line, when the folder does not exist', () => {
    expect(loadRulesDir(path.join(dir, 'nope')).errors).toEqual([`${path.join(dir, 'nope')}: cannot read (ENOENT)`]);
  });

  it('precompile into a pack file the Lambda loads without YAML', () => {
    fs.writeFileSync(path.join(dir, 'evil.yml'), rule('0b5a8bb4-51d6-4f43-9e0a-1b1e2e1f3c4d'));
    const { doc, errors } = userPackDocument(dir);
    expect(errors).toEqual([]);
    const file = path.join(dir, 'user-rules.json.br');
    fs.writeFileSync(file, encodePackDocument(doc));
    const pack = loadPackFile(file);
    expect(pack.rules.map((r) => [r.meta.id, r.meta.author, r.set])).toEqual([
      ['0b5a8bb4-51d6-4f43-9e0a-1b1e2e1f3c4d', 'SOC Team', 'user'],
    ]);
    const ev = readWinEvent({
      kind: 'json',
      position: 'x',
      text: '',
      envelopes: [],
      value: {
        Event: {
          System: { EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational' },
          EventData: { CommandLine: 'C:\\Temp\\EVIL.EXE /x' },
        },
      },
    })!;
    // Experimental, and still run: user rules are not subject to the SigmaHQ opt-ins.
    expect(new Detector([pack]).detect(windowsEventViews(ev)).map((m) => [m.id, m.author, m.pack])).toEqual([
      ['0b5a8bb4-51d6-4f43-9e0a-1b1e2e1f3c4d', 'SOC Team', 'user'],
    ]);
  });
});
