import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { parseDuration } from './duration.js';
import { UsageError } from './errors.js';
import { leaf, noun, run } from './run.js';

/** `release-coordinator=v3` → `['release-coordinator', 'v3']`, collected into one map; the router checks the names. */
export function collectComponent(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0 || eq === value.length - 1) throw new UsageError(`--component takes <component>=<version>, e.g. release-coordinator=v3; got ${JSON.stringify(value)}.`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

const shellQuote = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;

/** A curl command that posts one event carrying the override to the router at `url` (the token from VROUTER_TOKEN). */
export function curlLine(url: string, token: string, event: { type: string; customer: string }): string {
  const body = { specversion: '1.0', id: `override-${randomUUID()}`, source: '/vrouter-cli', type: event.type, customerid: event.customer, vrouteroverride: token };
  return `curl -s -X POST ${shellQuote(`${url.replace(/\/$/, '')}/v1/events?wait=true`)} -H "Authorization: Bearer $VROUTER_TOKEN" -H 'content-type: application/cloudevents+json' -d ${shellQuote(JSON.stringify(body))}`;
}

/** `vrouter override create|rotate-key`. */
export function registerOverride(program: Command): void {
  const override = noun(program, 'override', 'Per-event override tokens for previews, QA and support, and the key that signs them.');

  leaf(override, 'create', 'Mint a token that sends events carrying it to these versions, above every pin; prints it and a ready curl line.')
    .requiredOption('--component <component=version>', 'a component and the registered version its events go to (repeatable)', collectComponent)
    .requiredOption('--ttl <duration>', 'how long the token lasts, e.g. 30m, 1h, 2d (at most the router’s VROUTER_OVERRIDE_MAX_TTL_SECONDS)')
    .option('--subject <subject>', 'who or what it is for (a preview, a ticket); shown in decisions and spans')
    .option('--reason <reason>', 'why, for the audit log')
    .option('--event-type <type>', 'the event type of the example curl line', 'release.requested')
    .option('--customer <customer>', 'the customer of the example curl line', 'acme')
    .action(
      run<{ component: Record<string, string>; ttl: string; subject?: string; reason?: string; eventType: string; customer: string }>(async (client, _args, options) => {
        const ttlSeconds = Math.ceil(parseDuration(options.ttl) / 1000);
        const answer = await client.overrides.create({
          versions: options.component,
          ttlSeconds,
          ...(options.subject !== undefined ? { subject: options.subject } : {}),
          ...(options.reason !== undefined ? { reason: options.reason } : {}),
        });
        const what = Object.entries(options.component)
          .map(([c, v]) => `${c} → ${v}`)
          .join(', ');
        return {
          answer,
          notice: `override until ${answer.expiresAt}: ${what}. Post an event with it:\n${curlLine(options.url, answer.token, { type: options.eventType, customer: options.customer })}\nThe token:`,
          text: () => answer.token,
        };
      }),
    );

  leaf(override, 'rotate-key', 'Replace the key that signs override tokens and chain contexts; the previous key still verifies for its grace period.')
    .option('--reason <reason>', 'why, for the audit log')
    .action(
      run<{ reason?: string }>(async (client, _args, options) => {
        const answer = await client.overrides.rotateKey(options.reason !== undefined ? { reason: options.reason } : {});
        return {
          answer,
          text: () => `signing key ${answer.keyId} is current${answer.previousKeyId ? `; ${answer.previousKeyId} still verifies until ${answer.previousValidUntil}` : ''}`,
        };
      }),
    );
}
