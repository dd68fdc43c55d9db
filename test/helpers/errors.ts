/** Unit-test helpers for code that throws `Ec2Error` synchronously (validators, parsers). */
import { expect } from 'vitest';
import { Ec2Error } from '../../protocol/errors.js';

/** Runs `fn`, expecting it to throw an `Ec2Error`; returns that error's code and message. */
export function thrownEc2Error(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(Ec2Error);
    return { code: (err as Ec2Error).code, message: (err as Ec2Error).message };
  }
  throw new Error('expected an Ec2Error');
}
