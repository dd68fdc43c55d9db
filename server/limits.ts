/**
 * EC2's quotas, as the VPC user guide states their defaults (aws-reference §3.3).
 * They can be changed per server (configuration), for users who raised them on their account.
 */
export interface Limits {
  /** Inbound or outbound rules per group, counted separately per direction and per IP family. */
  readonly rulesPerSecurityGroup: number;
  /** VPC security groups per region. */
  readonly securityGroupsPerRegion: number;
  /** Customer-managed prefix lists per region. */
  readonly prefixListsPerRegion: number;
}

export const DEFAULT_LIMITS: Limits = {
  rulesPerSecurityGroup: 60,
  securityGroupsPerRegion: 2500,
  prefixListsPerRegion: 100,
};
