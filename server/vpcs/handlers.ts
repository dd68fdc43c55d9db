/**
 * VPC actions: just enough VPC for security groups to live in (aws-reference §2H).
 * Every account and region starts with a default VPC (172.31.0.0/16); every VPC gets its
 * `default` security group. VPC CIDRs must be /16 to /28 and are canonicalised.
 */
import type {
  CreateVpcRequest,
  CreateVpcResult,
  DeleteVpcRequest,
  DescribeVpcsRequest,
  DescribeVpcsResult,
  Vpc,
} from '@aws-sdk/client-ec2';
import { randomBytes } from 'node:crypto';
import { parseCidr } from '../../protocol/cidr.js';
import { Ec2Error, ec2Error, invalidValue } from '../../protocol/errors.js';
import { isVpcId } from '../../store/ids.js';
import type { VpcRecord } from '../../store/records.js';
import { DEFAULT_VPC_CIDR, type Sequenced } from '../../store/store.js';
import type { Deps, RequestContext } from '../context.js';
import { endPeeringsOfVpc } from '../vpc-peering/handlers.js';
import { compileFilters, namedValueCheck, type FilterTable } from '../filters.js';
import { takePage, validatePageRequest } from '../paging.js';
import { tagsFromSpecifications } from '../tags/rules.js';
import { toSdkTags } from '../security-groups/views.js';

const TENANCIES = new Set(['default', 'dedicated', 'host']);

function canonicalVpcCidr(raw: string): string {
  const cidr = parseCidr(raw);
  if (cidr === undefined || cidr.family !== 'ipv4') {
    throw invalidValue(`Value (${raw}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`);
  }
  if (cidr.prefix < 16 || cidr.prefix > 28) throw ec2Error('InvalidVpc.Range', raw);
  return cidr.canonical;
}

/** An Amazon-provided /56 from 2600:1f00::/24 (Amazon's range), random like AWS's. */
function amazonIpv6Block(): string {
  const b = randomBytes(4);
  const hex = (n: number) => n.toString(16);
  // The fourth group is the /56's last byte followed by 00, written canonically (no leading zeros,
  // so a zero byte is `0`, not `000`): state import checks blocks are canonical.
  return `2600:1f${hex(0x10 + (b[0]! & 0x0f))}:${hex(b.readUInt16BE(1))}:${hex(b[3]! << 8)}::/56`;
}

export function toVpc(vpc: VpcRecord, state: 'pending' | 'available' = 'available'): Vpc {
  return {
    OwnerId: vpc.ownerId,
    InstanceTenancy: vpc.instanceTenancy as Vpc['InstanceTenancy'],
    Ipv6CidrBlockAssociationSet:
      vpc.ipv6CidrBlock !== undefined
        ? [
            {
              AssociationId: vpc.ipv6AssociationId,
              Ipv6CidrBlock: vpc.ipv6CidrBlock,
              Ipv6CidrBlockState: { State: 'associated' },
              NetworkBorderGroup: undefined,
              Ipv6Pool: 'Amazon',
            },
          ]
        : [],
    CidrBlockAssociationSet: [
      { AssociationId: vpc.cidrAssociationId, CidrBlock: vpc.cidrBlock, CidrBlockState: { State: 'associated' } },
    ],
    IsDefault: vpc.isDefault,
    Tags: vpc.tags.length > 0 ? toSdkTags(vpc.tags) : undefined,
    VpcId: vpc.vpcId,
    State: state,
    CidrBlock: vpc.cidrBlock,
    DhcpOptionsId: vpc.dhcpOptionsId,
  };
}

export function createVpc(input: CreateVpcRequest, ctx: RequestContext, deps: Deps): CreateVpcResult {
  if (input.CidrBlock === undefined) {
    throw new Ec2Error('MissingParameter', "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.");
  }
  const cidrBlock = canonicalVpcCidr(input.CidrBlock);
  const tenancy = input.InstanceTenancy ?? 'default';
  if (!TENANCIES.has(tenancy)) {
    throw invalidValue(`Value (${tenancy}) for parameter instanceTenancy is invalid. Valid values: default, dedicated, host`);
  }
  const tags = tagsFromSpecifications(input.TagSpecifications, 'vpc');
  const vpcId = deps.store.insertVpc(ctx.scope, {
    cidrBlock,
    ...(input.AmazonProvidedIpv6CidrBlock ? { ipv6CidrBlock: amazonIpv6Block() } : {}),
    isDefault: false,
    instanceTenancy: tenancy,
  });
  if (tags.length > 0) deps.store.setTags(ctx.scope, vpcId, 'vpc', tags);
  // AWS answers a new VPC as `pending`; it is `available` in every later describe (H-1).
  return { Vpc: toVpc(deps.store.getVpc(ctx.scope, vpcId)!, 'pending') };
}

/**
 * Recreates the default VPC (172.31.0.0/16 with its default group, ACL, main route table, DNS
 * hostnames on, and a default /20 subnet in each zone) after a user deleted it.
 */
export function createDefaultVpc(_input: object, ctx: RequestContext, deps: Deps): CreateVpcResult {
  if (deps.store.getDefaultVpc(ctx.scope)) throw ec2Error('DefaultVpcAlreadyExists');
  const vpcId = deps.store.insertVpc(ctx.scope, { cidrBlock: DEFAULT_VPC_CIDR, isDefault: true, instanceTenancy: 'default' });
  return { Vpc: toVpc(deps.store.getVpc(ctx.scope, vpcId)!, 'pending') };
}

export function requireVpcId(vpcId: string | undefined): string {
  if (vpcId === undefined || vpcId === '') throw ec2Error('MissingParameter', 'vpcId');
  if (!isVpcId(vpcId)) throw ec2Error('InvalidVpcID.Malformed', vpcId);
  return vpcId;
}

export function deleteVpc(input: DeleteVpcRequest, ctx: RequestContext, deps: Deps): { Return: boolean } {
  const vpcId = requireVpcId(input.VpcId);
  const vpc = deps.store.getVpc(ctx.scope, vpcId);
  if (!vpc) throw ec2Error('InvalidVpcID.NotFound', vpcId);
  // What it was born with (default group, ACL, main route table) goes with it; anything else blocks it.
  if (deps.store.countNonDefaultGroupsOfVpc(vpcId) > 0 || deps.store.subnetIdsOfVpc(vpcId).length > 0 || deps.store.vpcHasSecurityGroupAssociations(vpcId)) {
    throw new Ec2Error('DependencyViolation', `The vpc '${vpcId}' has dependencies and cannot be deleted.`);
  }
  // Its pending and active peering connections end with it (the console does the same; docs/fidelity.md).
  endPeeringsOfVpc(ctx, deps, vpcId);
  deps.store.deleteVpc(vpcId);
  return { Return: true };
}

const VPC_FILTERS: FilterTable<VpcRecord> = {
  tags: (v) => v.tags,
  filters: {
    'vpc-id': { values: (v) => [v.vpcId], validate: namedValueCheck('vpc-id', isVpcId) },
    cidr: { values: (v) => [v.cidrBlock] },
    'cidr-block-association.cidr-block': { values: (v) => [v.cidrBlock] },
    'cidr-block-association.association-id': { values: (v) => [v.cidrAssociationId] },
    'cidr-block-association.state': { values: () => ['associated'] },
    'ipv6-cidr-block-association.ipv6-cidr-block': { values: (v) => [v.ipv6CidrBlock] },
    'ipv6-cidr-block-association.association-id': { values: (v) => [v.ipv6AssociationId] },
    'ipv6-cidr-block-association.state': { values: (v) => (v.ipv6CidrBlock ? ['associated'] : []) },
    'ipv6-cidr-block-association.ipv6-pool': { values: (v) => (v.ipv6CidrBlock ? ['Amazon'] : []) },
    'dhcp-options-id': { values: (v) => [v.dhcpOptionsId] },
    'is-default': { values: (v) => [String(v.isDefault)] },
    // Undocumented but accepted by AWS: Terraform's `data "aws_vpc"` sends it for `default = true`.
    isDefault: { values: (v) => [String(v.isDefault)] },
    'owner-id': { values: (v) => [v.ownerId] },
    state: { values: () => ['available'] },
  },
};

export function describeVpcs(input: DescribeVpcsRequest, ctx: RequestContext, deps: Deps): DescribeVpcsResult {
  validatePageRequest(input);
  const matches = compileFilters(input.Filters, VPC_FILTERS);
  let vpcs: Sequenced<VpcRecord>[];
  const ids = input.VpcIds ?? [];
  if (ids.length > 0) {
    vpcs = ids.map((id) => {
      // AWS answers NotFound for any id it does not hold, whatever its shape (H-2: the 16-hex
      // `vpc-deadbeef00000000`; D-9: even a value that is not vpc-shaped).
      const vpc = deps.store.getVpc(ctx.scope, id);
      if (!vpc || !deps.realism.isVisible(id)) throw ec2Error('InvalidVpcID.NotFound', id);
      return vpc;
    });
    vpcs = [...new Map(vpcs.map((v) => [v.vpcId, v])).values()].sort((a, b) => a.seq - b.seq);
  } else {
    vpcs = deps.store.listVpcs(ctx.scope).filter((v) => deps.realism.isVisible(v.vpcId));
  }
  const page = takePage(vpcs.filter(matches), input);
  return { Vpcs: page.items.map((vpc) => toVpc(vpc)), NextToken: page.nextToken };
}

