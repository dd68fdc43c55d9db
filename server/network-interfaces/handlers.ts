/**
 * DescribeNetworkInterfaces: no instances or interfaces exist in this emulator, so the answer is
 * always an empty set. It still checks what AWS checks (filter names, ids, paging bounds), because
 * Terraform calls it with `group-id` before deleting a group (clients.md §3.2) and a client that
 * sends a typo deserves AWS's error, not silence.
 */
import type { DescribeNetworkInterfacesRequest, DescribeNetworkInterfacesResult } from '@aws-sdk/client-ec2';
import { ec2Error } from '../../protocol/errors.js';
import type { Deps, RequestContext } from '../context.js';
import { compileFilters, type FilterTable } from '../filters.js';
import { validatePageRequest } from '../paging.js';

const DOCUMENTED_FILTERS = [
  'association.allocation-id',
  'association.association-id',
  'association.ip-owner-id',
  'association.public-ip',
  'association.public-dns-name',
  'addresses.association.owner-id',
  'addresses.association.public-ip',
  'addresses.primary',
  'addresses.private-ip-address',
  'attachment.attachment-id',
  'attachment.attach-time',
  'attachment.delete-on-termination',
  'attachment.device-index',
  'attachment.instance-id',
  'attachment.instance-owner-id',
  'attachment.status',
  'availability-zone',
  'description',
  'group-id',
  'group-name',
  'ipv6-addresses.ipv6-address',
  'interface-type',
  'mac-address',
  'network-interface-id',
  'owner-id',
  'private-dns-name',
  'private-ip-address',
  'requester-id',
  'requester-managed',
  'source-dest-check',
  'status',
  'subnet-id',
  'vpc-id',
] as const;

const NETWORK_INTERFACE_FILTERS: FilterTable<never> = {
  tags: () => [],
  filters: Object.fromEntries(DOCUMENTED_FILTERS.map((name) => [name, { values: () => [] }])),
};

const ENI_ID = /^eni-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

export function describeNetworkInterfaces(
  input: DescribeNetworkInterfacesRequest,
  _ctx: RequestContext,
  _deps: Deps,
): DescribeNetworkInterfacesResult {
  validatePageRequest(input);
  compileFilters(input.Filters, NETWORK_INTERFACE_FILTERS);
  const [first] = input.NetworkInterfaceIds ?? [];
  if (first !== undefined) {
    if (!ENI_ID.test(first)) throw ec2Error('InvalidNetworkInterfaceID.Malformed', first);
    throw ec2Error('InvalidNetworkInterfaceID.NotFound', first);
  }
  return { NetworkInterfaces: [] };
}
