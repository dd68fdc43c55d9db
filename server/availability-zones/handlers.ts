/**
 * DescribeAvailabilityZones: the region's zones (store/availability-zones.ts), all `available`.
 *
 * AWS rules (API reference; docs/fidelity.md): each zone has its name, id, `zoneType`
 * `availability-zone`, `optInStatus` `opt-in-not-required`, its region as network border group,
 * and its state in the element `zoneState`; `ZoneName.N` naming a zone the region does not have is
 * `InvalidParameterValue: Invalid availability zone: [x]`; the documented filters apply. There are
 * no Local or Wavelength Zones here, so `AllAvailabilityZones` changes nothing.
 */
import type {
  AvailabilityZone,
  DescribeAvailabilityZonesRequest,
  DescribeAvailabilityZonesResult,
} from '@aws-sdk/client-ec2';
import { invalidValue } from '../../protocol/errors.js';
import { availabilityZonesOf, type AvailabilityZoneInfo } from '../../store/availability-zones.js';
import type { Deps, RequestContext } from '../context.js';
import { compileFilters, type FilterTable } from '../filters.js';

function toAvailabilityZone(zone: AvailabilityZoneInfo): AvailabilityZone {
  return {
    OptInStatus: 'opt-in-not-required',
    Messages: [],
    RegionName: zone.regionName,
    ZoneName: zone.zoneName,
    ZoneId: zone.zoneId,
    GroupName: `${zone.regionName}-zg-1`,
    NetworkBorderGroup: zone.regionName,
    ZoneType: 'availability-zone',
    State: 'available',
  };
}

const ZONE_FILTERS: FilterTable<AvailabilityZone> = {
  filters: {
    'group-long-name': { values: (z) => [z.GroupLongName] },
    'group-name': { values: (z) => [z.GroupName] },
    message: { values: () => [] },
    'opt-in-status': { values: (z) => [z.OptInStatus] },
    'parent-zone-id': { values: () => [] },
    'parent-zone-name': { values: () => [] },
    'region-name': { values: (z) => [z.RegionName] },
    state: { values: (z) => [z.State] },
    'zone-id': { values: (z) => [z.ZoneId] },
    'zone-name': { values: (z) => [z.ZoneName] },
    'zone-type': { values: (z) => [z.ZoneType] },
  },
};

export function describeAvailabilityZones(
  input: DescribeAvailabilityZonesRequest,
  ctx: RequestContext,
  _deps: Deps,
): DescribeAvailabilityZonesResult {
  const matches = compileFilters(input.Filters, ZONE_FILTERS);
  const zones = availabilityZonesOf(ctx.scope.region);
  for (const name of input.ZoneNames ?? []) {
    if (!zones.some((z) => z.zoneName === name)) throw invalidValue(`Invalid availability zone: [${name}]`);
  }
  for (const id of input.ZoneIds ?? []) {
    if (!zones.some((z) => z.zoneId === id)) throw invalidValue(`Invalid availability zone-id: [${id}]`);
  }
  const names = new Set(input.ZoneNames ?? []);
  const ids = new Set(input.ZoneIds ?? []);
  const chosen = zones.filter(
    (z) => (names.size === 0 && ids.size === 0) || names.has(z.zoneName) || ids.has(z.zoneId),
  );
  return { AvailabilityZones: chosen.map(toAvailabilityZone).filter(matches) };
}
