/**
 * DescribeRouteTables: every VPC's main route table (creating route tables or routes is not
 * emulated).
 *
 * AWS rules (API reference, CLI examples; docs/fidelity.md):
 * - a main route table holds the VPC's local route: its IPv4 block (and its IPv6 block when it has
 *   one) to gateway `local`, origin `CreateRouteTable`, state `active`;
 * - its one association is the main association: `main` true, no subnet, state `associated`;
 *   subnets without an explicit association use it implicitly and are not listed;
 * - `RouteTableId.N` that does not exist is `InvalidRouteTableID.NotFound`; the documented filters
 *   (`association.main`, `vpc-id`, `route.*`, …) with wildcards; MaxResults 5-1000.
 */
import type { DescribeRouteTablesRequest, DescribeRouteTablesResult, Route, RouteTable } from '@aws-sdk/client-ec2';
import { ec2Error } from '../../protocol/errors.js';
import type { RouteTableRecord, Sequenced, VpcRecord } from '../../store/records.js';
import type { Deps, RequestContext } from '../context.js';
import { namedOrAll } from '../describe.js';
import { compileFilters, type FilterTable } from '../filters.js';
import { takePage, validatePageRequest } from '../paging.js';
import { toSdkTags } from '../security-groups/views.js';

interface RouteTableView extends Sequenced<RouteTableRecord> {
  readonly routes: readonly Route[];
}

/** The local route(s) every route table of a VPC has. */
export function localRoutes(vpc: Pick<VpcRecord, 'cidrBlock' | 'ipv6CidrBlock'>): Route[] {
  const local = { GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' } as const;
  const routes: Route[] = [{ DestinationCidrBlock: vpc.cidrBlock, ...local }];
  if (vpc.ipv6CidrBlock !== undefined) routes.push({ DestinationIpv6CidrBlock: vpc.ipv6CidrBlock, ...local });
  return routes;
}

const routeValues = (read: (route: Route) => string | undefined) => (table: RouteTableView) => table.routes.map(read);
const mainAssociation = (table: RouteTableView) => (table.mainAssociationId !== undefined ? [table.mainAssociationId] : []);

const ROUTE_TABLE_FILTERS: FilterTable<RouteTableView> = {
  tags: (table) => table.tags,
  filters: {
    'association.gateway-id': { values: () => [] },
    'association.route-table-association-id': { values: mainAssociation },
    'association.route-table-id': { values: (table) => mainAssociation(table).map(() => table.routeTableId) },
    'association.subnet-id': { values: () => [] },
    'association.main': { values: (table) => mainAssociation(table).map(() => 'true') },
    'owner-id': { values: (table) => [table.ownerId] },
    'route-table-id': { values: (table) => [table.routeTableId] },
    'route.destination-cidr-block': { values: routeValues((r) => r.DestinationCidrBlock) },
    'route.destination-ipv6-cidr-block': { values: routeValues((r) => r.DestinationIpv6CidrBlock) },
    'route.destination-prefix-list-id': { values: () => [] },
    'route.egress-only-internet-gateway-id': { values: () => [] },
    'route.gateway-id': { values: routeValues((r) => r.GatewayId) },
    'route.instance-id': { values: () => [] },
    'route.nat-gateway-id': { values: () => [] },
    'route.transit-gateway-id': { values: () => [] },
    'route.origin': { values: routeValues((r) => r.Origin) },
    'route.state': { values: routeValues((r) => r.State) },
    'route.vpc-peering-connection-id': { values: () => [] },
    'vpc-id': { values: (table) => [table.vpcId] },
  },
};

function toRouteTable(table: RouteTableView): RouteTable {
  return {
    Associations:
      table.mainAssociationId === undefined
        ? []
        : [
            {
              Main: true,
              RouteTableAssociationId: table.mainAssociationId,
              RouteTableId: table.routeTableId,
              AssociationState: { State: 'associated' },
            },
          ],
    PropagatingVgws: [],
    RouteTableId: table.routeTableId,
    Routes: [...table.routes],
    Tags: toSdkTags(table.tags),
    VpcId: table.vpcId,
    OwnerId: table.ownerId,
  };
}

export function describeRouteTables(
  input: DescribeRouteTablesRequest,
  ctx: RequestContext,
  deps: Deps,
): DescribeRouteTablesResult {
  validatePageRequest(input);
  const matches = compileFilters(input.Filters, ROUTE_TABLE_FILTERS);
  const { store } = deps;
  const { isVisible } = deps.realism; // a new VPC's main route table hides with it under eventual consistency
  const tables = namedOrAll(input.RouteTableIds, {
    find: (id) => (isVisible(id) ? store.getRouteTable(ctx.scope, id) : undefined),
    notFound: (id) => ec2Error('InvalidRouteTableID.NotFound', id),
    all: () => store.listRouteTables(ctx.scope).filter((t) => isVisible(t.routeTableId)),
  });
  const vpcs = new Map(store.listVpcs(ctx.scope).map((vpc) => [vpc.vpcId, vpc]));
  const views: RouteTableView[] = tables.map((table) => {
    const vpc = vpcs.get(table.vpcId);
    return { ...table, routes: vpc ? localRoutes(vpc) : [] };
  });
  const page = takePage(views.filter(matches), input);
  return { RouteTables: page.items.map(toRouteTable), NextToken: page.nextToken };
}
