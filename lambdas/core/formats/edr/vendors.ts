import type { FormatAdapter } from '../types';
import { crowdstrikeAlertV2, crowdstrikeDetectionSummary, crowdstrikeEppDetectionSummary } from './crowdstrike';
import { defenderGraphAlert, defenderMdeAlert } from './defender';
import { elasticDefendAlert } from './elastic';
import { ocsfFinding } from './ocsf';
import { securityHubFinding } from './securityhub';
import { sentinelOneThreat } from './sentinelone';
import { wazuhAlert } from './wazuh';

/**
 * The vendor adapters, in detection order. Their detections are mutually exclusive (each keys on fields only its
 * vendor writes), so the order only matters for cost: the cheapest, most common checks first. The generic adapter
 * consults this same list to leave every vendor's records alone.
 */
export const VENDOR_ADAPTERS: FormatAdapter[] = [
  crowdstrikeDetectionSummary,
  crowdstrikeEppDetectionSummary,
  crowdstrikeAlertV2,
  defenderMdeAlert,
  defenderGraphAlert,
  sentinelOneThreat,
  elasticDefendAlert,
  ocsfFinding,
  securityHubFinding,
  wazuhAlert,
];
