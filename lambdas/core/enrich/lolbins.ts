import { PROXY_EXECUTION_LOLBINS, isSystemFolder, pathsInText } from '../windows';

/**
 * Living-off-the-land binaries asked to run something: a signed Windows tool (rundll32, regsvr32, mshta…) given a
 * DLL, script or download from outside System32/SysWOW64 (or from a writable folder inside them, such as
 * `spool\drivers\color`). The tool is trusted; what it was handed is the question.
 */

const QUOTE = '"\'\u2018\u2019\u201c\u201d';
const LOLBIN_RE = new RegExp(
  `(?:^|[\\s${QUOTE}\\\\/=(&|;])(${PROXY_EXECUTION_LOLBINS.join('|')})(?:\\.exe)?(?=$|[\\s,${QUOTE}])`,
  'gi',
);

/** Where the tool's arguments end: the next command separator or line. */
const ARGS_END = /&&|\|\||[&|;\r\n]/;
const MAX_ARGS = 2048;
/** Real command lines invoke a handful of tools; looking at more only lets hostile input cost time. */
const MAX_INVOCATIONS = 16;

/** Remote or inline payloads: a URL, a UNC/WebDAV path, or script handed over as a pseudo-URL. */
const REMOTE_PAYLOAD =
  /(?:https?|ftp):\/\/[^\s"'\u2018\u2019\u201c\u201d]+|\\\\[^\\\s"']+\\[^\s"']*|\b(?:javascript|vbscript):/i;

/** comsvcs.dll's MiniDump export writes any process's memory (LSASS) to disk, from inside System32. */
const COMSVCS_MINIDUMP = /comsvcs(?:\.dll)?["']?\s*[,\s]\s*#?(?:minidump|24)\b/i;

export interface ProxyExecution {
  lolbin: string;
  payload: string;
  /** The tool and its payload as written (`rundll32.exe C:\…\security.dll,UpdateNow`). */
  evidence: string;
}

/**
 * The first LOLBin invocation in a command text whose payload is remote, inline, or a file outside the system
 * directories. Bare file names (`rundll32 shell32.dll,Control_RunDLL`) resolve to System32 and are not flagged.
 */
export function findProxyExecution(text: string): ProxyExecution | undefined {
  let seen = 0;
  for (const m of text.matchAll(LOLBIN_RE)) {
    if (++seen > MAX_INVOCATIONS) break;
    const start = m.index + m[0].indexOf(m[1]);
    const argsFrom = m.index + m[0].length;
    const rest = text.slice(argsFrom, argsFrom + MAX_ARGS);
    const end = ARGS_END.exec(rest);
    const args = end === null ? rest : rest.slice(0, end.index);

    let payloadAt = -1;
    let payload = '';
    const remote = REMOTE_PAYLOAD.exec(args);
    if (remote !== null) {
      payloadAt = remote.index;
      payload = remote[0];
    }
    const dump = COMSVCS_MINIDUMP.exec(args);
    if (dump !== null && (payloadAt < 0 || dump.index < payloadAt)) {
      payloadAt = dump.index;
      payload = dump[0];
    }
    for (const p of pathsInText(args)) {
      if (isSystemFolder(p.path)) continue;
      if (payloadAt < 0 || p.index < payloadAt) {
        payloadAt = p.index;
        payload = p.path;
      }
      break;
    }
    if (payloadAt < 0) continue;
    // Keep a DLL export (`,UpdateNow`, `, Register`) with the evidence: it says what will run.
    const after = /^\s*,\s*#?[\w@]+/.exec(args.slice(payloadAt + payload.length));
    const payloadEnd = payloadAt + payload.length + (after === null ? 0 : after[0].length);
    // The tool as written, then its arguments up to the payload, without the quote that closed a quoted tool path.
    const tool = text.slice(start, argsFrom);
    const tail = args
      .slice(0, payloadEnd)
      .replace(/^["'\u2018\u2019\u201c\u201d]+/, '')
      .trim();
    return { lolbin: m[1].toLowerCase(), payload, evidence: `${tool} ${tail}` };
  }
  return undefined;
}
