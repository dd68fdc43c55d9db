/**
 * DescribeNetworkAcls: every VPC's default network ACL (creating or changing ACLs is not emulated).
 *
 * AWS rules (API reference, CLI examples; docs/fidelity.md):
 * - a default ACL allows all traffic both ways: per direction, rule 100 `allow` and rule 32767
 *   `deny` for 0.0.0.0/0, plus 101 `allow` and 32768 `deny` for ::/0 when the VPC has IPv6;
 *   egress entries first, each direction by rule number, protocol `-1` (no ports);
 * - it is associated with every subnet of its VPC (one `aclassoc-` association each);
 * - `NetworkAclId.N` that does not exist is `InvalidNetworkAclID.NotFound`; the documented filters
 *   (`default`, `vpc-id`, `association.*`, `entry.*`, …) with wildcards; MaxResults 5-1000.
 */
import type { DescribeNetworkAclsRequest, DescribeNetworkAclsResult, NetworkAcl, NetworkAclEntry } from '@aws-sdk/client-ec2';
import { ec2Error } from '../../protocol/errors.js';
import type { NetworkAclRecord, Sequenced, SubnetRecord, VpcRecord } from '../../store/records.js';
import type { Deps, RequestContext } from '../context.js';
import { namedOrAll } from '../describe.js';
import { compileFilters, type FilterTable } from '../filters.js';
import { takePage, validatePageRequest } from '../paging.js';
import { toSdkTags } from '../security-groups/views.js';

/** An ACL with what its answer is made of: its VPC (for the entries) and its subnets. */
interface AclView extends Sequenced<NetworkAclRecord> {
  readonly entries: readonly NetworkAclEntry[];
  readonly subnets: readonly SubnetRecord[];
}

/** AWS's entries of a default ACL (the allow-all rules and the catch-all denies). */
export function defaultAclEntries(vpc: Pick<VpcRecord, 'ipv6CidrBlock'>): NetworkAclEntry[] {
  const entries: NetworkAclEntry[] = [];
  for (const egress of [true, false]) {
    const ipv4 = { CidrBlock: '0.0.0.0/0', Egress: egress, Protocol: '-1' };
    const ipv6 = { Ipv6CidrBlock: '::/0', Egress: egress, Protocol: '-1' };
    entries.push({ ...ipv4, RuleAction: 'allow', RuleNumber: 100 });
    if (vpc.ipv6CidrBlock !== undefined) entries.push({ ...ipv6, RuleAction: 'allow', RuleNumber: 101 });
    entries.push({ ...ipv4, RuleAction: 'deny', RuleNumber: 32767 });
    if (vpc.ipv6CidrBlock !== undefined) entries.push({ ...ipv6, RuleAction: 'deny', RuleNumber: 32768 });
  }
  return entries;
}

const entryValues = (read: (entry: NetworkAclEntry) => string | undefined) => (acl: AclView) =>
  acl.entries.map(read);

const NETWORK_ACL_FILTERS: FilterTable<AclView> = {
  tags: (acl) => acl.tags,
  filters: {
    'association.association-id': { values: (acl) => acl.subnets.map((s) => s.networkAclAssociationId) },
    'association.network-acl-id': { values: (acl) => acl.subnets.map(() => acl.networkAclId) },
    'association.subnet-id': { values: (acl) => acl.subnets.map((s) => s.subnetId) },
    default: { values: (acl) => [String(acl.isDefault)] },
    'entry.cidr': { values: entryValues((e) => e.CidrBlock) },
    // Protocol -1 entries carry no ICMP type/code or port range.
    'entry.icmp.code': { values: () => [] },
    'entry.icmp.type': { values: () => [] },
    'entry.ipv6-cidr': { values: entryValues((e) => e.Ipv6CidrBlock) },
    'entry.port-range.from': { values: () => [] },
    'entry.port-range.to': { values: () => [] },
    'entry.protocol': { values: entryValues((e) => e.Protocol) },
    'entry.rule-action': { values: entryValues((e) => e.RuleAction) },
    'entry.egress': { values: entryValues((e) => String(e.Egress)) },
    'entry.rule-number': { values: entryValues((e) => String(e.RuleNumber)) },
    'network-acl-id': { values: (acl) => [acl.networkAclId] },
    'owner-id': { values: (acl) => [acl.ownerId] },
    'vpc-id': { values: (acl) => [acl.vpcId] },
  },
};

function toNetworkAcl(acl: AclView): NetworkAcl {
  return {
    Associations: acl.subnets.map((subnet) => ({
      NetworkAclAssociationId: subnet.networkAclAssociationId,
      NetworkAclId: acl.networkAclId,
      SubnetId: subnet.subnetId,
    })),
    Entries: [...acl.entries],
    IsDefault: acl.isDefault,
    NetworkAclId: acl.networkAclId,
    Tags: toSdkTags(acl.tags),
    VpcId: acl.vpcId,
    OwnerId: acl.ownerId,
  };
}

export function describeNetworkAcls(
  input: DescribeNetworkAclsRequest,
  ctx: RequestContext,
  deps: Deps,
): DescribeNetworkAclsResult {
  validatePageRequest(input);
  const matches = compileFilters(input.Filters, NETWORK_ACL_FILTERS);
  const { store } = deps;
  const { isVisible } = deps.realism; // a new VPC's default ACL hides with it under eventual consistency
  const acls = namedOrAll(input.NetworkAclIds, {
    find: (id) => (isVisible(id) ? store.getNetworkAcl(ctx.scope, id) : undefined),
    notFound: (id) => ec2Error('InvalidNetworkAclID.NotFound', id),
    all: () => store.listNetworkAcls(ctx.scope).filter((a) => isVisible(a.networkAclId)),
  });
  const vpcs = new Map(store.listVpcs(ctx.scope).map((vpc) => [vpc.vpcId, vpc]));
  // Each ACL's subnets in one pass over the account's subnets, not one pass per ACL.
  const subnetsByAcl = new Map<string, SubnetRecord[]>();
  for (const subnet of store.listSubnets(ctx.scope)) {
    const list = subnetsByAcl.get(subnet.networkAclId);
    if (list) list.push(subnet);
    else subnetsByAcl.set(subnet.networkAclId, [subnet]);
  }
  const views: AclView[] = acls.map((acl) => ({
    ...acl,
    entries: defaultAclEntries(vpcs.get(acl.vpcId) ?? { ipv6CidrBlock: undefined }),
    subnets: subnetsByAcl.get(acl.networkAclId) ?? [],
  }));
  const page = takePage(views.filter(matches), input);
  return { NetworkAcls: page.items.map(toNetworkAcl), NextToken: page.nextToken };
}
