import { describe, expect, it } from 'vitest';
import { parseSdkAppId } from './parse-sdk-app-id.js';

describe('parseSdkAppId', () => {
  it('takes positive decimal integers', () => {
    expect(parseSdkAppId('1400000000')).toBe(1_400_000_000);
    expect(parseSdkAppId('7')).toBe(7);
    expect(parseSdkAppId('4294967295')).toBe(0xffffffff);
  });

  it.each([
    '0x53',
    '0X53',
    '0b101',
    '0o17',
    '1e9',
    '1.0',
    '+7',
    '-7',
    ' 7',
    '7 ',
    '',
    '0',
    '007',
    'Infinity',
    'NaN',
    '9007199254740993',
    '4294967296',
    '9007199254740991',
    '1_000',
    '٣',
  ])('refuses %j', (text) => expect(parseSdkAppId(text)).toBeUndefined());

  it('refuses a missing parameter', () => {
    expect(parseSdkAppId(null)).toBeUndefined();
    expect(parseSdkAppId(undefined)).toBeUndefined();
  });
});
