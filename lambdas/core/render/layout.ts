import type { Basis, IncidentReport, ProcessNode, RemediationPhase, TechnicalSubsection } from '../model/report';

/** What both renderers share: section titles, labels for statement bases and phases, the process tree shape. */

export const SECTION_TITLES = {
  executiveSummary: 'Executive summary',
  initialContext: 'Initial context',
  technicalAnalysis: 'Technical analysis',
  timeline: 'Timeline (UTC)',
  iocs: 'Indicators of compromise',
  attack: 'MITRE ATT&CK mapping',
  detections: 'Detections (Sigma rules)',
  rootCause: 'Root-cause hypothesis',
  businessImpact: 'Business impact',
  remediation: 'Recommended containment and remediation',
  rawEvidence: 'Raw evidence',
} as const;

export const SUB_TITLES: Readonly<Record<TechnicalSubsection, string>> = {
  processTree: 'Attack chain (process tree)',
  persistence: 'Persistence mechanism',
  files: 'File activity',
  network: 'Network activity',
  heuristics: 'Why it is suspicious (heuristics)',
};

export const BASIS_LABELS: Readonly<Record<Basis, string>> = {
  observed: 'Observed',
  inferred: 'Inferred',
  recommended: 'Recommended',
  unknown: 'Unknown',
};

export const PHASES: readonly RemediationPhase[] = ['containment', 'eradication', 'recovery'];

export const PHASE_LABELS: Readonly<Record<RemediationPhase, string>> = {
  containment: 'Containment',
  eradication: 'Eradication',
  recovery: 'Recovery',
};

export interface TreeNode {
  node: ProcessNode;
  kids: TreeNode[];
}

/**
 * The flat depth-first process list back into a tree, with nesting capped at `maxDepth`: deeper processes hang
 * under the last node at the cap, so a hostile thousand-level chain cannot nest a document a thousand deep.
 */
export function buildTree(nodes: ProcessNode[], maxDepth: number): TreeNode[] {
  const roots: TreeNode[] = [];
  const stack: { depth: number; t: TreeNode }[] = [];
  for (const node of nodes) {
    const depth = Math.min(node.depth, maxDepth);
    const t: TreeNode = { node, kids: [] };
    while (stack.length > 0 && stack[stack.length - 1].depth >= depth) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent !== undefined) parent.t.kids.push(t);
    else roots.push(t);
    stack.push({ depth, t });
  }
  return roots;
}

/** Length of the longest string in a report outside the raw appendix: whether value cuts will show. */
export function longestValue(report: IncidentReport): number {
  let max = 0;
  const walk = (v: unknown): void => {
    if (typeof v === 'string') max = Math.max(max, v.length);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(walk);
  };
  walk({ ...report, rawEvidence: [] });
  return max;
}

/** `2024-05-01 12:00:00Z` or, for folded rows, `2024-05-01 12:00:00Z (×120, last 2024-05-01 12:01:59Z)`. */
export function foldedTime(row: { time: string; count: number; lastTime?: string }): string {
  if (row.count <= 1) return row.time;
  return `${row.time} (×${row.count}${row.lastTime !== undefined ? `, last ${row.lastTime}` : ''})`;
}

/** `Sysmon 1 #4711` or `Sysmon 1 #4711 and 3 more alerts`: where a rule matched. */
export function detectionMatched(row: { alerts: number; firstRef: string }): string {
  return row.alerts <= 1
    ? row.firstRef
    : `${row.firstRef} and ${row.alerts - 1} more alert${row.alerts === 2 ? '' : 's'}`;
}
