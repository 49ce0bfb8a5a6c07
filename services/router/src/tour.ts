import { relative } from 'node:path';
import type { DevFunction } from './dev-functions.js';

export interface TourInfo {
  url: string;
  token: string;
  seeded: boolean;
  dataDir: string;
  dynamoEndpoint: string;
  lambdaEndpoint: string;
  functions?: readonly DevFunction[];
}

/** The lines dev mode prints: where things run, the admin token, and commands that show routing at work. */
export function tour(info: TourInfo): string[] {
  const run = Date.now().toString(36);
  const auth = '-H "Authorization: Bearer $VROUTER_TOKEN"';
  const post = (customer: string) =>
    `curl -s -X POST "$VROUTER_URL/v1/events?wait=true" ${auth} -H 'content-type: application/cloudevents+json' -d '{"specversion":"1.0","id":"tour-${customer}-${run}","source":"/tour","type":"release.requested","customerid":"${customer}"}'`;
  const dataDir = relative(process.cwd(), info.dataDir) || '.';
  return [
    '',
    `Version Router (dev) is listening on ${info.url}`,
    `  store:  embedded DynamoDB-compatible server at ${info.dynamoEndpoint}, data in ${dataDir}/ (${info.seeded ? 'example seeded' : 'existing data kept'})`,
    `  lambda: local Lambda endpoint at ${info.lambdaEndpoint} serving release-coordinator v1/v2/v3/v4 and builder v7`,
    ...(info.functions ?? []).map((f) =>
      f.qualifier === undefined
        ? `          and your function ${f.functionName} (any qualifier, e.g. --lambda ${f.functionName}:1) from ${f.path}`
        : `          and your function ${f.functionName}:${f.qualifier} (--lambda ${f.functionName}:${f.qualifier}) from ${f.path}`,
    ),
    '',
    `Admin token (every scope): ${info.token}`,
    `Web page: ${info.url}/ui/ (paste the token to sign in)`,
    '',
    'Tour: paste into another terminal.',
    `  export VROUTER_URL=${info.url} VROUTER_TOKEN=${info.token}`,
    '',
    '  # 1. acme has no pin, so it gets the stable channel (v1); globex is pinned to beta (v2).',
    `  curl -s ${auth} "$VROUTER_URL/v1/resolve?component=release-coordinator&customer=acme"`,
    `  curl -s ${auth} "$VROUTER_URL/v1/resolve?component=release-coordinator&customer=globex"`,
    '',
    '  # 2. The same kind of event from each customer reaches a different version (see "version" and "status").',
    `  ${post('acme')}`,
    `  ${post('globex')}`,
    '',
    '  # 3. Post the globex event again: "duplicate", and nothing is dispatched twice.',
    `  ${post('globex')}`,
    '',
    "  # 4. What happened to it: the decision, the outcome and the version's answer.",
    `  curl -s ${auth} "$VROUTER_URL/v1/events/%2Ftour/tour-globex-${run}"`,
    '',
    '  # 5. Pin acme to the experimental channel (v3), then ask again.',
    `  curl -s -X PUT ${auth} -H 'content-type: application/json' "$VROUTER_URL/v1/pins/customer/acme/release-coordinator" -d '{"channel":"experimental","reason":"tour"}'`,
    `  curl -s ${auth} "$VROUTER_URL/v1/resolve?component=release-coordinator&customer=acme"`,
    '',
    'Ctrl-C stops everything; the data stays for the next start.',
    '',
  ];
}
