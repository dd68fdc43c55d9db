import { describe, expect, it } from 'vitest';
import { buildTestApp, errorOf, post } from '../helpers/inject.js';

describe('the app', () => {
  it('answers DescribeSecurityGroups with the default group of the default VPC', async () => {
    const { app } = buildTestApp();
    const res = await post(app, { Action: 'DescribeSecurityGroups' });
    expect(res.status).toBe(200);
    const items = res.xml.DescribeSecurityGroupsResponse.securityGroupInfo.item;
    expect(items).toHaveLength(1);
    expect(items[0].groupName).toBe('default');
  });

  it('answers an unknown action with InvalidAction', async () => {
    const { app } = buildTestApp();
    const res = await post(app, { Action: 'DescribeLoadBalancers' });
    expect(res.status).toBe(400);
    expect(errorOf(res.xml)).toEqual({
      code: 'InvalidAction',
      message: 'The action DescribeLoadBalancers is not valid for this web service.',
    });
  });
});
