import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { type AddressPolicy, describeRefusal } from '@vrouter/core';

/** The code of a connection refused because the target's host resolved to a forbidden address. */
export const TARGET_ADDRESS_FORBIDDEN = 'VR_TARGET_ADDRESS_FORBIDDEN';

/** Resolves a host name to every address it has; tests inject one that answers without DNS. */
export type HostResolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: HostResolver = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));

function forbidden(hostname: string, address: string, reason: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${hostname} resolved to ${address}: ${reason}; nothing was sent.`);
  error.code = TARGET_ADDRESS_FORBIDDEN;
  return error;
}

/**
 * A `lookup` for net/tls.connect that resolves the host itself and checks every address it resolved to before the
 * socket connects to any of them: the address checked is the address connected to, so a name that answers with a
 * public address at registration and a private one later (DNS rebinding) is refused at connect time.
 */
export function guardedLookup(policy: AddressPolicy, resolve: HostResolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (all) => {
        for (const { address } of all) {
          const refusal = policy.addressAllowed(address, hostname);
          if (refusal) return callback(forbidden(hostname, address, describeRefusal(refusal)), '', 0);
        }
        const family = typeof options === 'number' ? options : options.family;
        const wanted =
          family === 4 || family === 6 || family === 'IPv4' || family === 'IPv6' ? all.filter((a) => a.family === (family === 'IPv4' ? 4 : family === 'IPv6' ? 6 : family)) : all;
        if (wanted.length === 0) return callback(Object.assign(new Error(`${hostname} has no address of the asked family.`), { code: 'ENOTFOUND' }), '', 0);
        if (typeof options === 'object' && options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, wanted);
        return callback(null, wanted[0]!.address, wanted[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}
