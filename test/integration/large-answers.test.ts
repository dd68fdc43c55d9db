/**
 * Answers too big to write at once (an account of more than 10,000 rules, read without MaxResults)
 * are sent in parts with HTTP chunked encoding (server/sliced-reads.ts). Real clients read them
 * whole: the JS SDK v3 and the AWS CLI, each making the one unpaged call users make.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  type EC2Client,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { awsEc2Ok, hasAwsCli } from '../helpers/cli.js';
import { createGroup, startServerWithClient, stopServer } from '../helpers/server.js';

const GROUPS = 11;
const RULES_PER_GROUP = 1000;
/** The rules written here, each group's default egress rule and the default group's two rules. */
const ALL_RULES = GROUPS * RULES_PER_GROUP + GROUPS + 2;

let emulator: Emulator;
let ec2: EC2Client;

beforeAll(async () => {
  ({ emulator, ec2 } = await startServerWithClient({ limits: { rulesPerSecurityGroup: RULES_PER_GROUP } }));
  for (let g = 0; g < GROUPS; g++) {
    const groupId = await createGroup(ec2, `bulk-${g}`, 'many rules');
    const IpPermissions: IpPermission[] = Array.from({ length: RULES_PER_GROUP }, (_, i) => ({
      IpProtocol: 'tcp',
      FromPort: 1024 + i,
      ToPort: 1024 + i,
      IpRanges: [{ CidrIp: `10.${g}.${i >> 8}.${i & 255}/32`, Description: `rule ${i} of group ${g}` }],
    }));
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions }));
  }
}, 120_000);
afterAll(() => stopServer(emulator, ec2));

describe(`an account of ${ALL_RULES.toLocaleString('en-US')} rules, read whole`, () => {
  it('is sent in chunks, with no Content-Length', async () => {
    const response = await fetch(emulator.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=DescribeSecurityGroupRules&Version=2016-11-15',
    });
    const body = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    expect(response.headers.get('content-length')).toBeNull();
    expect(body.match(/<securityGroupRuleId>/g)).toHaveLength(ALL_RULES);
  });

  it('the JS SDK reads every rule and every group', async () => {
    const rules = await ec2.send(new DescribeSecurityGroupRulesCommand({}));
    expect(rules.SecurityGroupRules).toHaveLength(ALL_RULES);
    expect(rules.NextToken).toBeUndefined();
    expect(rules.SecurityGroupRules!.filter((r) => r.Description === 'rule 999 of group 10')).toHaveLength(1);
    const groups = await ec2.send(new DescribeSecurityGroupsCommand({}));
    expect(groups.SecurityGroups).toHaveLength(GROUPS + 1);
    const ingress = groups.SecurityGroups!.filter((g) => g.GroupName!.startsWith('bulk-')).flatMap((g) => g.IpPermissions ?? []);
    expect(ingress.flatMap((p) => p.IpRanges ?? [])).toHaveLength(GROUPS * RULES_PER_GROUP);
  });

  it.runIf(hasAwsCli)('the AWS CLI reads every rule in its one call', async () => {
    const count = await awsEc2Ok(emulator.url, ['describe-security-group-rules', '--query', 'length(SecurityGroupRules)']);
    expect(count).toBe(ALL_RULES);
  }, 120_000);
});
