/**
 * Accounts and regions through the SDK: a 12-digit access key id is the account, any other key is
 * the default account, and the region is the one the client signs for. Each (account, region) is
 * its own world, and ARNs, owner ids and STS GetCallerIdentity name the same account.
 */
import {
  CreateSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../server/emulator.js';
import { ec2Client, ec2ErrorOf, startTestServer, stsClient } from '../helpers/server.js';

const ALICE = '111111111111';
const BOB = '222222222222';
const DEFAULT_ACCOUNT = '000000000000';
const credentialsOf = (accessKeyId: string) => ({ accessKeyId, secretAccessKey: 'test' });

let emulator: Emulator;
const clients: { destroy(): void }[] = [];

beforeAll(async () => {
  emulator = await startTestServer({ defaultAccountId: DEFAULT_ACCOUNT, defaultRegion: 'us-east-1' });
});
afterAll(async () => {
  for (const client of clients) client.destroy();
  await emulator.stop();
});

function ec2(accessKeyId: string, region: string): EC2Client {
  const client = ec2Client(emulator.url, region, credentialsOf(accessKeyId));
  clients.push(client);
  return client;
}

function sts(accessKeyId: string, region: string): STSClient {
  const client = stsClient(emulator.url, region, credentialsOf(accessKeyId));
  clients.push(client);
  return client;
}

describe('isolation', () => {
  const worlds = [
    { account: ALICE, region: 'us-east-1' },
    { account: ALICE, region: 'eu-west-1' },
    { account: BOB, region: 'us-east-1' },
    { account: BOB, region: 'eu-west-1' },
  ];

  it('gives each account and region its own default VPC, groups and rules', async () => {
    const created = new Map<string, string>();
    for (const world of worlds) {
      const client = ec2(world.account, world.region);
      // The same name everywhere: no clash, since each world is separate.
      const group = await client.send(new CreateSecurityGroupCommand({ GroupName: 'app', Description: `${world.account} in ${world.region}` }));
      created.set(`${world.account}/${world.region}`, group.GroupId!);
    }

    const defaultVpcIds = new Set<string>();
    for (const world of worlds) {
      const client = ec2(world.account, world.region);
      const ownId = created.get(`${world.account}/${world.region}`)!;
      const groups = (await client.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups!;
      expect(groups.map((g) => g.GroupName).sort()).toEqual(['app', 'default']);
      expect(groups.find((g) => g.GroupName === 'app')!.GroupId).toBe(ownId);
      expect(groups.find((g) => g.GroupName === 'app')!.Description).toBe(`${world.account} in ${world.region}`);

      const vpcs = (await client.send(new DescribeVpcsCommand({}))).Vpcs!;
      expect(vpcs).toHaveLength(1);
      defaultVpcIds.add(vpcs[0]!.VpcId!);

      // Every other world's group is unknown here, as on AWS.
      for (const [key, otherId] of created) {
        if (otherId === ownId) continue;
        const error = await ec2ErrorOf(() => client.send(new DescribeSecurityGroupsCommand({ GroupIds: [otherId] })));
        expect(error.code, `${key}'s group seen from ${world.account}/${world.region}`).toBe('InvalidGroup.NotFound');
      }
    }
    expect(defaultVpcIds.size).toBe(worlds.length);
  });

  it('maps any access key that is not 12 digits to the default account', async () => {
    const named = ec2('AKIAIOSFODNN7EXAMPLE', 'ap-southeast-2');
    const group = await named.send(new CreateSecurityGroupCommand({ GroupName: 'shared', Description: 'default account' }));
    const other = ec2('test', 'ap-southeast-2');
    const seen = (await other.send(new DescribeSecurityGroupsCommand({ GroupIds: [group.GroupId!] }))).SecurityGroups!;
    expect(seen[0]!.OwnerId).toBe(DEFAULT_ACCOUNT);
  });
});

describe('ARNs, owner ids and GetCallerIdentity agree', () => {
  for (const world of [
    { account: BOB, region: 'eu-west-1' },
    { account: DEFAULT_ACCOUNT, region: 'us-west-2', accessKeyId: 'test' },
  ]) {
    it(`for ${world.account} in ${world.region}`, async () => {
      const accessKeyId = world.accessKeyId ?? world.account;
      const client = ec2(accessKeyId, world.region);
      const created = await client.send(new CreateSecurityGroupCommand({ GroupName: `agree-${world.region}`, Description: 'agreement' }));
      const group = (await client.send(new DescribeSecurityGroupsCommand({ GroupIds: [created.GroupId!] }))).SecurityGroups![0]!;
      expect(created.SecurityGroupArn).toBe(`arn:aws:ec2:${world.region}:${world.account}:security-group/${created.GroupId}`);
      expect(group.SecurityGroupArn).toBe(created.SecurityGroupArn);
      expect(group.OwnerId).toBe(world.account);

      const rules = (
        await client.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [created.GroupId!] }] }))
      ).SecurityGroupRules!;
      expect(rules.length).toBeGreaterThan(0);
      for (const rule of rules) {
        expect(rule.GroupOwnerId).toBe(world.account);
        expect(rule.SecurityGroupRuleArn).toBe(`arn:aws:ec2:${world.region}:${world.account}:security-group-rule/${rule.SecurityGroupRuleId}`);
      }

      const identity = await sts(accessKeyId, world.region).send(new GetCallerIdentityCommand({}));
      expect(identity.Account).toBe(world.account);
      expect(identity.Arn).toBe(`arn:aws:iam::${world.account}:root`);
    });
  }
});
