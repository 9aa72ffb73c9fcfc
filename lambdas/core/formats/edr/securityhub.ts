import type { Alert, ArtifactType } from '../../model/alert';
import { firstStr, get, isObject, str, techniqueIds } from '../common';
import type { Json } from '../common';
import { RecordRejected } from '../types';
import type { FormatAdapter, NormalizeContext, RawRecord } from '../types';
import { ArtifactList, buildAlert } from './build';
import {
  NO_SEVERITY,
  arr,
  attackTactics,
  hashAlgorithm,
  ip,
  ipsOf,
  port,
  present,
  safeInt,
  severityOf,
  strs,
  timeAt,
} from './fields';

/**
 * AWS Security Hub findings in the AWS Security Finding Format (ASFF: `SchemaVersion`, `Id`, `ProductArn`,
 * `Severity`, `Resources[]`, `Types[]`), from GuardDuty, Inspector, Security Hub controls or partners.
 * Mapping tables: docs/formats-edr.md.
 */

/** `ThreatIntelIndicators[].Type` values with a typed artifact. */
const INDICATOR_TYPES: Record<string, ArtifactType> = {
  IPV4_ADDRESS: 'ip',
  IPV6_ADDRESS: 'ip',
  DOMAIN: 'domain',
  URL: 'url',
  EMAIL_ADDRESS: 'email',
  PROCESS: 'process',
  HASH_MD5: 'hash',
  HASH_SHA1: 'hash',
  HASH_SHA256: 'hash',
  HASH_SHA512: 'hash',
};

/**
 * ASFF requires `Resources[]`: the AWS resources the finding is about. The resource `Id` (an ARN or instance id) is
 * the asset the finding concerns, so it stands in as `host.name`, an EC2 instance first when several are listed.
 * `AwsAccountId` alone is not used: an account is not an asset one can contain, and a finding always lists resources.
 */
function resourceHost(v: Json): { host: Alert['host']; resource: Json } {
  const resources = arr(v.Resources).filter(isObject);
  const resource =
    resources.find((r) => r.Type === 'AwsEc2Instance' && str(r.Id) !== undefined) ??
    resources.find((r) => str(r.Id) !== undefined);
  const id = resource === undefined ? undefined : str(resource.Id);
  if (resource === undefined || id === undefined) throw new RecordRejected('missing host: no Resources[].Id');
  return {
    host: {
      name: id,
      ips: ipsOf(
        get(resource, 'Details.AwsEc2Instance.IpV4Addresses'),
        get(resource, 'Details.AwsEc2Instance.IpV6Addresses'),
      ),
    },
    resource,
  };
}

function severity(v: Json): Alert['severity'] {
  const sev = v.Severity;
  if (present(sev) && !isObject(sev)) return severityOf(sev, 'Severity') ?? NO_SEVERITY;
  const label = severityOf(get(v, 'Severity.Label'), 'Severity.Label');
  if (label !== undefined) return label;
  const normalized = severityOf(get(v, 'Severity.Normalized'), 'Severity.Normalized', 100);
  if (normalized !== undefined) return normalized;
  return (
    severityOf(get(v, 'FindingProviderFields.Severity.Label'), 'FindingProviderFields.Severity.Label') ?? NO_SEVERITY
  );
}

/** The IAM principal a finding's resource names (access key owner, IAM user), when it names one. */
function principal(resource: Json): Alert['user'] {
  const name =
    firstStr(resource, 'Details.AwsIamAccessKey.PrincipalName', 'Details.AwsIamAccessKey.UserName') ??
    firstStr(resource, 'Details.AwsIamUser.UserName');
  return name === undefined ? undefined : { name };
}

function normalize(record: RawRecord, ctx: NormalizeContext): Alert {
  const v = record.value;
  if (!isObject(v)) throw new RecordRejected('invalid ASFF finding: not a JSON object');
  const { host, resource } = resourceHost(v);
  const eventTime = timeAt(v, ['CreatedAt', 'FirstObservedAt', 'UpdatedAt']);
  const types = [...strs(v.Types), ...strs(get(v, 'FindingProviderFields.Types'))];

  const artifacts = new ArtifactList();
  for (const t of arr(v.ThreatIntelIndicators)) {
    if (!isObject(t)) continue;
    const kind = INDICATOR_TYPES[str(t.Type) ?? ''];
    if (kind === 'ip') artifacts.add('ip', ip(t.Value), 'threat intel');
    else if (kind === 'hash') {
      const hex = str(t.Value)?.trim().toLowerCase();
      if (hex !== undefined && /^[0-9a-f]+$/.test(hex) && hashAlgorithm(hex) !== undefined) {
        artifacts.add('hash', hex, 'threat intel');
      }
    } else if (kind !== undefined) artifacts.add(kind, t.Value, 'threat intel');
  }
  for (const m of arr(v.Malware)) if (isObject(m)) artifacts.add('file', m.Path, 'malware');
  for (const path of ['AwsApiCallAction', 'NetworkConnectionAction', 'PortProbeAction']) {
    artifacts.add('ip', ip(get(v, `Action.${path}.RemoteIpDetails.IpAddressV4`)), 'remote caller');
  }
  artifacts.add('domain', get(v, 'Action.AwsApiCallAction.DomainDetails.Domain'), 'caller domain');
  artifacts.add('domain', get(v, 'Action.DnsRequestAction.Domain'), 'dns request');
  // GuardDuty also flattens its action into ProductFields (`…/remoteIpDetails/ipAddressV4`).
  const productFields = isObject(v.ProductFields) ? v.ProductFields : {};
  for (const [key, value] of Object.entries(productFields)) {
    if (/\/remoteIpDetails\/ipAddressV[46]$/.test(key)) artifacts.add('ip', ip(value), 'remote caller');
  }

  const network = isObject(v.Network) ? v.Network : {};
  const direction = str(network.Direction)?.toUpperCase();
  const proc = isObject(v.Process) ? v.Process : undefined;
  const title = str(v.Title);

  return buildAlert(securityHubFinding, record, ctx, {
    vendorId: str(v.Id),
    eventTime,
    eventType: 'finding',
    eventName: firstStr(v, 'ProductName', 'ProductFields.aws/securityhub/ProductName'),
    title,
    description: str(v.Description),
    host,
    user: principal(resource),
    rule:
      title === undefined
        ? undefined
        : { name: title, id: firstStr(v, 'ProductFields.ControlId', 'Compliance.SecurityControlId', 'GeneratorId') },
    severity: severity(v),
    techniques: techniqueIds(types),
    // A control check (`Compliance{}`, `Software and Configuration Checks/…`) is posture, not activity; one that
    // passed, or a finding an analyst suppressed, is closed as harmless.
    compliance: isObject(v.Compliance) || types.some((t) => /^software and configuration checks\//i.test(t)),
    disposition:
      /^passed$/i.test(str(get(v, 'Compliance.Status')) ?? '') ||
      /^suppressed$/i.test(str(get(v, 'Workflow.Status')) ?? '')
        ? 'benign'
        : undefined,
    // `TTPs/<tactic>/<finding type>`: the second segment is an ATT&CK tactic name.
    tactics: attackTactics(types.filter((t) => t.startsWith('TTPs/')).map((t) => t.split('/')[1])),
    process:
      proc === undefined
        ? undefined
        : { pid: safeInt(proc.Pid), image: firstStr(proc, 'Path', 'Name'), parent: { pid: safeInt(proc.ParentPid) } },
    network: {
      protocol: str(network.Protocol),
      direction: direction === 'IN' ? 'inbound' : direction === 'OUT' ? 'outbound' : undefined,
      srcIp: ip(network.SourceIpV4) ?? ip(network.SourceIpV6),
      srcPort: port(network.SourcePort),
      dstIp: ip(network.DestinationIpV4) ?? ip(network.DestinationIpV6),
      dstPort: port(network.DestinationPort),
      dstHostname: str(network.DestinationDomain),
    },
    artifacts,
  });
}

/** AWS Security Hub finding (ASFF). */
export const securityHubFinding: FormatAdapter = {
  id: 'securityhub-asff',
  product: 'securityhub',
  detect: (record) => {
    const v = record.value;
    return isObject(v) && typeof v.SchemaVersion === 'string' && typeof v.ProductArn === 'string';
  },
  normalize,
};
