/**
 * The request journal on its own: the ring's bounds, which entries keep their whole answer, the
 * filters, the redaction of secret-like keys, and how a DryRun, an injected fault, an error and a
 * refused request are recorded.
 */
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { ec2Error } from '../../../protocol/errors.js';
import {
  ANSWERS_KEPT,
  createJournal,
  filterFromQuery,
  JournalFilterError,
  REDACTED,
  RequestJournal,
  summarize,
  type JournalEntry,
} from '../../../server/journal.js';

const SCOPE = { accountId: '000000000000', region: 'us-east-1' };
const DEFAULTS = SCOPE;

function journalOf(capacity: number): RequestJournal {
  return new RequestJournal(capacity, DEFAULTS);
}

/** Records one successful action with this input and output. */
function ok(
  journal: RequestJournal,
  action: string,
  input: Record<string, unknown> = {},
  output: unknown = {},
  scope = SCOPE,
  requestId = `req-${action}-${Math.random()}`,
  body?: string,
): JournalEntry {
  const entry = journal.open(requestId, scope, action, '2016-11-15', '/', body);
  entry.input = input;
  entry.output = output;
  journal.commit(entry, 200);
  return entry;
}

function failed(journal: RequestJournal, action: string, code: Parameters<typeof ec2Error>[0], input: Record<string, unknown> = {}, args: string[] = []): JournalEntry {
  const entry = journal.open(`req-${Math.random()}`, SCOPE, action, '2016-11-15');
  entry.input = input;
  const error = ec2Error(code, ...args);
  journal.fail(entry, error, error.status);
  return entry;
}

describe('the ring', () => {
  it('keeps the newest entries up to its capacity, oldest first, and numbers them for good', () => {
    const journal = journalOf(3);
    for (const action of ['A1', 'A2', 'A3', 'A4', 'A5']) ok(journal, action);
    expect(journal.size).toBe(3);
    expect(journal.records().map((r) => [r.seq, r.action])).toEqual([
      [3, 'A3'],
      [4, 'A4'],
      [5, 'A5'],
    ]);
    expect(journal.latestSeq).toBe(5);

    // Wrapping further keeps the order across the seam of the array.
    ok(journal, 'A6');
    ok(journal, 'A7');
    expect(journal.records().map((r) => r.action)).toEqual(['A5', 'A6', 'A7']);
  });

  it('forgets everything on clear(), and numbering goes on', () => {
    const journal = journalOf(5);
    ok(journal, 'A1');
    ok(journal, 'A2');
    journal.clear();
    expect(journal.size).toBe(0);
    expect(journal.records()).toEqual([]);
    ok(journal, 'A3');
    expect(journal.records().map((r) => r.seq)).toEqual([3]);
  });

  it('is off at size 0', () => {
    expect(createJournal(0, DEFAULTS)).toBeNull();
    expect(createJournal(undefined, DEFAULTS)?.capacity).toBe(1000);
    expect(createJournal(7, DEFAULTS)?.capacity).toBe(7);
  });

  it(`keeps input and answer as objects for the newest ${ANSWERS_KEPT}; older ones read their input again and summarize the answer`, () => {
    const journal = journalOf(ANSWERS_KEPT * 2);
    const rules = (n: number) => Array.from({ length: n }, (_, i) => ({ SecurityGroupRuleId: `sgr-${String(i).padStart(17, '0')}`, GroupId: 'sg-0123456789abcdef0' }));
    const read = ok(journal, 'DescribeSecurityGroups', { GroupIds: ['sg-0123456789abcdef0'] }, { SecurityGroups: [{ GroupId: 'sg-0123456789abcdef0', IpPermissions: rules(50) }] }, SCOPE, 'req-read', 'Action=DescribeSecurityGroups&Version=2016-11-15&GroupId.1=sg-0123456789abcdef0');
    const write = ok(journal, 'CreateSecurityGroup', { GroupName: 'g0', Description: 'd é' }, { GroupId: 'sg-0123456789abcdef0', Tags: [] }, SCOPE, 'req-write', 'Action=CreateSecurityGroup&Version=2016-11-15&GroupName=g0&GroupDescription=d%20%C3%A9&X-Amz-Signature=abc');
    const bulkWrite = ok(journal, 'AuthorizeSecurityGroupIngress', { GroupId: 'sg-0123456789abcdef0' }, { Return: true, SecurityGroupRules: rules(30) }, SCOPE, 'req-bulk', 'Action=AuthorizeSecurityGroupIngress&GroupId=sg-0123456789abcdef0');
    const refused = journal.open('req-refused', SCOPE, 'CreateSecurityGroup', '2016-11-15', '/', 'Action=CreateSecurityGroup');
    refused.refused = true;
    journal.fail(refused, ec2Error('AuthFailure'), 401);
    for (let i = 4; i < ANSWERS_KEPT; i++) ok(journal, 'DescribeVpcs', {}, { Vpcs: [] });
    const bySeq = (seq: number) => journal.records().find((r) => r.seq === seq)!;
    for (const entry of [read, write, bulkWrite]) expect(bySeq(entry.seq).output).toBeDefined();

    // Four more: the first four entries are now ANSWERS_KEPT back, and compacted.
    for (let i = 0; i < 4; i++) ok(journal, 'DescribeVpcs', {}, { Vpcs: [] });
    for (const entry of [read, write, bulkWrite]) {
      expect(entry.input).toBeUndefined();
      expect(bySeq(entry.seq).output).toBeUndefined();
    }
    // The input, read again from the parameters as received (the signature among them is not input).
    expect(bySeq(read.seq).input).toEqual({ GroupIds: ['sg-0123456789abcdef0'] });
    expect(bySeq(write.seq).input).toEqual({ GroupName: 'g0', Description: 'd é' });
    expect(bySeq(bulkWrite.seq).input).toEqual({ GroupId: 'sg-0123456789abcdef0' });
    expect(bySeq(refused.seq).input).toBeNull();
    expect(bySeq(refused.seq)).toMatchObject({ outcome: 'refused', errorCode: 'AuthFailure' });
    // The answer, as its summary.
    expect(bySeq(read.seq).summary).toEqual({ ids: [], counts: { SecurityGroups: 1 } });
    expect(bySeq(write.seq).summary).toEqual({ ids: ['sg-0123456789abcdef0'], counts: { Tags: 0 } });
    expect(bySeq(bulkWrite.seq).summary).toEqual({ ids: rules(20).map((r) => r.SecurityGroupRuleId), counts: { SecurityGroupRules: 30 } });
    expect(bySeq(ANSWERS_KEPT + 4).output).toEqual({ Vpcs: [] });
  });

  it('loses the input of an old entry only when newer parameters have filled its byte arena', () => {
    // 256 KB of arena: 60 KB parameters fit a few at a time, small ones hundreds.
    const journal = journalOf(ANSWERS_KEPT + 20);
    const small = 'Action=CreateSecurityGroup&Version=2016-11-15&GroupName=small&GroupDescription=d';
    ok(journal, 'CreateSecurityGroup', { GroupName: 'small', Description: 'd' }, {}, SCOPE, 'req-small', small);
    const description = 'x'.repeat(60_000);
    const big = `Action=CreateSecurityGroup&Version=2016-11-15&GroupName=big&GroupDescription=${description}`;
    for (let i = 0; i < 3; i++) ok(journal, 'CreateSecurityGroup', { GroupName: 'big', Description: description }, {}, SCOPE, `req-big-${i}`, big);
    for (let i = 0; i < ANSWERS_KEPT; i++) ok(journal, 'CreateSecurityGroup', { GroupName: 'small', Description: 'd' }, {}, SCOPE, `req-${i}`, small);
    const byId = (id: string) => journal.records().find((r) => r.requestId === id)!;
    // The big ones pushed what came before them out (the small one too), all but the last.
    expect(byId('req-small').input).toBeNull();
    expect(byId('req-big-0').input).toBeNull();
    expect(byId('req-big-2').input).toEqual({ GroupName: 'big', Description: description });
    // Thousands of small ones later, every entry still in the journal has its input.
    for (let i = 0; i < 3000; i++) ok(journal, 'CreateSecurityGroup', { GroupName: 'small', Description: 'd' }, {}, SCOPE, `req-more-${i}`, small);
    const records = journal.records();
    expect(records).toHaveLength(ANSWERS_KEPT + 20);
    expect(records.every((r) => r.input !== null)).toBe(true);
  });

  it('hands out copies: changing a record changes nothing stored', () => {
    const journal = journalOf(2);
    ok(journal, 'CreateSecurityGroup', { GroupName: 'web' }, { GroupId: 'sg-0123456789abcdef0' });
    const record = journal.records()[0]!;
    record.input!['GroupName'] = 'changed';
    expect(journal.records()[0]!.input).toEqual({ GroupName: 'web' });
  });
});

describe('what an entry says', () => {
  it('a success: status 200, outcome ok, the input in SDK member names and the answer', () => {
    const journal = journalOf(5);
    const input = { GroupId: 'sg-0123456789abcdef0', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }] };
    const output = { Return: true, SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-0123456789abcdef0', GroupId: 'sg-0123456789abcdef0' }] };
    ok(journal, 'AuthorizeSecurityGroupIngress', input, output, { accountId: '123456789012', region: 'eu-west-1' }, 'req-1');
    const [record] = journal.records();
    expect(record).toMatchObject({
      seq: 1,
      requestId: 'req-1',
      service: 'ec2',
      accountId: '123456789012',
      region: 'eu-west-1',
      action: 'AuthorizeSecurityGroupIngress',
      status: 200,
      outcome: 'ok',
      dryRun: false,
      fault: false,
      refused: false,
      input,
      output,
      summary: { ids: ['sgr-0123456789abcdef0'], counts: { SecurityGroupRules: 1 } },
    });
    expect(record!.errorCode).toBeUndefined();
    expect(Number.isNaN(Date.parse(record!.time))).toBe(false);
    expect(record!.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('an error: its status, code and message, and no answer', () => {
    const journal = journalOf(5);
    failed(journal, 'DeleteSecurityGroup', 'InvalidGroup.NotFound', { GroupId: 'sg-0123456789abcdef0' }, ['sg-0123456789abcdef0']);
    const [record] = journal.records();
    expect(record).toMatchObject({ outcome: 'error', status: 400, errorCode: 'InvalidGroup.NotFound', input: { GroupId: 'sg-0123456789abcdef0' } });
    expect(record!.errorMessage).toContain('sg-0123456789abcdef0');
    expect(record!.output).toBeUndefined();
    expect(record!.summary).toEqual({ ids: [], counts: {} });
  });

  it('a DryRun that would have succeeded: outcome dry-run, dryRun flag, 412', () => {
    const journal = journalOf(5);
    failed(journal, 'CreateSecurityGroup', 'DryRunOperation', { GroupName: 'web', Description: 'd', DryRun: true });
    expect(journal.records()[0]).toMatchObject({ outcome: 'dry-run', dryRun: true, status: 412, errorCode: 'DryRunOperation' });
  });

  it('a DryRun that would have failed is an error with the dryRun flag', () => {
    const journal = journalOf(5);
    failed(journal, 'DeleteSecurityGroup', 'InvalidGroup.NotFound', { GroupId: 'sg-0123456789abcdef0', DryRun: true }, ['sg-0123456789abcdef0']);
    expect(journal.records()[0]).toMatchObject({ outcome: 'error', dryRun: true, errorCode: 'InvalidGroup.NotFound' });
  });

  it('an injected fault: outcome fault, the fault flag and the injected error', () => {
    const journal = journalOf(5);
    const entry = journal.open('req-f', SCOPE, 'DescribeSecurityGroups', '2016-11-15');
    entry.fault = true;
    journal.fail(entry, ec2Error('RequestLimitExceeded'), 503);
    expect(journal.records()[0]).toMatchObject({ outcome: 'fault', fault: true, status: 503, errorCode: 'RequestLimitExceeded', input: null });
  });

  it('an STS request says so', () => {
    const journal = journalOf(5);
    const entry = journal.open('req-s', SCOPE, 'GetCallerIdentity', '2011-06-15');
    journal.commit(entry, 200);
    expect(journal.records()[0]!.service).toBe('sts');
  });

  it('a refused request: what can be read of it, never the Authorization header or the signature', () => {
    const journal = journalOf(5);
    const authorization =
      'AWS4-HMAC-SHA256 Credential=123456789012/20260101/ap-south-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123abcdsecretsignature';
    const request = {
      url: '/',
      body: 'Action=CreateSecurityGroup&Version=2016-11-15&GroupName=web&X-Amz-Signature=deadbeefsig',
      headers: { authorization },
      ec2RequestId: 'req-refused',
      ec2Action: '',
      ec2Journal: null,
    } as unknown as FastifyRequest;
    journal.recordError(request, ec2Error('AuthFailure'), 401);
    const [record] = journal.records();
    expect(record).toMatchObject({
      refused: true,
      outcome: 'refused',
      action: 'CreateSecurityGroup',
      accountId: '123456789012',
      region: 'ap-south-1',
      status: 401,
      errorCode: 'AuthFailure',
      input: null,
    });
    const text = JSON.stringify(journal.records());
    expect(text).not.toContain('0123abcdsecretsignature');
    expect(text).not.toContain('deadbeefsig');
    expect(text).not.toContain('AWS4-HMAC-SHA256');
  });

  it('never copies a signature or a session token into its byte arena', () => {
    const journal = journalOf(ANSWERS_KEPT + 5);
    const url = '/?Action=DescribeVpcs&Version=2016-11-15&X-Amz-Credential=AKIDPRESIGNED%2F20260101%2Fus-east-1%2Fec2%2Faws4_request&X-Amz-Signature=presignedsig0123&X-Amz-Security-Token=sessiontok456';
    const entry = journal.open('req-presigned', SCOPE, 'DescribeVpcs', '2016-11-15', url, 'VpcId.1=vpc-0123456789abcdef0&Signature=sigv2sig789');
    entry.input = { VpcIds: ['vpc-0123456789abcdef0'] };
    entry.output = { Vpcs: [] };
    journal.commit(entry, 200);
    for (let i = 0; i < ANSWERS_KEPT; i++) ok(journal, 'DescribeVpcs');
    expect(entry.stored).toBeGreaterThanOrEqual(0);
    // The input read back from what was stored is the same, without any of them.
    expect(journal.records({ since: 0, limit: ANSWERS_KEPT + 1 })[0]!.input).toEqual({ VpcIds: ['vpc-0123456789abcdef0'] });
    const arena = (journal as unknown as { arena: { bytes: Buffer } }).arena.bytes;
    for (const secret of ['presignedsig0123', 'sessiontok456', 'sigv2sig789', 'AKIDPRESIGNED']) expect(arena.includes(secret), secret).toBe(false);
  });

  it("the emulator's own endpoints are not journalled", () => {
    const journal = journalOf(5);
    const request = { url: '/_emulator/state', body: '', headers: {}, ec2RequestId: 'r', ec2Action: '', ec2Journal: null } as unknown as FastifyRequest;
    journal.recordError(request, ec2Error('InternalError'), 500);
    expect(journal.size).toBe(0);
  });

  it('redacts every secret-like key of an input, at any depth', () => {
    const journal = journalOf(5);
    ok(journal, 'ImportSomething', {
      Name: 'kept',
      SecretAccessKey: 'AKIASECRET',
      Nested: [{ Password: 'hunter2', Value: 'kept too', SessionToken: 'tok' }],
    });
    const record = journal.records()[0]!;
    expect(record.input).toEqual({ Name: 'kept', SecretAccessKey: REDACTED, Nested: [{ Password: REDACTED, Value: 'kept too', SessionToken: REDACTED }] });
    expect(JSON.stringify(record)).not.toMatch(/AKIASECRET|hunter2|"tok"/);
  });
});

describe('summaries', () => {
  it('name what a write created and count what a read listed', () => {
    expect(summarize('CreateSecurityGroup', { GroupId: 'sg-0123456789abcdef0', SecurityGroupArn: 'arn:aws:ec2:…', Tags: [] })).toEqual({
      ids: ['sg-0123456789abcdef0'],
      counts: { Tags: 0 },
    });
    expect(summarize('CreateVpc', { Vpc: { VpcId: 'vpc-0123456789abcdef0', CidrBlock: '10.0.0.0/16' } })).toEqual({ ids: ['vpc-0123456789abcdef0'], counts: {} });
    expect(summarize('DescribeSecurityGroups', { SecurityGroups: [{ GroupId: 'sg-0123456789abcdef0' }, { GroupId: 'sg-1123456789abcdef0' }] })).toEqual({
      ids: [],
      counts: { SecurityGroups: 2 },
    });
    expect(summarize('RevokeSecurityGroupEgress', { Return: true, RevokedSecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-0123456789abcdef0', GroupId: 'sg-1' }] })).toEqual({
      ids: ['sgr-0123456789abcdef0'],
      counts: { RevokedSecurityGroupRules: 1 },
    });
    expect(summarize('DeleteSecurityGroup', undefined)).toEqual({ ids: [], counts: {} });
  });
});

describe('filters', () => {
  const journal = journalOf(50);
  ok(journal, 'CreateSecurityGroup', { GroupName: 'a' }, { GroupId: 'sg-0123456789abcdef0' }, SCOPE, 'req-create');
  ok(journal, 'AuthorizeSecurityGroupIngress', {}, {}, { accountId: '111122223333', region: 'us-east-1' }, 'req-auth');
  failed(journal, 'DeleteSecurityGroup', 'InvalidGroup.NotFound', {}, ['sg-x']);
  failed(journal, 'CreateSecurityGroup', 'DryRunOperation', { DryRun: true });
  ok(journal, 'DescribeSecurityGroups', {}, { SecurityGroups: [] }, { accountId: '000000000000', region: 'eu-west-1' }, 'req-eu');
  const actions = (filter: Parameters<RequestJournal['records']>[0]) => journal.records(filter).map((r) => r.action);

  it('by action: one, a list, or comma-separated', () => {
    expect(actions({ action: 'CreateSecurityGroup' })).toEqual(['CreateSecurityGroup', 'CreateSecurityGroup']);
    expect(actions({ action: ['DeleteSecurityGroup', 'DescribeSecurityGroups'] })).toEqual(['DeleteSecurityGroup', 'DescribeSecurityGroups']);
    expect(actions({ action: 'DeleteSecurityGroup,AuthorizeSecurityGroupIngress' })).toEqual(['AuthorizeSecurityGroupIngress', 'DeleteSecurityGroup']);
  });

  it('by status: a code, a class, ok or error', () => {
    expect(actions({ status: 400 })).toEqual(['DeleteSecurityGroup']);
    expect(actions({ status: '4xx' })).toEqual(['DeleteSecurityGroup', 'CreateSecurityGroup']);
    expect(actions({ status: 'ok' })).toHaveLength(3);
    expect(actions({ status: 'error' })).toEqual(['DeleteSecurityGroup', 'CreateSecurityGroup']);
    expect(() => journal.records({ status: 'teapot' })).toThrow(JournalFilterError);
  });

  it('by error code and outcome', () => {
    expect(actions({ errorCode: 'InvalidGroup.NotFound' })).toEqual(['DeleteSecurityGroup']);
    expect(journal.records({ outcome: 'dry-run' }).map((r) => r.dryRun)).toEqual([true]);
    expect(() => journal.records({ outcome: 'maybe' as never })).toThrow(JournalFilterError);
  });

  it('by account and region', () => {
    expect(actions({ account: '111122223333' })).toEqual(['AuthorizeSecurityGroupIngress']);
    expect(actions({ region: 'eu-west-1' })).toEqual(['DescribeSecurityGroups']);
    expect(actions({ account: '000000000000', region: 'us-east-1' })).toEqual(['CreateSecurityGroup', 'DeleteSecurityGroup', 'CreateSecurityGroup']);
  });

  it('since a request id, a seq number or a time: the entries after it', () => {
    expect(actions({ since: 'req-auth' })).toEqual(['DeleteSecurityGroup', 'CreateSecurityGroup', 'DescribeSecurityGroups']);
    expect(actions({ since: 4 })).toEqual(['DescribeSecurityGroups']);
    expect(actions({ since: '4' })).toEqual(['DescribeSecurityGroups']);
    expect(actions({ since: new Date(Date.now() - 60_000).toISOString() })).toHaveLength(5);
    expect(actions({ since: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
    expect(() => journal.records({ since: 'no-such-request' })).toThrow(/no entry has the request id 'no-such-request'/);
  });

  it('limit: the newest N, still oldest first', () => {
    expect(actions({ limit: 2 })).toEqual(['CreateSecurityGroup', 'DescribeSecurityGroups']);
    expect(actions({ limit: 0 })).toEqual([]);
    expect(actions({ action: 'CreateSecurityGroup', limit: 1 }).length).toBe(1);
  });

  it('read from a URL query', () => {
    expect(filterFromQuery({ action: 'A', status: '4xx', errorCode: 'E', account: '1', region: 'r', since: 's', limit: '3', outcome: 'ok', other: 'x' })).toEqual({
      action: 'A',
      status: '4xx',
      errorCode: 'E',
      account: '1',
      region: 'r',
      since: 's',
      limit: 3,
      outcome: 'ok',
    });
    expect(filterFromQuery({ action: '' })).toEqual({});
    expect(() => filterFromQuery({ limit: 'ten' })).toThrow(JournalFilterError);
  });
});

describe('subscribers', () => {
  it('get new entries in one batch per event-loop turn, and hear of clears', async () => {
    const journal = journalOf(10);
    const batches: string[][] = [];
    let clears = 0;
    const unsubscribe = journal.subscribe({ entries: (entries) => batches.push(entries.map((e) => e.action)), cleared: () => (clears += 1) });
    ok(journal, 'A1');
    ok(journal, 'A2');
    expect(batches).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([['A1', 'A2']]);
    journal.clear();
    expect(clears).toBe(1);
    unsubscribe();
    ok(journal, 'A3');
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([['A1', 'A2']]);
  });
});
