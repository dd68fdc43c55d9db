/**
 * What a caller asks flow evaluation (JSON over HTTP, or an object to `emulator.evaluate`),
 * checked and normalised. Anything malformed is an EvaluationError that names the field; the HTTP
 * route answers it as 400 `{error, message}`.
 *
 * An endpoint is written as:
 * - `"sg-a"` or `"sg-a,sg-b"`, or `{"groupIds": [...], "address"?: "10.0.1.5", "vpcId"?: "vpc-…"}`:
 *   a member of those groups (up to five, as a network interface holds), at an address if given;
 * - `"eni-…"` or `{"networkInterfaceId": "eni-…", "address"?: …}`: that interface's groups and
 *   primary private address (or the given one of its addresses);
 * - `"0.0.0.0/0"`, `"203.0.113.7"`, `{"cidr": "…"}` or `{"address": "…"}` alone: an outside
 *   address or block, in no security group.
 * The protocol is tcp/udp/icmp/icmpv6 or a number 0-255 (6/17/1/58 are the same as the names);
 * tcp and udp need `port`, icmp and icmpv6 need `icmpType` (`icmpCode` defaults to 0).
 */
import { isNetworkInterfaceId, isSecurityGroupId, isVpcId } from '../../store/ids.js';
import type { Scope } from '../../store/records.js';
import { SECURITY_GROUPS_PER_INTERFACE } from '../network-interfaces/handlers.js';
import { isSingleAddress, parseAddressOrCidr, type AddressRange, type Family } from './addresses.js';
import { isIcmpProtocol, isPortProtocol, MAX_PORT, protocolNumber } from './ports.js';

/** A request flow evaluation refuses; `code` is the JSON answer's `error`. */
export class EvaluationError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'EvaluationError';
  }
}

const invalid = (message: string) => new EvaluationError('InvalidFlow', message);

// ---------------------------------------------------------------- what callers write

export type EndpointRequest =
  | string
  | {
      readonly groupIds?: readonly string[];
      readonly groupId?: string;
      readonly networkInterfaceId?: string;
      readonly address?: string;
      readonly cidr?: string;
      readonly vpcId?: string;
    };

export interface FlowRequest {
  readonly from: EndpointRequest;
  readonly to: EndpointRequest;
  readonly protocol: string | number;
  readonly port?: number;
  readonly icmpType?: number;
  readonly icmpCode?: number;
  /** ipv4 or ipv6; by default the family of the addresses given, else ipv6 for icmpv6, else ipv4. */
  readonly family?: Family;
  readonly accountId?: string;
  readonly region?: string;
}

export interface MatrixRequest {
  /** Every group of this VPC... */
  readonly vpcId?: string;
  /** ...or these groups. */
  readonly groupIds?: readonly string[];
  readonly accountId?: string;
  readonly region?: string;
}

// ---------------------------------------------------------------- what evaluation works on

export type ParsedEndpoint =
  | { readonly kind: 'groups'; readonly groupIds: readonly string[]; readonly address?: AddressRange; readonly vpcId?: string }
  | { readonly kind: 'networkInterface'; readonly networkInterfaceId: string; readonly address?: AddressRange }
  | { readonly kind: 'outside'; readonly range: AddressRange };

export interface ParsedFlow {
  readonly from: ParsedEndpoint;
  readonly to: ParsedEndpoint;
  readonly protocol: number;
  /** The port, the ICMP type×256+code, or 0 for a protocol without ports. */
  readonly point: number;
  readonly port?: number;
  readonly icmpType?: number;
  readonly icmpCode?: number;
  readonly family?: Family;
  readonly scope: Partial<Scope>;
}

export interface ParsedMatrix {
  readonly vpcId?: string;
  readonly groupIds?: readonly string[];
  readonly scope: Partial<Scope>;
}

const FLOW_FIELDS = new Set(['from', 'to', 'protocol', 'port', 'icmpType', 'icmpCode', 'family', 'accountId', 'region']);
const ENDPOINT_FIELDS = new Set(['groupIds', 'groupId', 'networkInterfaceId', 'address', 'cidr', 'vpcId']);
const MATRIX_FIELDS = new Set(['vpcId', 'groupIds', 'accountId', 'region']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkFields(value: Record<string, unknown>, known: ReadonlySet<string>, where: string): void {
  for (const key of Object.keys(value)) {
    if (!known.has(key)) throw invalid(`${where}: unknown field '${key}' (expected one of ${[...known].join(', ')})`);
  }
}

export function parseFlowRequest(body: unknown): ParsedFlow {
  if (!isObject(body)) throw invalid('the flow must be a JSON object with from, to and protocol');
  checkFields(body, FLOW_FIELDS, 'flow');
  if (body['from'] === undefined) throw invalid("flow: 'from' is required");
  if (body['to'] === undefined) throw invalid("flow: 'to' is required");
  const from = parseEndpoint(body['from'], 'from');
  const to = parseEndpoint(body['to'], 'to');
  if (from.kind === 'outside' && to.kind === 'outside') {
    throw invalid('from and to are both outside addresses: no security group is involved; name a group or a network interface on one side');
  }

  const rawProtocol = body['protocol'];
  if (rawProtocol === undefined) throw invalid("flow: 'protocol' is required (tcp, udp, icmp, icmpv6 or a protocol number)");
  if (typeof rawProtocol !== 'string' && typeof rawProtocol !== 'number') throw invalid('protocol: must be a string or a number');
  const protocol = protocolNumber(String(rawProtocol));
  if (protocol === undefined) throw invalid(`protocol: '${String(rawProtocol)}' is not tcp, udp, icmp, icmpv6 or a protocol number 0-255`);
  if (protocol === -1) throw invalid('protocol: a flow has one protocol; -1 (all) is for rules: give tcp, udp, icmp, icmpv6 or a number 0-255');

  const port = optionalInteger(body['port'], 'port', 0, MAX_PORT);
  const icmpType = optionalInteger(body['icmpType'], 'icmpType', 0, 255);
  const icmpCode = optionalInteger(body['icmpCode'], 'icmpCode', 0, 255);
  let point = 0;
  if (isPortProtocol(protocol)) {
    if (port === undefined) throw invalid(`port: required for ${protocol === 6 ? 'tcp' : 'udp'} (0-65535)`);
    if (icmpType !== undefined || icmpCode !== undefined) throw invalid('icmpType/icmpCode: only for icmp and icmpv6');
    point = port;
  } else if (isIcmpProtocol(protocol)) {
    if (port !== undefined) throw invalid('port: icmp and icmpv6 have no ports; give icmpType (and icmpCode)');
    if (icmpType === undefined) throw invalid(`icmpType: required for ${protocol === 1 ? 'icmp' : 'icmpv6'} (0-255)`);
    point = icmpType * 256 + (icmpCode ?? 0);
  } else if (port !== undefined || icmpType !== undefined || icmpCode !== undefined) {
    throw invalid(`port: protocol ${protocol} has no ports`);
  }

  const family = body['family'];
  if (family !== undefined && family !== 'ipv4' && family !== 'ipv6') throw invalid("family: must be 'ipv4' or 'ipv6'");
  return {
    from,
    to,
    protocol,
    point,
    ...(port !== undefined ? { port } : {}),
    ...(icmpType !== undefined ? { icmpType, icmpCode: icmpCode ?? 0 } : {}),
    ...(family !== undefined ? { family } : {}),
    scope: parseScope(body),
  };
}

export function parseMatrixRequest(body: unknown): ParsedMatrix {
  if (!isObject(body)) throw invalid('the matrix request must be a JSON object with vpcId or groupIds');
  checkFields(body, MATRIX_FIELDS, 'matrix');
  const vpcId = body['vpcId'];
  const groupIds = body['groupIds'];
  if ((vpcId === undefined) === (groupIds === undefined)) throw invalid('matrix: give exactly one of vpcId and groupIds');
  if (vpcId !== undefined) {
    if (typeof vpcId !== 'string' || !isVpcId(vpcId)) throw invalid(`vpcId: '${String(vpcId)}' is not a VPC id (vpc-…)`);
    return { vpcId, scope: parseScope(body) };
  }
  if (!Array.isArray(groupIds) || groupIds.length === 0) throw invalid('groupIds: must be a non-empty array of security group ids');
  return { groupIds: uniqueGroupIds(groupIds, 'groupIds'), scope: parseScope(body) };
}

function parseScope(body: Record<string, unknown>): Partial<Scope> {
  const accountId = body['accountId'];
  const region = body['region'];
  if (accountId !== undefined && (typeof accountId !== 'string' || !/^[0-9]{12}$/.test(accountId))) {
    throw invalid(`accountId: '${String(accountId)}' is not a 12-digit account id`);
  }
  if (region !== undefined && (typeof region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-[0-9]+$/.test(region))) {
    throw invalid(`region: '${String(region)}' is not a region name`);
  }
  return { ...(accountId !== undefined ? { accountId } : {}), ...(region !== undefined ? { region } : {}) };
}

function parseEndpoint(raw: unknown, where: 'from' | 'to'): ParsedEndpoint {
  if (typeof raw === 'string') return parseEndpointText(raw.trim(), where);
  if (!isObject(raw)) throw invalid(`${where}: must be a string (sg-…, eni-…, an address or a CIDR) or an object`);
  checkFields(raw, ENDPOINT_FIELDS, where);
  const { groupIds, groupId, networkInterfaceId, address, cidr, vpcId } = raw;
  if (groupIds !== undefined && !Array.isArray(groupIds)) throw invalid(`${where}.groupIds: must be an array of security group ids`);
  const groupList =
    groupIds !== undefined || groupId !== undefined
      ? uniqueGroupIds([...(groupId !== undefined ? [groupId] : []), ...((groupIds as unknown[] | undefined) ?? [])], `${where}.groupIds`)
      : undefined;
  const kinds = [groupList !== undefined, networkInterfaceId !== undefined, cidr !== undefined].filter(Boolean).length;
  if (kinds > 1) throw invalid(`${where}: give one of groupIds, networkInterfaceId and cidr`);
  if (vpcId !== undefined && (typeof vpcId !== 'string' || !isVpcId(vpcId))) throw invalid(`${where}.vpcId: '${String(vpcId)}' is not a VPC id (vpc-…)`);
  if (vpcId !== undefined && groupList === undefined) throw invalid(`${where}.vpcId: only with groupIds`);

  if (cidr !== undefined) {
    if (address !== undefined) throw invalid(`${where}: give cidr or address, not both`);
    return { kind: 'outside', range: outsideRange(cidr, `${where}.cidr`) };
  }
  const parsedAddress = address === undefined ? undefined : singleAddress(address, `${where}.address`);
  if (networkInterfaceId !== undefined) {
    if (typeof networkInterfaceId !== 'string' || !isNetworkInterfaceId(networkInterfaceId)) {
      throw invalid(`${where}.networkInterfaceId: '${String(networkInterfaceId)}' is not a network interface id (eni-…)`);
    }
    return { kind: 'networkInterface', networkInterfaceId, ...(parsedAddress ? { address: parsedAddress } : {}) };
  }
  if (groupList !== undefined) {
    checkEndpointGroupCount(groupList, `${where}.groupIds`);
    return {
      kind: 'groups',
      groupIds: groupList,
      ...(parsedAddress ? { address: parsedAddress } : {}),
      ...(vpcId !== undefined ? { vpcId } : {}),
    };
  }
  if (address !== undefined) return { kind: 'outside', range: outsideRange(address, `${where}.address`) };
  throw invalid(`${where}: give groupIds, networkInterfaceId, cidr or address`);
}

function parseEndpointText(text: string, where: 'from' | 'to'): ParsedEndpoint {
  if (text.startsWith('sg-')) {
    const groupIds = uniqueGroupIds(text.split(',').map((id) => id.trim()), where);
    checkEndpointGroupCount(groupIds, where);
    return { kind: 'groups', groupIds };
  }
  if (text.startsWith('eni-')) {
    if (!isNetworkInterfaceId(text)) throw invalid(`${where}: '${text}' is not a network interface id (eni-…)`);
    return { kind: 'networkInterface', networkInterfaceId: text };
  }
  const range = parseAddressOrCidr(text);
  if (!range) throw invalid(`${where}: '${text}' is not a security group id (sg-…), a network interface id (eni-…), an address or a CIDR`);
  return { kind: 'outside', range };
}

function uniqueGroupIds(ids: readonly unknown[], where: string): string[] {
  const out: string[] = [];
  for (const id of ids) {
    if (typeof id !== 'string' || !isSecurityGroupId(id)) throw invalid(`${where}: '${String(id)}' is not a security group id (sg-…)`);
    if (!out.includes(id)) out.push(id);
  }
  if (out.length === 0) throw invalid(`${where}: at least one security group id is needed`);
  return out;
}

/** The groups one endpoint holds: at most what a network interface may hold. */
function checkEndpointGroupCount(groupIds: readonly string[], where: string): void {
  if (groupIds.length > SECURITY_GROUPS_PER_INTERFACE) {
    throw invalid(`${where}: ${groupIds.length} groups; a network interface holds at most ${SECURITY_GROUPS_PER_INTERFACE}`);
  }
}

function singleAddress(raw: unknown, where: string): AddressRange {
  const range = typeof raw === 'string' ? parseAddressOrCidr(raw) : undefined;
  if (!range || !isSingleAddress(range) || (typeof raw === 'string' && raw.includes('/') && !/\/(32|128)$/.test(raw))) {
    throw invalid(`${where}: '${String(raw)}' is not an IPv4 or IPv6 address`);
  }
  return range;
}

function outsideRange(raw: unknown, where: string): AddressRange {
  const range = typeof raw === 'string' ? parseAddressOrCidr(raw) : undefined;
  if (!range) throw invalid(`${where}: '${String(raw)}' is not an address or a CIDR`);
  return range;
}

function optionalInteger(raw: unknown, where: string, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < min || raw > max) {
    throw invalid(`${where}: '${String(raw)}' is not a whole number from ${min} to ${max}`);
  }
  return raw;
}
