import { describe, expect, it } from 'vitest';
import { HostPolicy, hostNameOf, isLoopbackAddress } from './hosts.js';

describe('isLoopbackAddress', () => {
  it('should take only addresses that can only mean this machine as loopback', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '[::1]', 'localhost', 'LOCALHOST', '0:0:0:0:0:0:0:1'])
      expect(isLoopbackAddress(address), address).toBe(true);
    for (const address of ['0.0.0.0', '::', '192.168.1.4', '10.0.0.1', 'example.com', 'localhost.example.com', ''])
      expect(isLoopbackAddress(address), address).toBe(false);
  });
});

describe('hostNameOf', () => {
  it('should read the name of a Host header and refuse what is not one', () => {
    expect(hostNameOf('LocalHost:3000')).toBe('localhost');
    expect(hostNameOf('[::1]:3000')).toBe('[::1]');
    expect(hostNameOf('orch.example.com')).toBe('orch.example.com');
    for (const header of [undefined, '', 'a b', 'evil.example/path', 'user@localhost', 'localhost:99999'])
      expect(hostNameOf(header), String(header)).toBeUndefined();
  });
});

describe('HostPolicy', () => {
  const policy = new HostPolicy(['orch.example.com'], ['https://app.example.com/']);

  it('should answer loopback names and allowed hosts on any port, and nothing else', () => {
    for (const host of ['localhost:3000', '127.0.0.1', '[::1]:5173', 'orch.example.com', 'ORCH.example.com:443'])
      expect(policy.allowsHost(host), host).toBe(true);
    for (const host of [
      undefined,
      'evil.example',
      'evil.example:3000',
      '0.0.0.0:3000',
      'orch.example.com.evil.example',
    ])
      expect(policy.allowsHost(host), String(host)).toBe(false);
  });

  it("should allow no Origin, the server's own origin and CORS origins, and refuse other sites", () => {
    expect(policy.allowsOrigin(undefined, 'localhost:3000')).toBe(true);
    expect(policy.allowsOrigin('http://localhost:3000', 'localhost:3000')).toBe(true);
    expect(policy.allowsOrigin('https://app.example.com', 'localhost:3000')).toBe(true);
    expect(policy.allowsOrigin('http://localhost:5173', 'localhost:3000')).toBe(false);
    expect(policy.allowsOrigin('http://evil.example', 'localhost:3000')).toBe(false);
    expect(policy.allowsOrigin('http://evil.example', 'evil.example')).toBe(true);
    expect(policy.allowsOrigin('null', 'localhost:3000')).toBe(false);
    expect(policy.allowsOrigin('file://localhost:3000', 'localhost:3000')).toBe(false);
  });
});
