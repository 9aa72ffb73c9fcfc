import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { Detector } from '../../../lambdas/core/detect/detector';
import { windowsEventViews } from '../../../lambdas/core/detect/event-view';
import { loadBuiltinPack } from '../../../lambdas/core/detect/pack';
import { decode } from '../../../lambdas/core/formats';
import { readWinEvent } from '../../../lambdas/core/formats/sysmon/win-event';

/**
 * Conformance: SigmaHQ's regression data through the whole detect stage (event view, logsource routing, needle
 * prefilter, the engine) with the shipped pack. SigmaHQ's CI passes a rule when its recording yields a match
 * (tests/regression_tests_runner.py: "rule ID appears in output"); here every event is held to account: each one
 * matches the rule its info.yml names, except the events listed below, which the rule, as written, does not describe
 * (other processes and files the recording caught) and which must therefore NOT match. The data lives beside the
 * project (../shared/data/sigma): when it is missing this test fails, it never skips.
 */

const REGRESSION = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'data', 'sigma', 'regression_data');

/** Events of a recording that the rule does not describe, with why: a match on any of them would be a bug. */
const NOT_DESCRIBED: Record<string, string> = {
  'file_event_win_anydesk_artefact/0b9ad457-2554-44c1-82c2-d56a99c42377.json#0':
    'AnyDesk writes service.conf.new; the rule names user.conf and system.conf only',
  'file_event_win_anydesk_artefact/0b9ad457-2554-44c1-82c2-d56a99c42377.json#1':
    'service.conf~RF….TMP; the rule names user.conf and system.conf only',
  'file_event_win_cred_dump_tools_dropped_files/8fbf3271-1ef6-4e94-8210-03c2317947f6.json#1':
    'procdump64.exe:Zone.Identifier, the download mark stream: the rule wants names that end with the tool',
  'file_event_win_cred_dump_tools_dropped_files/8fbf3271-1ef6-4e94-8210-03c2317947f6.json#3':
    'procdump64a.exe:Zone.Identifier (download mark stream)',
  'file_event_win_cred_dump_tools_dropped_files/8fbf3271-1ef6-4e94-8210-03c2317947f6.json#5':
    'procdump.exe:Zone.Identifier (download mark stream)',
  'proc_creation_win_findstr_recon_everyone/47e4bab7-c626-47dc-967b-255608c9a920.json#0':
    'icacls.exe, the first stage of the pipe: not find/findstr, and its command line has no findstr',
  'proc_creation_win_findstr_recon_everyone/47e4bab7-c626-47dc-967b-255608c9a920.json#1':
    'findstr "(M)": no Everyone or BUILTIN\\ in its command line',
  'proc_creation_win_findstr_security_keyword_lookup/4fe074b4-b833-4081-8f24-7dcfeca72b42.json#0':
    'cmd.exe /c "tasklist | findstr virus": the image is cmd.exe, the rule wants find/findstr',
  'proc_creation_win_findstr_security_keyword_lookup/4fe074b4-b833-4081-8f24-7dcfeca72b42.json#1':
    'tasklist.exe, the first stage of the pipe',
};

/**
 * Events that should match and do not, each with the reason: at most 2% of the events. The test fails when an event
 * listed here starts to match (remove it) or one not listed stops matching.
 */
const EXCEPTIONS: Record<string, string> = {};

interface Case {
  /** `<folder>/<file>#<n>`: n-th event of the file. */
  name: string;
  ruleId: string;
  record: Parameters<typeof readWinEvent>[0];
}

function infoFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...infoFiles(p));
    else if (e.name === 'info.yml') out.push(p);
  }
  return out;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const info of infoFiles(path.join(REGRESSION, 'rules', 'windows'))) {
    const meta = parse(fs.readFileSync(info, 'utf8')) as { rule_metadata?: { id?: string }[] };
    const ruleId = meta.rule_metadata?.[0]?.id;
    if (typeof ruleId !== 'string') throw new Error(`${info}: no rule_metadata id`);
    const dir = path.dirname(info);
    const jsons = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
    if (jsons.length === 0) throw new Error(`${dir}: no event file`);
    for (const f of jsons.sort()) {
      // Some files hold several events, written one after another (concatenated JSON): the decoder reads them all.
      const decoded = decode(fs.readFileSync(path.join(dir, f)), f);
      if (decoded.rejections.length > 0) throw new Error(`${f}: ${decoded.rejections[0]!.reason}`);
      decoded.records.forEach((record, i) => out.push({ name: `${path.basename(dir)}/${f}#${i}`, ruleId, record }));
    }
  }
  return out;
}

describe('SigmaHQ regression data', () => {
  it('is beside the project (../shared/data/sigma/regression_data)', () => {
    expect(fs.existsSync(path.join(REGRESSION, 'rules', 'windows'))).toBe(true);
  });

  it('every event matches the rule its info.yml names, but those the rule does not describe and the exceptions', () => {
    const all = cases();
    // 189 folders, 219 events at the pinned commit: a silent loss of events would hollow the test out.
    expect(all.length).toBeGreaterThanOrEqual(219);
    const pack = loadBuiltinPack({ all: true });
    const detector = new Detector([pack], { includeExperimental: true, includeThreatHunting: true });
    const known = new Set(pack.rules.map((r) => r.meta.id));
    const failures: Record<string, string> = {};
    const matchedFolders = new Set<string>();
    for (const c of all) {
      const ev = readWinEvent(c.record);
      const matched = ev === undefined ? [] : detector.detect(windowsEventViews(ev)).map((m) => m.id);
      const hit = matched.includes(c.ruleId);
      if (hit) matchedFolders.add(c.name.split('/')[0]!);
      if (!known.has(c.ruleId)) failures[c.name] = `rule ${c.ruleId} is not in the pack`;
      else if (ev === undefined) failures[c.name] = 'not read as a Windows event';
      else if (c.name in NOT_DESCRIBED) {
        if (hit) failures[c.name] = `rule ${c.ruleId} matched an event it does not describe`;
      } else if (!hit) failures[c.name] = `rule ${c.ruleId} did not match (matched: ${matched.join(', ') || 'none'})`;
    }
    expect(detector.compileStats.failed).toEqual([]);
    // SigmaHQ's own contract: every recording yields a match with its rule.
    expect(new Set(all.map((c) => c.name.split('/')[0]!)).size).toBe(matchedFolders.size);
    expect(Object.keys(EXCEPTIONS).length).toBeLessThanOrEqual(Math.floor(all.length * 0.02));
    expect(failures).toEqual(Object.fromEntries(Object.keys(EXCEPTIONS).map((k) => [k, expect.any(String)])));
  });
});
