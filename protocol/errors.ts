/**
 * EC2 errors: one class, one catalogue, one XML envelope.
 *
 * AWS rule: every EC2 error, for any action, is
 *   <Response><Errors><Error><Code>…</Code><Message>…</Message></Error></Errors><RequestID>…</RequestID></Response>
 * with no namespace, exactly one <Error>, and `RequestID` spelt with a capital ID (successes use
 * lower-case `requestId`). Client errors are 400, except DryRunOperation (412), AuthFailure (401),
 * UnauthorizedOperation and SignatureDoesNotMatch (403) and RequestLimitExceeded (503). See
 * aws-reference.md §1.
 *
 * Messages are templates keyed by code. Where the reference quotes AWS verbatim, the template is
 * that text; where it does not, docs/fidelity.md list our choice.
 */

type Template = (...args: string[]) => string;

interface CatalogueEntry {
  readonly status: number;
  /** Default message template; a throw site may pass a message explicitly for variant wordings. */
  readonly message: Template;
}

const RULE_DESCRIPTION_CHARSET = 'a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*';

export const EC2_ERRORS = {
  // ---- protocol level (aws-reference §2I) ----
  InvalidAction: { status: 400, message: (action) => `The action ${action} is not valid for this web service.` },
  MissingAction: { status: 400, message: () => 'The request must contain the parameter Action' },
  UnknownParameter: { status: 400, message: (name) => `The parameter ${name} is not recognized` },
  MissingParameter: { status: 400, message: (name) => `The request must contain the parameter ${name}` },
  InvalidParameterValue: { status: 400, message: (text) => text },
  InvalidParameterCombination: { status: 400, message: (text) => text },
  InvalidParameter: { status: 400, message: (text) => text },
  InvalidHttpRequest: { status: 400, message: (reason) => `The HTTP request is invalid. Reason: ${reason}` },
  RequestEntityTooLarge: {
    status: 413,
    message: (limit) => `The HTTP request is invalid. Reason: the body is larger than ${limit} bytes`,
  },
  DryRunOperation: { status: 412, message: () => 'Request would have succeeded, but DryRun flag is set.' },
  InvalidID: { status: 400, message: (id) => `The ID '${id}' is not valid` },
  // Describe filters (server/filters.ts): AWS's text for too many values; too many filters passes its own.
  FilterLimitExceeded: {
    status: 400,
    message: (max) => `The maximum number of filter values specified on a single call is ${max}`,
  },
  // ---- security groups (aws-reference §2B–2E) ----
  'InvalidGroup.NotFound': { status: 400, message: (id) => `The security group '${id}' does not exist` },
  'InvalidGroupId.Malformed': { status: 400, message: (id) => `Invalid id: "${id}" (expecting "sg-...")` },
  'InvalidGroup.Duplicate': {
    status: 400,
    message: (name, vpcId) => `The security group '${name}' already exists for VPC '${vpcId}'`,
  },
  'InvalidPermission.Duplicate': { status: 400, message: (rule) => `the specified rule "${rule}" already exists` },
  'InvalidPermission.NotFound': {
    status: 400,
    message: () => 'The specified rule does not exist in this security group.',
  },
  'InvalidSecurityGroupRuleId.NotFound': {
    status: 400,
    message: (id) => `The security group rule ID '${id}' does not exist`,
  },
  'InvalidSecurityGroupRuleId.Malformed': {
    status: 400,
    message: (id) => `The security group rule ID '${id}' is malformed`,
  },
  RulesPerSecurityGroupLimitExceeded: {
    status: 400,
    message: () => 'The maximum number of rules per security group has been reached.',
  },
  SecurityGroupLimitExceeded: {
    status: 400,
    message: (vpcId) => `The maximum number of security groups for VPC '${vpcId}' has been reached.`,
  },
  DependencyViolation: { status: 400, message: (id) => `resource ${id} has a dependent object` },
  CannotDelete: {
    status: 400,
    message: (id) => `the specified group: "${id}" name: "default" cannot be deleted by a user`,
  },
  VPCIdNotSpecified: { status: 400, message: () => 'No default VPC for this user' },
  'InvalidPrefixListID.NotFound': { status: 400, message: (id) => `The prefix list ID '${id}' does not exist` },
  // ---- network interfaces ----
  'InvalidNetworkInterfaceID.NotFound': {
    status: 400,
    message: (id) => `The networkInterface ID '${id}' does not exist`,
  },
  // Lower-case `Id` in this one code, as AWS spells it.
  'InvalidNetworkInterfaceId.Malformed': { status: 400, message: (id) => `Invalid id: "${id}" (expecting "eni-...")` },
  SecurityGroupsPerInterfaceLimitExceeded: {
    status: 400,
    message: () => 'The maximum number of security groups per interface has been reached.',
  },
  'InvalidIPAddress.InUse': { status: 400, message: () => 'The specified address is already in use' },
  InsufficientFreeAddressesInSubnet: {
    status: 400,
    message: () => "There aren't sufficient free Ipv4 addresses or prefixes",
  },
  // ---- subnets, network ACLs, route tables ----
  'InvalidSubnetID.NotFound': { status: 400, message: (id) => `The subnet ID '${id}' does not exist` },
  'InvalidSubnetID.Malformed': { status: 400, message: (id) => `Invalid id: "${id}" (expecting "subnet-...")` },
  'InvalidSubnet.Range': { status: 400, message: (cidr) => `The CIDR '${cidr}' is invalid.` },
  'InvalidSubnet.Conflict': { status: 400, message: (cidr) => `The CIDR '${cidr}' conflicts with another subnet` },
  'InvalidNetworkAclID.NotFound': { status: 400, message: (id) => `The networkAcl ID '${id}' does not exist` },
  'InvalidRouteTableID.NotFound': { status: 400, message: (id) => `The routeTable ID '${id}' does not exist` },
  // ---- VPC peering connections (`ID` in NotFound, `Id` in Malformed, as AWS spells them) ----
  'InvalidVpcPeeringConnectionID.NotFound': {
    status: 400,
    message: (id) => `The vpcPeeringConnection ID '${id}' does not exist`,
  },
  'InvalidVpcPeeringConnectionId.Malformed': { status: 400, message: (id) => `Invalid id: "${id}" (expecting "pcx-...")` },
  InvalidStateTransition: {
    status: 400,
    message: (id, from, to) => `Invalid state transition for ${id}, attempted to transition from ${from} to ${to}`,
  },
  VpcPeeringConnectionAlreadyExists: {
    status: 400,
    message: (id) => `The vpc peering connection identified by ${id} already exists.`,
  },
  DefaultVpcAlreadyExists: {
    status: 400,
    message: () => 'A Default VPC already exists for this account in this region.',
  },
  // ---- VPCs (aws-reference §2H) ----
  'InvalidVpcID.NotFound': { status: 400, message: (id) => `The vpc ID '${id}' does not exist` },
  'InvalidVpcID.Malformed': { status: 400, message: (id) => `Invalid id: "${id}" (expecting "vpc-...")` },
  'InvalidVpc.Range': { status: 400, message: (cidr) => `The CIDR '${cidr}' is invalid.` },
  // ---- security groups associated with other VPCs (docs/fidelity.md: our text)
  'Resource.AlreadyAssociated': {
    status: 400,
    message: (groupId, vpcId) => `The security group ${groupId} is already associated with ${vpcId}.`,
  },
  // ---- tags ----
  TagLimitExceeded: { status: 400, message: () => 'The maximum number of Tags for a resource has been reached.' },
  // ---- managed prefix lists (aws-reference §2G; texts not quoted there are our choice, docs/fidelity.md)
  PrefixListVersionMismatch: { status: 400, message: () => 'The prefix list has the incorrect version number.' },
  InvalidPrefixListModification: { status: 400, message: (text) => text },
  PrefixListMaxEntriesExceeded: {
    status: 400,
    message: (count, max) =>
      `The number of entries (${count}) exceeds the maximum number of entries for the prefix list (${max}).`,
  },
  ResourceLimitExceeded: {
    status: 400,
    message: (limit) => `You have reached the maximum number of customer-managed prefix lists (${limit}) for this Region.`,
  },
  IdempotentParameterMismatch: {
    status: 400,
    message: (token) => `The client token '${token}' was already used with different parameters.`,
  },
  // ---- opt-in signature checking (server/auth.ts) ----
  AuthFailure: { status: 401, message: () => 'AWS was not able to validate the provided access credentials' },
  RequestExpired: { status: 400, message: () => 'Request has expired.' },
  IncompleteSignature: { status: 400, message: (text) => text },
  // A credential scope for another service or a region that does not exist (server/auth.ts).
  SignatureDoesNotMatch: { status: 403, message: (text) => text },
  // A browser page on another site trying to change state (server/auth.ts refuseCrossSite).
  UnauthorizedOperation: { status: 403, message: (reason) => `You are not authorized to perform this operation. ${reason}` },
  // ---- injected by opt-in fault rules (server/realism.ts) ----
  RequestLimitExceeded: { status: 503, message: () => 'Request limit exceeded.' },
  Unavailable: { status: 503, message: () => 'The service is unavailable. Please try again shortly.' },
  // ---- the server's own failure ----
  InternalError: { status: 500, message: () => 'An internal error has occurred' },
} as const satisfies Record<string, CatalogueEntry>;

export type Ec2ErrorCode = keyof typeof EC2_ERRORS;

export class Ec2Error extends Error {
  readonly code: Ec2ErrorCode;
  readonly status: number;
  /** Set for errors of a plain Query-protocol service (STS): its namespace selects that envelope. */
  queryNamespace: string | undefined;

  constructor(code: Ec2ErrorCode, message: string) {
    // An EC2 error is an answer, not a fault: capturing a stack trace for it was a visible share
    // of every refused request in the profile, and nothing ever reads it.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = stackTraceLimit;
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = `Ec2Error [${code}]`;
    this.code = code;
    this.status = EC2_ERRORS[code].status;
  }
}

/** Builds an Ec2Error from the catalogue template; arguments fill the template in order. */
export function ec2Error(code: Ec2ErrorCode, ...args: string[]): Ec2Error {
  const template: Template = EC2_ERRORS[code].message;
  return new Ec2Error(code, template(...args));
}

/** `InvalidParameterValue` with a free-form AWS message (its wording varies per check). */
export function invalidValue(message: string): Ec2Error {
  return new Ec2Error('InvalidParameterValue', message);
}

export const invalidRuleDescription = (): Ec2Error =>
  invalidValue(
    `Invalid rule description. Valid descriptions are strings less than 256 characters from the following set:  ${RULE_DESCRIPTION_CHARSET}`,
  );

export const invalidGroupDescription = (): Ec2Error =>
  invalidValue(
    `Invalid security group description. Valid descriptions are strings less than 256 characters from the following set:  ${RULE_DESCRIPTION_CHARSET}`,
  );

export const invalidGroupName = (): Ec2Error =>
  invalidValue(
    `Invalid security group name. Valid names are strings less than 256 characters from the following set:  ${RULE_DESCRIPTION_CHARSET}`,
  );

/**
 * Text as XML 1.0 character data. A carriage return is written as a reference because parsers turn
 * a literal one into a line feed. Characters XML 1.0 cannot carry at all (most C0 controls, lone
 * surrogates, U+FFFE/U+FFFF) never get past the query parser into stored data, but a rejected key
 * or action is echoed in error messages, so they are replaced with U+FFFD: the document stays valid.
 */
export function escapeXml(text: string): string {
  // Most values (ids, CIDRs, names) need nothing: one cheap test keeps them off the slow path.
  if (!MAY_NEED_ESCAPING.test(text)) return text;
  return text.replace(NEEDS_ESCAPING, (ch) => XML_ENTITIES[ch] ?? '\uFFFD');
}
/** Anything special, or any surrogate (whose pairing only the `u` pattern below can judge). */
const MAY_NEED_ESCAPING = /[&<>"'\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ud800-\udfff\ufffe\uffff]/;
const NEEDS_ESCAPING = /[&<>"'\r]|[^\t\n\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#xD;',
};

/** The error document in the envelope of the service that raised it. */
export function renderError(error: Ec2Error, requestId: string): string {
  return error.queryNamespace === undefined
    ? toErrorXml(error.code, error.message, requestId)
    : toQueryErrorXml(error.code, error.message, requestId, error.queryNamespace);
}

/**
 * The plain Query protocol's error document (STS):
 * `<ErrorResponse xmlns=…><Error><Type>Sender</Type><Code/><Message/></Error><RequestId/></ErrorResponse>`.
 */
export function toQueryErrorXml(code: string, message: string, requestId: string, namespace: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${namespace}"><Error><Type>Sender</Type>` +
    `<Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error>` +
    `<RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`
  );
}

/** The error document, on one line as AWS sends it. */
export function toErrorXml(code: string, message: string, requestId: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors>` +
    `<RequestID>${escapeXml(requestId)}</RequestID></Response>`
  );
}
