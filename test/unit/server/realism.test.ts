import { describe, expect, it } from 'vitest';
import { Realism } from '../../../server/realism.js';

describe('Realism: injected faults', () => {
  it('does nothing by default', () => {
    const realism = new Realism();
    expect(realism.active).toBe(false);
    expect(realism.beforeAction('DescribeSecurityGroups')).toEqual({ latencyMs: 0, fault: undefined });
  });

  it('throttles every matching call with RequestLimitExceeded 503 by default', () => {
    const realism = new Realism({ faults: [{ action: 'AuthorizeSecurityGroupEgress' }], consistencyDelayMs: 0 });
    const { fault } = realism.beforeAction('AuthorizeSecurityGroupEgress');
    expect(fault?.code).toBe('RequestLimitExceeded');
    expect(fault?.status).toBe(503);
    expect(fault?.message).toBe('Request limit exceeded.');
    expect(realism.beforeAction('DescribeSecurityGroups').fault).toBeUndefined();
  });

  it('fails only the Nth matching call', () => {
    const realism = new Realism({ faults: [{ action: '*', nth: 3, error: 'Unavailable' }], consistencyDelayMs: 0 });
    const codes = [1, 2, 3, 4].map(() => realism.beforeAction('DescribeVpcs').fault?.code);
    expect(codes).toEqual([undefined, undefined, 'Unavailable', undefined]);
  });

  it('fails at a rate, drawn from the random source, at most `times` times', () => {
    const draws = [0.1, 0.9, 0.2, 0.05, 0.01];
    const realism = new Realism({ faults: [{ action: '*', rate: 0.5, times: 2 }], consistencyDelayMs: 0 }, () => draws.shift()!);
    const failed = [1, 2, 3, 4, 5].map(() => realism.beforeAction('DescribeVpcs').fault !== undefined);
    expect(failed).toEqual([true, false, true, false, false]);
  });

  it('fills the parameters of an error whose message names something, never with "undefined"', () => {
    const realism = new Realism({ faults: [{ action: 'DescribeSecurityGroups', error: 'InvalidGroup.NotFound' }], consistencyDelayMs: 0 });
    const { fault } = realism.beforeAction('DescribeSecurityGroups');
    expect(fault?.code).toBe('InvalidGroup.NotFound');
    expect(fault?.message).toBe("The security group '(injected fault on DescribeSecurityGroups)' does not exist");
  });

  it('adds latency with or without an error', () => {
    const realism = new Realism({ faults: [{ action: 'DescribeVpcs', error: null, latencyMs: 250 }], consistencyDelayMs: 0 });
    expect(realism.beforeAction('DescribeVpcs')).toEqual({ latencyMs: 250, fault: undefined });
  });

  it('refuses invalid rules with a reason', () => {
    const realism = new Realism();
    expect(() => realism.configure({ faults: [{ action: '*', rate: 2 }], consistencyDelayMs: 0 })).toThrow(/rate/);
    expect(() => realism.configure({ faults: [{ action: '*', error: 'NoSuchCode' as never }], consistencyDelayMs: 0 })).toThrow(
      /not an EC2 error code/,
    );
    expect(() => realism.configure({ faults: [], consistencyDelayMs: -1 })).toThrow(/consistencyDelayMs/);
  });
});

describe('Realism: eventual consistency', () => {
  it('hides what a write created until the delay has passed', () => {
    let now = 1_000;
    const realism = new Realism({ faults: [], consistencyDelayMs: 500 }, Math.random, () => now);
    realism.afterAction('AuthorizeSecurityGroupEgress', { SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-1' }] });
    realism.afterAction('CreateSecurityGroup', { GroupId: 'sg-1' });
    expect(realism.isVisible('sgr-1')).toBe(false);
    expect(realism.isVisible('sg-1')).toBe(false);
    expect(realism.isVisible('sg-other')).toBe(true);
    now = 1_499;
    expect(realism.isVisible('sgr-1')).toBe(false);
    now = 1_500;
    expect(realism.isVisible('sgr-1')).toBe(true);
    expect(realism.isVisible('sg-1')).toBe(true);
  });

  it('makes everything visible at once when the delay is set back to 0', () => {
    const realism = new Realism({ faults: [], consistencyDelayMs: 60_000 });
    realism.afterAction('CreateVpc', { Vpc: { VpcId: 'vpc-1' } });
    expect(realism.isVisible('vpc-1')).toBe(false);
    realism.configure({ faults: [], consistencyDelayMs: 0 });
    expect(realism.isVisible('vpc-1')).toBe(true);
  });
});
