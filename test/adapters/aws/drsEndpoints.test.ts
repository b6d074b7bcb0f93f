import { cachedEndpoints, drsEndpoints, type DrsEndpointResolver } from '../../../src/adapters/aws/drsEndpoints';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultEndpointResolver } = require('@aws-sdk/client-drs/dist-cjs/endpoint/endpointResolver') as {
  defaultEndpointResolver: DrsEndpointResolver;
};

describe('DRS endpoints', () => {
  it('evaluates the rules once per set of parameters, and again for another', () => {
    const resolve = jest.fn(defaultEndpointResolver);
    const endpoints = cachedEndpoints(resolve);
    const home = { Region: 'us-east-1', UseFIPS: false, UseDualStack: false };
    for (let call = 0; call < 5; call += 1) expect(endpoints({ ...home }).url.href).toBe('https://drs.us-east-1.amazonaws.com/');
    expect(resolve).toHaveBeenCalledTimes(1);
    expect(endpoints({ ...home, Region: 'eu-west-1' }).url.href).toBe('https://drs.eu-west-1.amazonaws.com/');
    expect(endpoints({ ...home, UseFIPS: true }).url.href).toBe('https://drs-fips.us-east-1.amazonaws.com/');
    expect(endpoints({ ...home, Endpoint: 'http://127.0.0.1:4566' }).url.href).toBe('http://127.0.0.1:4566/');
    expect(resolve).toHaveBeenCalledTimes(4);
  });

  it('does not remember parameters the rules refuse', () => {
    const resolve = jest.fn(defaultEndpointResolver);
    const endpoints = cachedEndpoints(resolve);
    const refused = { Region: 'us-east-1', UseFIPS: true, Endpoint: 'http://127.0.0.1:4566' };
    expect(() => endpoints(refused)).toThrow('FIPS and custom endpoint are not supported');
    expect(() => endpoints(refused)).toThrow('FIPS and custom endpoint are not supported');
    expect(resolve).toHaveBeenCalledTimes(2);
  });

  it("answers as client-drs's own resolver does", () => {
    for (const params of [
      { Region: 'us-west-2', UseFIPS: false, UseDualStack: true },
      { Region: 'cn-north-1', UseFIPS: false, UseDualStack: false },
      { Region: 'us-gov-west-1', UseFIPS: true, UseDualStack: false },
    ]) {
      expect(drsEndpoints(params)).toEqual(defaultEndpointResolver(params));
    }
  });
});
