/**
 * Resource ids: `<prefix>-` + 17 lower-case hex digits, as AWS makes them today. Ids in the older
 * 8-hex form (`sg-1a2b3c4d`) are well-formed too: users paste them from old docs and examples.
 * So is any hex suffix of 1 to 17 digits: AWS answers NotFound, not Malformed, for those.
 */
import { createHash, randomBytes } from 'node:crypto';

declare const brand: unique symbol;
type Id<Prefix extends string> = string & { readonly [brand]: Prefix };

export type SecurityGroupId = Id<'sg'>;
export type SecurityGroupRuleId = Id<'sgr'>;
export type VpcId = Id<'vpc'>;
export type PrefixListId = Id<'pl'>;

// Refilled in blocks: one randomBytes call per 512 ids keeps id creation off the profile.
let pool = Buffer.alloc(0);
let poolOffset = 0;
function randomHex17(): string {
  if (poolOffset + 9 > pool.length) {
    pool = randomBytes(9 * 512);
    poolOffset = 0;
  }
  const hex = pool.toString('hex', poolOffset, poolOffset + 9).slice(0, 17);
  poolOffset += 9;
  return hex;
}

/**
 * While `withDerivedIds` runs, ids are not random but derived from its seed, the id's prefix and
 * how many ids of that prefix it has made so far: the same seed and the same sequence of creations
 * give the same ids. An account-region's defaults are made this way (the store's scope seeding), so
 * a describe of a scope nothing was written to yet shows the same default VPC, group and subnet ids
 * every time, although that scope's rows are rolled back after each such read.
 */
let derivation: { readonly seed: string; readonly made: Map<string, number> } | undefined;

function hex17(prefix: string): string {
  if (derivation === undefined) return randomHex17();
  const n = derivation.made.get(prefix) ?? 0;
  derivation.made.set(prefix, n + 1);
  return createHash('sha256').update(`${derivation.seed}/${prefix}/${n}`).digest('hex').slice(0, 17);
}

/** Runs `fn` with every id it makes derived from `seed` (see above); synchronous only. */
export function withDerivedIds<T>(seed: string, fn: () => T): T {
  const outer = derivation;
  derivation = { seed, made: new Map() };
  try {
    return fn();
  } finally {
    derivation = outer;
  }
}

export const newSecurityGroupId = (): SecurityGroupId => `sg-${hex17('sg')}` as SecurityGroupId;
export const newSecurityGroupRuleId = (): SecurityGroupRuleId => `sgr-${hex17('sgr')}` as SecurityGroupRuleId;
export const newVpcId = (): VpcId => `vpc-${hex17('vpc')}` as VpcId;
export const newPrefixListId = (): PrefixListId => `pl-${hex17('pl')}` as PrefixListId;
export const newDhcpOptionsId = (): string => `dopt-${hex17('dopt')}`;
export const newCidrAssociationId = (): string => `vpc-cidr-assoc-${hex17('vpc-cidr-assoc')}`;
export const newSubnetId = (): string => `subnet-${hex17('subnet')}`;
export const newVpcPeeringConnectionId = (): string => `pcx-${hex17('pcx')}`;
export const newNetworkInterfaceId = (): string => `eni-${hex17('eni')}`;
export const newNetworkAclId = (): string => `acl-${hex17('acl')}`;
export const newNetworkAclAssociationId = (): string => `aclassoc-${hex17('aclassoc')}`;
export const newRouteTableId = (): string => `rtb-${hex17('rtb')}`;
export const newRouteTableAssociationId = (): string => `rtbassoc-${hex17('rtbassoc')}`;
/** A locally administered unicast MAC (02:…), as EC2 gives interfaces in a VPC. */
export const newMacAddress = (): string => `02:${hex17('mac').slice(0, 10).replace(/(..)(?!$)/g, '$1:')}`;

// AWS treats any short hex suffix as a well-formed id that merely does not exist: `sg-123abc` is
// InvalidGroup.NotFound (aws-reference B-8), `vpc-deadbeef00000000` InvalidVpcID.NotFound (H-2).
const wellFormed = (prefix: string) => new RegExp(`^${prefix}-[0-9a-f]{1,17}$`);
const SG = wellFormed('sg');
const SGR = wellFormed('sgr');
const VPC = wellFormed('vpc');
const PL = wellFormed('pl');

export const isSecurityGroupId = (s: string): s is SecurityGroupId => SG.test(s);
export const isSecurityGroupRuleId = (s: string): s is SecurityGroupRuleId => SGR.test(s);
export const isVpcId = (s: string): s is VpcId => VPC.test(s);
export const isPrefixListId = (s: string): s is PrefixListId => PL.test(s);
const SUBNET = wellFormed('subnet');
const ENI = wellFormed('eni');
const ACL = wellFormed('acl');
const RTB = wellFormed('rtb');
export const isSubnetId = (s: string): boolean => SUBNET.test(s);
export const isNetworkInterfaceId = (s: string): boolean => ENI.test(s);
export const isNetworkAclId = (s: string): boolean => ACL.test(s);
export const isRouteTableId = (s: string): boolean => RTB.test(s);
const PCX = wellFormed('pcx');
export const isVpcPeeringConnectionId = (s: string): boolean => PCX.test(s);
