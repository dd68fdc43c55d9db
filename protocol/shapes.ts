/**
 * The shape table: the interface facts of every operation we serve, and nothing else.
 *
 * AWS rule (EC2 query protocol, botocore `EC2Serializer` / Smithy `ec2Query`):
 * - a request member's wire name is its `queryName`, else its `locationName` with the first letter
 *   upper-cased, else the SDK member name; `wire` below holds it where it differs from the member;
 * - lists are flattened with 1-based indexes straight on the member's wire name (`Name.1.Field`);
 * - a response member's element name is its lower-camel `locationName` (`xml` below, defaulting to
 *   the member name with a lower-case first letter); lists are a container of `<item>` elements.
 *
 * Member keys are the SDK's member names (`UserIdGroupPairs`, `Description`), so handler inputs
 * and outputs are typed with `@aws-sdk/client-ec2`'s own request and result types.
 */

export type Shape = ScalarShape | ListShape | StructureShape;
export interface ScalarShape {
  readonly kind: 'string' | 'integer' | 'boolean' | 'timestamp';
}
export interface ListShape {
  readonly kind: 'list';
  readonly member: Shape;
}
export interface StructureShape {
  readonly kind: 'structure';
  readonly members: Readonly<Record<string, Member>>;
}
export interface Member {
  readonly shape: Shape;
  /** Query-string name, when it differs from the SDK member name. */
  readonly wire?: string;
  /** Response element name, when it differs from the lower-camel member name. */
  readonly xml?: string;
}

const string: ScalarShape = { kind: 'string' };
const integer: ScalarShape = { kind: 'integer' };
const boolean: ScalarShape = { kind: 'boolean' };
/** ISO 8601 in UTC with milliseconds on the wire (`2014-04-02T16:13:36.000Z`), a Date in handlers. */
const timestamp: ScalarShape = { kind: 'timestamp' };
const list = (member: Shape): ListShape => ({ kind: 'list', member });
const struct = (members: Record<string, Shape | Member>): StructureShape => ({
  kind: 'structure',
  members: Object.fromEntries(
    Object.entries(members).map(([name, m]) => [name, 'kind' in m ? { shape: m } : m]),
  ),
});
const named = (shape: Shape, names: { wire?: string; xml?: string }): Member => ({ shape, ...names });

export const wireName = (memberName: string, member: Member): string => member.wire ?? memberName;
export const xmlName = (memberName: string, member: Member): string =>
  member.xml ?? memberName.charAt(0).toLowerCase() + memberName.slice(1);

// ---------------------------------------------------------------- shared structures

const Tag = struct({ Key: string, Value: string });
const TagList = named(list(Tag), { wire: 'Tag', xml: 'tagSet' });
/** Outputs name the same list `Tags` / `<tagSet>`; inputs of CreateTags call it `Tag.N`. */
const Tags = named(list(Tag), { xml: 'tagSet' });
const TagSpecifications = named(list(struct({ ResourceType: string, Tags: TagList })), {
  wire: 'TagSpecification',
});
const Filters = named(list(struct({ Name: string, Values: named(list(string), { wire: 'Value' }) })), {
  wire: 'Filter',
});

const UserIdGroupPair = struct({
  Description: string,
  UserId: string,
  GroupName: string,
  GroupId: string,
  VpcId: string,
  VpcPeeringConnectionId: string,
  PeeringStatus: string,
});
const IpPermission = struct({
  IpProtocol: string,
  FromPort: integer,
  ToPort: integer,
  UserIdGroupPairs: named(list(UserIdGroupPair), { wire: 'Groups', xml: 'groups' }),
  IpRanges: list(struct({ CidrIp: string, Description: string })),
  Ipv6Ranges: list(struct({ CidrIpv6: string, Description: string })),
  PrefixListIds: list(struct({ PrefixListId: string, Description: string })),
});
const IpPermissions = list(IpPermission);

const SecurityGroupRule = struct({
  SecurityGroupRuleId: string,
  GroupId: string,
  GroupOwnerId: string,
  IsEgress: boolean,
  IpProtocol: string,
  FromPort: integer,
  ToPort: integer,
  CidrIpv4: string,
  CidrIpv6: string,
  PrefixListId: string,
  ReferencedGroupInfo: struct({
    GroupId: string,
    PeeringStatus: string,
    UserId: string,
    VpcId: string,
    VpcPeeringConnectionId: string,
  }),
  Description: string,
  Tags,
  SecurityGroupRuleArn: string,
});
const SecurityGroupRules = named(list(SecurityGroupRule), { xml: 'securityGroupRuleSet' });

const RevokedSecurityGroupRule = struct({
  SecurityGroupRuleId: string,
  GroupId: string,
  IsEgress: boolean,
  IpProtocol: string,
  FromPort: integer,
  ToPort: integer,
  CidrIpv4: string,
  CidrIpv6: string,
  PrefixListId: string,
  ReferencedGroupId: string,
  Description: string,
});

const SecurityGroup = struct({
  GroupId: string,
  IpPermissionsEgress: IpPermissions,
  Tags,
  VpcId: string,
  SecurityGroupArn: string,
  OwnerId: string,
  GroupName: string,
  Description: named(string, { xml: 'groupDescription' }),
  IpPermissions,
});

const Vpc = struct({
  OwnerId: string,
  InstanceTenancy: string,
  Ipv6CidrBlockAssociationSet: list(
    struct({
      AssociationId: string,
      Ipv6CidrBlock: string,
      Ipv6CidrBlockState: struct({ State: string, StatusMessage: string }),
      NetworkBorderGroup: string,
      Ipv6Pool: string,
    }),
  ),
  CidrBlockAssociationSet: list(
    struct({
      AssociationId: string,
      CidrBlock: string,
      CidrBlockState: struct({ State: string, StatusMessage: string }),
    }),
  ),
  IsDefault: boolean,
  Tags,
  VpcId: string,
  State: string,
  CidrBlock: string,
  DhcpOptionsId: string,
});

// ---------------------------------------------------------------- the network around the groups

const AttributeBooleanValue = struct({ Value: boolean });
const AttributeValue = struct({ Value: string });
/** Outputs of the network resources name their tags `TagSet` (element `tagSet`), not `Tags`. */
const TagSet = list(Tag);
const GroupIdentifiers = named(list(struct({ GroupId: string, GroupName: string })), { xml: 'groupSet' });
/** `SecurityGroupId.N` on the way in. */
const SecurityGroupIds = named(list(string), { wire: 'SecurityGroupId' });

const NetworkAcl = struct({
  Associations: named(list(struct({ NetworkAclAssociationId: string, NetworkAclId: string, SubnetId: string })), {
    xml: 'associationSet',
  }),
  Entries: named(
    list(
      struct({
        CidrBlock: string,
        Egress: boolean,
        Ipv6CidrBlock: string,
        Protocol: string,
        RuleAction: string,
        RuleNumber: integer,
      }),
    ),
    { xml: 'entrySet' },
  ),
  IsDefault: named(boolean, { xml: 'default' }),
  NetworkAclId: string,
  Tags,
  VpcId: string,
  OwnerId: string,
});

const RouteTable = struct({
  Associations: named(
    list(
      struct({
        Main: boolean,
        RouteTableAssociationId: string,
        RouteTableId: string,
        SubnetId: string,
        AssociationState: struct({ State: string, StatusMessage: string }),
      }),
    ),
    { xml: 'associationSet' },
  ),
  PropagatingVgws: named(list(struct({ GatewayId: string })), { xml: 'propagatingVgwSet' }),
  RouteTableId: string,
  Routes: named(
    list(
      struct({
        DestinationCidrBlock: string,
        DestinationIpv6CidrBlock: string,
        GatewayId: string,
        Origin: string,
        State: string,
      }),
    ),
    { xml: 'routeSet' },
  ),
  Tags,
  VpcId: string,
  OwnerId: string,
});

const Subnet = struct({
  AvailabilityZoneId: string,
  MapCustomerOwnedIpOnLaunch: boolean,
  OwnerId: string,
  AssignIpv6AddressOnCreation: boolean,
  Ipv6CidrBlockAssociationSet: list(
    struct({ AssociationId: string, Ipv6CidrBlock: string, Ipv6CidrBlockState: struct({ State: string, StatusMessage: string }) }),
  ),
  Tags,
  SubnetArn: string,
  EnableDns64: boolean,
  Ipv6Native: boolean,
  PrivateDnsNameOptionsOnLaunch: struct({
    HostnameType: string,
    EnableResourceNameDnsARecord: boolean,
    EnableResourceNameDnsAAAARecord: boolean,
  }),
  BlockPublicAccessStates: struct({ InternetGatewayBlockMode: string }),
  SubnetId: string,
  State: string,
  VpcId: string,
  CidrBlock: string,
  AvailableIpAddressCount: integer,
  AvailabilityZone: string,
  DefaultForAz: boolean,
  MapPublicIpOnLaunch: boolean,
});

const AvailabilityZone = struct({
  OptInStatus: string,
  Messages: named(list(struct({ Message: string })), { xml: 'messageSet' }),
  RegionName: string,
  ZoneName: string,
  ZoneId: string,
  GroupName: string,
  NetworkBorderGroup: string,
  ZoneType: string,
  GroupLongName: string,
  State: named(string, { xml: 'zoneState' }),
});

const NetworkInterface = struct({
  AvailabilityZone: string,
  Description: string,
  Groups: GroupIdentifiers,
  InterfaceType: string,
  Ipv6Addresses: named(list(struct({ Ipv6Address: string, IsPrimaryIpv6: boolean })), { xml: 'ipv6AddressesSet' }),
  MacAddress: string,
  NetworkInterfaceId: string,
  OwnerId: string,
  PrivateDnsName: string,
  PrivateIpAddress: string,
  PrivateIpAddresses: named(list(struct({ Primary: boolean, PrivateDnsName: string, PrivateIpAddress: string })), {
    xml: 'privateIpAddressesSet',
  }),
  RequesterManaged: boolean,
  SourceDestCheck: boolean,
  Status: string,
  SubnetId: string,
  TagSet: named(TagSet, { xml: 'tagSet' }),
  VpcId: string,
  Ipv6Native: boolean,
  Operator: struct({ Managed: boolean }),
  AvailabilityZoneId: string,
});

// ---------------------------------------------------------------- peering and group references

const VpcPeeringConnectionVpcInfo = struct({
  CidrBlock: string,
  CidrBlockSet: list(struct({ CidrBlock: string })),
  OwnerId: string,
  PeeringOptions: struct({
    AllowDnsResolutionFromRemoteVpc: boolean,
    AllowEgressFromLocalClassicLinkToRemoteVpc: boolean,
    AllowEgressFromLocalVpcToRemoteClassicLink: boolean,
  }),
  VpcId: string,
  Region: string,
});
const VpcPeeringConnection = struct({
  AccepterVpcInfo: VpcPeeringConnectionVpcInfo,
  ExpirationTime: timestamp,
  RequesterVpcInfo: VpcPeeringConnectionVpcInfo,
  Status: struct({ Code: string, Message: string }),
  Tags,
  VpcPeeringConnectionId: string,
});
const StaleIpPermission = struct({
  FromPort: integer,
  IpProtocol: string,
  IpRanges: list(string),
  PrefixListIds: list(string),
  ToPort: integer,
  UserIdGroupPairs: named(list(UserIdGroupPair), { xml: 'groups' }),
});

const Paging = { MaxResults: integer, NextToken: string };
/** The pre-IpPermissions way of describing one ingress rule (aws-reference §4.6). */
const FlatRule = {
  CidrIp: string,
  FromPort: integer,
  ToPort: integer,
  IpProtocol: string,
  SourceSecurityGroupName: string,
  SourceSecurityGroupOwnerId: string,
};
const RuleDescriptionUpdates = {
  GroupId: string,
  GroupName: string,
  IpPermissions,
  SecurityGroupRuleDescriptions: named(list(struct({ SecurityGroupRuleId: string, Description: string })), {
    wire: 'SecurityGroupRuleDescription',
  }),
};

const DryRun = { DryRun: boolean };

// Managed prefix lists (aws-reference §4.2): entries go in as `Entry.N` / `AddEntry.N` / `RemoveEntry.N`.
const ManagedPrefixList = struct({
  PrefixListId: string,
  AddressFamily: string,
  State: string,
  StateMessage: string,
  PrefixListArn: string,
  PrefixListName: string,
  MaxEntries: integer,
  Version: integer,
  Tags,
  OwnerId: string,
});
const PrefixListEntry = struct({ Cidr: string, Description: string });
const TagDescription = struct({ Key: string, ResourceId: string, ResourceType: string, Value: string });

// ---------------------------------------------------------------- operations

export interface OperationShapes {
  readonly input: StructureShape;
  readonly output: StructureShape;
}

const Return = { Return: boolean };
const RevokeMembers = {
  GroupId: string,
  IpPermissions,
  SecurityGroupRuleIds: named(list(string), { wire: 'SecurityGroupRuleId' }),
};
const RevokeOutput = struct({
  ...Return,
  UnknownIpPermissions: named(IpPermissions, { xml: 'unknownIpPermissionSet' }),
  RevokedSecurityGroupRules: named(list(RevokedSecurityGroupRule), { xml: 'revokedSecurityGroupRuleSet' }),
});

export const OPERATION_SHAPES = {
  AuthorizeSecurityGroupEgress: {
    // The model also lists the flat CidrIp/IpProtocol/FromPort/ToPort/SourceSecurityGroup* members
    // as "Not supported"; real AWS answers UnknownParameter for them (aws-reference B-29), which is
    // what leaving them out of this shape gives.
    input: struct({ ...DryRun, GroupId: string, IpPermissions, TagSpecifications }),
    output: struct({ ...Return, SecurityGroupRules }),
  },
  AuthorizeSecurityGroupIngress: {
    // Ingress still accepts the legacy flat parameters describing one rule (aws-reference §4.6).
    input: struct({ ...DryRun, GroupId: string, GroupName: string, IpPermissions, TagSpecifications, ...FlatRule }),
    output: struct({ ...Return, SecurityGroupRules }),
  },
  RevokeSecurityGroupIngress: {
    input: struct({ ...DryRun, ...RevokeMembers, GroupName: string, ...FlatRule }),
    output: RevokeOutput,
  },
  ModifySecurityGroupRules: {
    input: struct({
      ...DryRun,
      GroupId: string,
      SecurityGroupRules: named(
        list(
          struct({
            SecurityGroupRuleId: string,
            SecurityGroupRule: struct({
              IpProtocol: string,
              FromPort: integer,
              ToPort: integer,
              CidrIpv4: string,
              CidrIpv6: string,
              PrefixListId: string,
              ReferencedGroupId: string,
              Description: string,
            }),
          }),
        ),
        { wire: 'SecurityGroupRule' },
      ),
    }),
    output: struct({ ...Return }),
  },
  UpdateSecurityGroupRuleDescriptionsEgress: {
    input: struct({ ...DryRun, ...RuleDescriptionUpdates }),
    output: struct({ ...Return }),
  },
  UpdateSecurityGroupRuleDescriptionsIngress: {
    input: struct({ ...DryRun, ...RuleDescriptionUpdates }),
    output: struct({ ...Return }),
  },
  CreateDefaultVpc: {
    input: struct({ ...DryRun }),
    output: struct({ Vpc }),
  },
  RevokeSecurityGroupEgress: {
    input: struct({ ...DryRun, ...RevokeMembers }),
    output: RevokeOutput,
  },
  CreateSecurityGroup: {
    input: struct({
      ...DryRun,
      GroupName: string,
      Description: named(string, { wire: 'GroupDescription' }),
      VpcId: string,
      TagSpecifications,
    }),
    // `<return>true</return>` comes first, as in the API reference's sample (the SDK model lacks it).
    output: struct({ ...Return, GroupId: string, Tags, SecurityGroupArn: string }),
  },
  DeleteSecurityGroup: {
    input: struct({ ...DryRun, GroupId: string, GroupName: string }),
    output: struct({ ...Return, GroupId: string }),
  },
  DescribeSecurityGroups: {
    input: struct({
      ...DryRun,
      ...Paging,
      GroupIds: named(list(string), { wire: 'GroupId' }),
      GroupNames: named(list(string), { wire: 'GroupName' }),
      Filters,
    }),
    output: struct({
      SecurityGroups: named(list(SecurityGroup), { xml: 'securityGroupInfo' }),
      NextToken: string,
    }),
  },
  DescribeSecurityGroupRules: {
    input: struct({
      ...DryRun,
      ...Paging,
      SecurityGroupRuleIds: named(list(string), { wire: 'SecurityGroupRuleId' }),
      Filters,
    }),
    output: struct({ SecurityGroupRules, NextToken: string }),
  },
  CreateVpc: {
    input: struct({
      ...DryRun,
      CidrBlock: string,
      AmazonProvidedIpv6CidrBlock: boolean,
      InstanceTenancy: string,
      TagSpecifications,
    }),
    output: struct({ Vpc }),
  },
  DescribeVpcs: {
    input: struct({ ...DryRun, ...Paging, VpcIds: named(list(string), { wire: 'VpcId' }), Filters }),
    output: struct({ Vpcs: named(list(Vpc), { xml: 'vpcSet' }), NextToken: string }),
  },
  DeleteVpc: {
    input: struct({ ...DryRun, VpcId: string }),
    // The model has no output shape; the API reference documents `return`.
    output: struct({ ...Return }),
  },
  // ---- what Terraform's aws_vpc reads besides the VPC (server/vpcs/attributes.ts, server/vpcs/network.ts)
  DescribeVpcAttribute: {
    input: struct({ ...DryRun, Attribute: string, VpcId: string }),
    output: struct({
      EnableDnsHostnames: AttributeBooleanValue,
      EnableDnsSupport: AttributeBooleanValue,
      EnableNetworkAddressUsageMetrics: AttributeBooleanValue,
      VpcId: string,
    }),
  },
  ModifyVpcAttribute: {
    // The model has no DryRun member here; AWS answers UnknownParameter for it, as this shape does.
    input: struct({
      VpcId: string,
      EnableDnsHostnames: AttributeBooleanValue,
      EnableDnsSupport: AttributeBooleanValue,
      EnableNetworkAddressUsageMetrics: AttributeBooleanValue,
    }),
    // The model has no output shape; the API reference documents `return`.
    output: struct({ ...Return }),
  },
  DescribeNetworkAcls: {
    input: struct({ ...DryRun, ...Paging, NetworkAclIds: named(list(string), { wire: 'NetworkAclId' }), Filters }),
    output: struct({ NetworkAcls: named(list(NetworkAcl), { xml: 'networkAclSet' }), NextToken: string }),
  },
  DescribeRouteTables: {
    input: struct({ ...DryRun, ...Paging, RouteTableIds: named(list(string), { wire: 'RouteTableId' }), Filters }),
    output: struct({ RouteTables: named(list(RouteTable), { xml: 'routeTableSet' }), NextToken: string }),
  },
  // ---- subnets and zones (server/subnets/)
  CreateSubnet: {
    input: struct({
      ...DryRun,
      VpcId: string,
      TagSpecifications,
      AvailabilityZone: string,
      AvailabilityZoneId: string,
      CidrBlock: string,
    }),
    output: struct({ Subnet }),
  },
  DescribeSubnets: {
    input: struct({ ...DryRun, ...Paging, SubnetIds: named(list(string), { wire: 'SubnetId' }), Filters }),
    output: struct({ Subnets: named(list(Subnet), { xml: 'subnetSet' }), NextToken: string }),
  },
  DeleteSubnet: {
    input: struct({ ...DryRun, SubnetId: string }),
    // The model has no output shape; the API reference documents `return`.
    output: struct({ ...Return }),
  },
  DescribeAvailabilityZones: {
    input: struct({
      ...DryRun,
      ZoneNames: named(list(string), { wire: 'ZoneName' }),
      ZoneIds: named(list(string), { wire: 'ZoneId' }),
      AllAvailabilityZones: boolean,
      Filters,
    }),
    output: struct({ AvailabilityZones: named(list(AvailabilityZone), { xml: 'availabilityZoneInfo' }) }),
  },
  // ---- network interfaces, the members of groups (server/network-interfaces/)
  CreateNetworkInterface: {
    input: struct({
      ...DryRun,
      SubnetId: string,
      Description: string,
      PrivateIpAddress: string,
      Groups: SecurityGroupIds,
      PrivateIpAddresses: list(struct({ Primary: boolean, PrivateIpAddress: string })),
      SecondaryPrivateIpAddressCount: integer,
      InterfaceType: string,
      TagSpecifications,
      ClientToken: string,
    }),
    output: struct({ NetworkInterface, ClientToken: string }),
  },
  DescribeNetworkInterfaces: {
    input: struct({
      ...DryRun,
      ...Paging,
      NetworkInterfaceIds: named(list(string), { wire: 'NetworkInterfaceId' }),
      Filters,
    }),
    output: struct({
      NetworkInterfaces: named(list(NetworkInterface), { xml: 'networkInterfaceSet' }),
      NextToken: string,
    }),
  },
  DeleteNetworkInterface: {
    input: struct({ ...DryRun, NetworkInterfaceId: string }),
    // The model has no output shape; the API reference documents `return`.
    output: struct({ ...Return }),
  },
  ModifyNetworkInterfaceAttribute: {
    input: struct({
      ...DryRun,
      NetworkInterfaceId: string,
      Description: AttributeValue,
      SourceDestCheck: AttributeBooleanValue,
      Groups: SecurityGroupIds,
    }),
    // The model has no output shape; the API reference documents `return`.
    output: struct({ ...Return }),
  },
  // ---- peering connections (server/vpc-peering/) and what references groups across them
  CreateVpcPeeringConnection: {
    input: struct({ ...DryRun, VpcId: string, PeerVpcId: string, PeerOwnerId: string, PeerRegion: string, TagSpecifications }),
    output: struct({ VpcPeeringConnection }),
  },
  AcceptVpcPeeringConnection: {
    input: struct({ ...DryRun, VpcPeeringConnectionId: string }),
    output: struct({ VpcPeeringConnection }),
  },
  RejectVpcPeeringConnection: {
    input: struct({ ...DryRun, VpcPeeringConnectionId: string }),
    output: struct({ ...Return }),
  },
  DeleteVpcPeeringConnection: {
    input: struct({ ...DryRun, VpcPeeringConnectionId: string }),
    output: struct({ ...Return }),
  },
  DescribeVpcPeeringConnections: {
    input: struct({
      ...DryRun,
      ...Paging,
      VpcPeeringConnectionIds: named(list(string), { wire: 'VpcPeeringConnectionId' }),
      Filters,
    }),
    output: struct({ VpcPeeringConnections: named(list(VpcPeeringConnection), { xml: 'vpcPeeringConnectionSet' }), NextToken: string }),
  },
  DescribeSecurityGroupReferences: {
    input: struct({ ...DryRun, GroupId: list(string) }),
    output: struct({
      SecurityGroupReferenceSet: list(struct({ GroupId: string, ReferencingVpcId: string, VpcPeeringConnectionId: string })),
    }),
  },
  DescribeStaleSecurityGroups: {
    input: struct({ ...DryRun, VpcId: string, ...Paging }),
    output: struct({
      NextToken: string,
      StaleSecurityGroupSet: list(
        struct({
          Description: string,
          GroupId: string,
          GroupName: string,
          StaleIpPermissions: list(StaleIpPermission),
          StaleIpPermissionsEgress: list(StaleIpPermission),
          VpcId: string,
        }),
      ),
    }),
  },
  DescribeNetworkInterfaceAttribute: {
    input: struct({ ...DryRun, NetworkInterfaceId: string, Attribute: string }),
    output: struct({
      Description: AttributeValue,
      Groups: GroupIdentifiers,
      NetworkInterfaceId: string,
      SourceDestCheck: AttributeBooleanValue,
      AssociatePublicIpAddress: boolean,
    }),
  },
  // Tags (aws-reference §2F). Create/DeleteTags have no output shape in the model; the API
  // reference documents `return`.
  CreateTags: {
    input: struct({ ...DryRun, Resources: named(list(string), { wire: 'ResourceId' }), Tags: TagList }),
    output: struct({ ...Return }),
  },
  DeleteTags: {
    input: struct({ ...DryRun, Resources: named(list(string), { wire: 'ResourceId' }), Tags: TagList }),
    output: struct({ ...Return }),
  },
  DescribeTags: {
    input: struct({ ...DryRun, ...Paging, Filters }),
    output: struct({ Tags: named(list(TagDescription), { xml: 'tagSet' }), NextToken: string }),
  },
  // Managed prefix lists (aws-reference §2G).
  CreateManagedPrefixList: {
    input: struct({
      ...DryRun,
      PrefixListName: string,
      Entries: named(list(PrefixListEntry), { wire: 'Entry' }),
      MaxEntries: integer,
      TagSpecifications,
      AddressFamily: string,
      ClientToken: string,
    }),
    output: struct({ PrefixList: ManagedPrefixList }),
  },
  DescribeManagedPrefixLists: {
    input: struct({ ...DryRun, Filters, ...Paging, PrefixListIds: named(list(string), { wire: 'PrefixListId' }) }),
    output: struct({ PrefixLists: named(list(ManagedPrefixList), { xml: 'prefixListSet' }), NextToken: string }),
  },
  GetManagedPrefixListEntries: {
    input: struct({ ...DryRun, PrefixListId: string, TargetVersion: integer, ...Paging }),
    output: struct({ Entries: named(list(PrefixListEntry), { xml: 'entrySet' }), NextToken: string }),
  },
  ModifyManagedPrefixList: {
    input: struct({
      ...DryRun,
      PrefixListId: string,
      CurrentVersion: integer,
      PrefixListName: string,
      AddEntries: named(list(PrefixListEntry), { wire: 'AddEntry' }),
      RemoveEntries: named(list(struct({ Cidr: string })), { wire: 'RemoveEntry' }),
      MaxEntries: integer,
    }),
    output: struct({ PrefixList: ManagedPrefixList }),
  },
  DeleteManagedPrefixList: {
    input: struct({ ...DryRun, PrefixListId: string }),
    output: struct({ PrefixList: ManagedPrefixList }),
  },
  // The AWS service lists, the associations and versions of managed lists (server/prefix-lists/reads.ts, restore.ts).
  DescribePrefixLists: {
    input: struct({ ...DryRun, Filters, ...Paging, PrefixListIds: named(list(string), { wire: 'PrefixListId' }) }),
    // Element order of the API reference's sample: prefixListId, prefixListName, cidrSet.
    output: struct({
      PrefixLists: named(
        list(struct({ PrefixListId: string, PrefixListName: string, Cidrs: named(list(string), { xml: 'cidrSet' }) })),
        { xml: 'prefixListSet' },
      ),
      NextToken: string,
    }),
  },
  GetManagedPrefixListAssociations: {
    input: struct({ ...DryRun, PrefixListId: string, ...Paging }),
    output: struct({
      PrefixListAssociations: named(list(struct({ ResourceId: string, ResourceOwner: string })), {
        xml: 'prefixListAssociationSet',
      }),
      NextToken: string,
    }),
  },
  RestoreManagedPrefixListVersion: {
    input: struct({ ...DryRun, PrefixListId: string, PreviousVersion: integer, CurrentVersion: integer }),
    output: struct({ PrefixList: ManagedPrefixList }),
  },
  // Security groups associated with other VPCs (server/security-groups/associations.ts).
  AssociateSecurityGroupVpc: {
    input: struct({ ...DryRun, GroupId: string, VpcId: string }),
    output: struct({ State: string }),
  },
  DisassociateSecurityGroupVpc: {
    input: struct({ ...DryRun, GroupId: string, VpcId: string }),
    output: struct({ State: string }),
  },
  DescribeSecurityGroupVpcAssociations: {
    input: struct({ ...DryRun, Filters, ...Paging }),
    output: struct({
      SecurityGroupVpcAssociations: named(
        list(struct({ GroupId: string, VpcId: string, VpcOwnerId: string, State: string, StateReason: string, GroupOwnerId: string })),
        { xml: 'securityGroupVpcAssociationSet' },
      ),
      NextToken: string,
    }),
  },
  GetSecurityGroupsForVpc: {
    input: struct({ ...DryRun, VpcId: string, Filters, ...Paging }),
    output: struct({
      NextToken: string,
      SecurityGroupForVpcs: named(
        list(struct({ Description: string, GroupName: string, OwnerId: string, GroupId: string, Tags, PrimaryVpcId: string })),
        { xml: 'securityGroupForVpcSet' },
      ),
    }),
  },
} as const satisfies Record<string, OperationShapes>;

export type OperationName = keyof typeof OPERATION_SHAPES;
