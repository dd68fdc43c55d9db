import { describe, expect, it } from 'vitest';
import { DESCRIBE_BOUNDS, takePage, validatePageRequest } from '../../../server/paging.js';
import { thrownEc2Error } from '../../helpers/errors.js';

const items = (...seqs: number[]) => seqs.map((seq) => ({ seq, id: `i${seq}` }));

/** Pages through `list()` (re-read before every page) and returns the ids seen, page by page. */
function pageAll(list: () => Array<{ seq: number; id: string }>, max: number, between?: (page: number) => void): string[][] {
  const pages: string[][] = [];
  let token: string | undefined;
  do {
    const page = takePage(list(), { MaxResults: max, NextToken: token });
    pages.push(page.items.map((i) => i.id));
    token = page.nextToken;
    between?.(pages.length);
  } while (token !== undefined && pages.length < 100);
  return pages;
}

describe('validatePageRequest', () => {
  it('uses 5..1000 for describe calls', () => {
    expect(DESCRIBE_BOUNDS).toEqual({ min: 5, max: 1000 });
  });

  it.each([5, 6, 999, 1000])('accepts MaxResults %d', (max) => {
    expect(() => validatePageRequest({ MaxResults: max })).not.toThrow();
  });

  it('accepts no MaxResults and no token', () => {
    expect(() => validatePageRequest({})).not.toThrow();
  });

  it.each([4, 1, 0, -1])('rejects MaxResults %d below the minimum with the exact text', (max) => {
    expect(thrownEc2Error(() => validatePageRequest({ MaxResults: max }))).toEqual({
      code: 'InvalidParameterValue',
      message: `Value ( ${max} ) for parameter maxResults is invalid. Expecting a value greater than 5.`,
    });
  });

  it.each([1001, 5000])('rejects MaxResults %d above the maximum with the exact text', (max) => {
    expect(thrownEc2Error(() => validatePageRequest({ MaxResults: max }))).toEqual({
      code: 'InvalidParameterValue',
      message: `Value ( ${max} ) for parameter maxResults is invalid. Expecting a value less than 1000.`,
    });
  });

  it('honours other bounds', () => {
    expect(() => validatePageRequest({ MaxResults: 1 }, { min: 1, max: 100 })).not.toThrow();
    expect(thrownEc2Error(() => validatePageRequest({ MaxResults: 101 }, { min: 1, max: 100 })).message).toBe(
      'Value ( 101 ) for parameter maxResults is invalid. Expecting a value less than 100.',
    );
  });

  it.each(['', 'garbage', 'djE6MA', 'djE6LTE', 'djE6MS41', 'djI6Mw', '!!!!'])('rejects the invalid token %j with the exact text', (token) => {
    expect(thrownEc2Error(() => validatePageRequest({ NextToken: token }))).toEqual({
      code: 'InvalidParameterValue',
      message: `Value ( ${token} ) for parameter NextToken is invalid. The token is invalid.`,
    });
  });

  it('accepts a token takePage produced', () => {
    const { nextToken } = takePage(items(1, 2, 3, 4, 5, 6), { MaxResults: 5 });
    expect(nextToken).toBeDefined();
    expect(() => validatePageRequest({ NextToken: nextToken })).not.toThrow();
  });

  it('rejects a token with a non-canonical encoding of a valid seq', () => {
    const { nextToken } = takePage(items(1, 2, 3, 4, 5, 6), { MaxResults: 5 });
    expect(thrownEc2Error(() => validatePageRequest({ NextToken: `${nextToken}=` })).code).toBe('InvalidParameterValue');
  });
});

describe('takePage', () => {
  const twelve = items(...Array.from({ length: 12 }, (_, i) => i + 1));

  it('returns everything and no token without MaxResults', () => {
    expect(takePage(twelve, {})).toEqual({ items: twelve, nextToken: undefined });
  });

  it('returns no token when the page reaches the end exactly', () => {
    const page = takePage(items(1, 2, 3, 4, 5), { MaxResults: 5 });
    expect(page.items).toHaveLength(5);
    expect(page.nextToken).toBeUndefined();
  });

  it('round-trips tokens through every page in order', () => {
    expect(pageAll(() => twelve, 5)).toEqual([
      ['i1', 'i2', 'i3', 'i4', 'i5'],
      ['i6', 'i7', 'i8', 'i9', 'i10'],
      ['i11', 'i12'],
    ]);
  });

  it('makes opaque tokens, different for different positions', () => {
    const first = takePage(twelve, { MaxResults: 5 }).nextToken!;
    const second = takePage(twelve, { MaxResults: 5, NextToken: first }).nextToken!;
    expect(first).not.toBe(second);
    expect(first).not.toMatch(/^\d+$/);
  });

  it('without MaxResults after a token, returns the rest', () => {
    const token = takePage(twelve, { MaxResults: 10 }).nextToken!;
    expect(takePage(twelve, { NextToken: token }).items.map((i) => i.id)).toEqual(['i11', 'i12']);
  });

  it('rejects an invalid token', () => {
    expect(thrownEc2Error(() => takePage(twelve, { NextToken: 'nope' })).message).toBe(
      'Value ( nope ) for parameter NextToken is invalid. The token is invalid.',
    );
  });

  it('never repeats or skips a surviving item when items are inserted between pages', () => {
    let list = items(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    let next = 11;
    const pages = pageAll(() => list, 5, () => {
      // Another client creates two resources after each page.
      list = [...list, ...items(next++, next++)];
    });
    const seen = pages.flat();
    expect(new Set(seen).size).toBe(seen.length);
    for (let i = 1; i <= 10; i++) expect(seen).toContain(`i${i}`);
    expect(seen.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => `i${i + 1}`));
  });

  it('never repeats or skips a surviving item when items are deleted between pages', () => {
    let list = items(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    const pages = pageAll(() => list, 5, (page) => {
      // After the first page: delete the last item returned (the token's own seq) and one ahead.
      if (page === 1) list = list.filter((i) => i.seq !== 5 && i.seq !== 7);
    });
    expect(pages).toEqual([
      ['i1', 'i2', 'i3', 'i4', 'i5'],
      ['i6', 'i8', 'i9', 'i10', 'i11'],
      ['i12'],
    ]);
  });

  it('continues after a token whose item and all later ones were deleted with an empty last page', () => {
    const token = takePage(items(1, 2, 3, 4, 5, 6), { MaxResults: 5 }).nextToken!;
    expect(takePage(items(1, 2, 3), { MaxResults: 5, NextToken: token })).toEqual({ items: [], nextToken: undefined });
  });

  it('works on sparse seqs', () => {
    expect(pageAll(() => items(3, 10, 11, 40, 41, 42, 100), 5)).toEqual([['i3', 'i10', 'i11', 'i40', 'i41'], ['i42', 'i100']]);
  });
});
