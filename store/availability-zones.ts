/**
 * The Availability Zones of a region: fixed data, the same for every account.
 *
 * AWS rule: a zone's name is the region plus a letter (`us-east-1a`); its id is the region's short
 * code plus `-az<N>` (`use1-az1`), the short code being the area and the initials of the direction
 * (`us-east-1` → `use1`, `ap-southeast-2` → `apse2`, `eu-central-1` → `euc1`). Which letter maps to
 * which id differs per AWS account; here it is the same for every account, the common pairing below
 * (docs/fidelity.md). Regions not in the table get three zones, a to c, az1 to az3.
 */

/**
 * Zones per region as a new account commonly sees them, letter to zone-id number (the pairing moto
 * uses too; real accounts differ). Some regions skip a letter retired for new accounts.
 */
const ZONES: Readonly<Record<string, readonly (readonly [letter: string, azNumber: number])[]>> = {
  'us-east-1': [['a', 6], ['b', 1], ['c', 2], ['d', 4], ['e', 3], ['f', 5]],
  'us-east-2': [['a', 1], ['b', 2], ['c', 3]],
  'us-west-1': [['a', 3], ['b', 1]],
  'us-west-2': [['a', 2], ['b', 1], ['c', 3], ['d', 4]],
  'ca-central-1': [['a', 1], ['b', 2], ['d', 4]],
  'sa-east-1': [['a', 1], ['b', 2], ['c', 3]],
  'eu-west-1': [['a', 3], ['b', 1], ['c', 2]],
  'eu-west-2': [['a', 2], ['b', 3], ['c', 1]],
  'eu-west-3': [['a', 1], ['b', 2], ['c', 3]],
  'eu-central-1': [['a', 1], ['b', 2], ['c', 3]],
  'eu-north-1': [['a', 1], ['b', 2], ['c', 3]],
  'ap-south-1': [['a', 1], ['b', 3], ['c', 2]],
  'ap-southeast-1': [['a', 1], ['b', 2], ['c', 3]],
  'ap-southeast-2': [['a', 1], ['b', 3], ['c', 2]],
  'ap-northeast-1': [['a', 4], ['c', 1], ['d', 2]],
  'ap-northeast-2': [['a', 1], ['b', 2], ['c', 3], ['d', 4]],
};
const OTHER_REGIONS: readonly (readonly [string, number])[] = [['a', 1], ['b', 2], ['c', 3]];

const DIRECTIONS: Readonly<Record<string, string>> = {
  east: 'e',
  west: 'w',
  north: 'n',
  south: 's',
  central: 'c',
  northeast: 'ne',
  northwest: 'nw',
  southeast: 'se',
  southwest: 'sw',
};

export interface AvailabilityZoneInfo {
  readonly zoneName: string;
  readonly zoneId: string;
  readonly regionName: string;
}

/** `us-east-1` → `use1`; a region name of another form keeps its letters and digits. */
export function regionShortCode(region: string): string {
  const parts = /^([a-z]+)-([a-z]+)-(\d+)$/.exec(region);
  if (!parts) return region.replace(/[^a-z0-9]/g, '');
  const [, area, direction, number] = parts;
  return `${area}${DIRECTIONS[direction!] ?? direction!.charAt(0)}${number}`;
}

const cache = new Map<string, readonly AvailabilityZoneInfo[]>();

/** The region's zones in name order. */
export function availabilityZonesOf(region: string): readonly AvailabilityZoneInfo[] {
  let zones = cache.get(region);
  if (!zones) {
    const code = regionShortCode(region);
    zones = (ZONES[region] ?? OTHER_REGIONS).map(([letter, azNumber]) => ({
      zoneName: `${region}${letter}`,
      zoneId: `${code}-az${azNumber}`,
      regionName: region,
    }));
    cache.set(region, zones);
  }
  return zones;
}
