/**
 * Test helpers: a real emulator on 127.0.0.1 and a free port, and clients pointed at it.
 * Clients never retry (maxAttempts 1), so an unexpected 5xx surfaces at once.
 */
import {
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { STSClient } from '@aws-sdk/client-sts';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../server/emulator.js';

export const TEST_CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' };

export async function startTestServer(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ port: 0, ...options });
}

export function ec2Client(url: string, region = 'us-east-1', credentials = TEST_CREDENTIALS): EC2Client {
  return new EC2Client({ endpoint: url, region, credentials, maxAttempts: 1 });
}

/** An STS client on the emulator's endpoint (STS is served there too), never retrying like `ec2Client`. */
export function stsClient(url: string, region = 'us-east-1', credentials = TEST_CREDENTIALS): STSClient {
  return new STSClient({ endpoint: url, region, credentials, maxAttempts: 1 });
}

/** The usual setup of an SDK integration test file: an emulator and a client pointed at it. */
export async function startServerWithClient(options: EmulatorOptions = {}): Promise<{ emulator: Emulator; ec2: EC2Client }> {
  const emulator = await startTestServer(options);
  return { emulator, ec2: ec2Client(emulator.url) };
}

/** `startServerWithClient` plus a new VPC with `cidr`, for test files whose groups live in their own VPC. */
export async function startServerWithVpc(
  cidr: string,
  options: EmulatorOptions = {},
): Promise<{ emulator: Emulator; ec2: EC2Client; vpcId: string }> {
  const { emulator, ec2 } = await startServerWithClient(options);
  try {
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
    return { emulator, ec2, vpcId };
  } catch (err) {
    await stopServer(emulator, ec2);
    throw err;
  }
}

/** Destroys the clients and stops the emulator; any may be undefined (a `beforeAll` that failed half-way). */
export async function stopServer(emulator: Emulator | undefined, ...clients: Array<{ destroy(): void } | undefined>): Promise<void> {
  for (const client of clients) client?.destroy();
  await emulator?.stop();
}

/** Creates a security group in `vpcId` (the default VPC when undefined) and returns its id. */
export async function createGroup(ec2: EC2Client, name: string, description: string, vpcId?: string): Promise<string> {
  return (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: description, VpcId: vpcId }))).GroupId!;
}

/**
 * Deletes the default VPC of the client's account and region the AWS way: its default subnets
 * first (DeleteVpc answers DependencyViolation while a VPC has subnets), then the VPC. Returns
 * the deleted VPC's id.
 */
export async function deleteDefaultVpc(ec2: EC2Client): Promise<string> {
  const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
  const vpcId = Vpcs?.[0]?.VpcId;
  if (vpcId === undefined) throw new Error('deleteDefaultVpc: this account and region has no default VPC');
  const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
  for (const subnet of Subnets ?? []) await ec2.send(new DeleteSubnetCommand({ SubnetId: subnet.SubnetId }));
  await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
  return vpcId;
}

/** Every rule (ingress and egress) of one group: DescribeSecurityGroupRules filtered by group-id. */
export async function rulesOfGroup(ec2: EC2Client, groupId: string): Promise<SecurityGroupRule[]> {
  const out = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
  return out.SecurityGroupRules ?? [];
}

/** Runs `fn`, expecting it to reject with an EC2 error; returns its code, message and status. */
export async function ec2ErrorOf(fn: () => Promise<unknown>): Promise<{ code: string; message: string; status: number | undefined }> {
  try {
    await fn();
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { code: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail with an EC2 error, but it succeeded');
}
