import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { dialString, normalizeNumber, toE164 } from './normalize.js';

const NANP = { countryCode: '1', nationalPrefix: '1', internationalPrefix: '011' };
const UK = { countryCode: '44', nationalPrefix: '0', internationalPrefix: '00' };

describe('normalizeNumber', () => {
  const table: [input: string, ctx: typeof NANP | undefined, expected: string | undefined][] = [
    // national formats
    ['5551234567', NANP, '+15551234567'],
    ['15551234567', NANP, '+15551234567'],
    ['(555) 123-4567', NANP, '+15551234567'],
    ['555.123.4567', NANP, '+15551234567'],
    ['1-555-123-4567', NANP, '+15551234567'],
    ['020 7946 0000', UK, '+442079460000'],
    ['2079460000', UK, '+442079460000'],
    // international prefixes
    ['011 44 20 7946 0000', NANP, '+442079460000'],
    ['01144-20-7946-0000', NANP, '+442079460000'],
    ['00 1 555 123 4567', UK, '+15551234567'],
    ['0033142685300', UK, '+33142685300'],
    // already E.164, with or without a context
    ['+15551234567', NANP, '+15551234567'],
    ['+15551234567', undefined, '+15551234567'],
    ['+1-555-123-4567', UK, '+15551234567'],
    ['+44 (0)20 7946 0000', NANP, '+442079460000'],
    ['  +1 555 123 4567  ', undefined, '+15551234567'],
    // tel: URIs (RFC 3966)
    ['tel:+1-555-123-4567', undefined, '+15551234567'],
    ['tel:+1-555-123-4567;ext=22', undefined, '+15551234567'],
    ['tel:5551234567;phone-context=example.com', NANP, '+15551234567'],
    ['tel:5551234567', NANP, '+15551234567'],
    // sip: user=phone
    ['sip:+15551234567@gw.example.net;user=phone', undefined, '+15551234567'],
    ['sip:5551234567@gw.example.net;user=phone', NANP, '+15551234567'],
    ['sips:%2B15551234567@gw.example.net', undefined, '+15551234567'],
    ['sip:+15551234567;npdi;rn=+15559990000@gw.example.net;user=phone', undefined, '+15551234567'],
    // short numbers keep their digits (the engine's minLength turns them into 484)
    ['911', NANP, '+1911'],
    ['5551234', NANP, '+15551234'],
    ['999', UK, '+44999'],
    // not numbers, or not E.164
    ['alice', NANP, undefined],
    ['sip:alice@example.com', NANP, undefined],
    ['sip:example.com', NANP, undefined],
    ['mailto:alice@example.com', NANP, undefined],
    ['', NANP, undefined],
    ['+', NANP, undefined],
    ['12+34', NANP, undefined],
    ['*67', NANP, undefined],
    ['5551234567', undefined, undefined],
    ['+0123456', undefined, undefined],
    ['+1234567890123456', undefined, undefined],
  ];
  for (const [input, ctx, expected] of table) {
    const where = ctx === undefined ? 'no context' : ctx === NANP ? 'NANP' : 'UK';
    it(`${JSON.stringify(input)} (${where}) → ${expected ?? 'undefined'}`, () => {
      assert.equal(normalizeNumber(input, ctx), expected);
    });
  }
});

describe('dialString and toE164', () => {
  it('keeps "*" and "#" in dial strings but toE164 refuses them', () => {
    assert.equal(dialString('*67 555-1234'), '*675551234');
    assert.equal(dialString('#31#'), '#31#');
    assert.equal(toE164('*675551234', NANP), undefined);
  });

  it('tries the international prefix before the national one', () => {
    assert.equal(toE164('0044201234567', UK), '+44201234567');
    assert.equal(toE164('0201234567', UK), '+44201234567');
  });

  it('handles a context without a national prefix', () => {
    assert.equal(toE164('0612345678', { countryCode: '39', nationalPrefix: '', internationalPrefix: '00' }), '+390612345678');
  });
});
