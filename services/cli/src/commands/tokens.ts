import type { TokenInfo } from '@vrouter/client';
import type { Command } from 'commander';
import { UsageError } from './errors.js';
import { leaf, noun, run } from './run.js';
import { formatTable } from './table.js';

/** `read, pins:write` → `['read', 'pins:write']`; throws UsageError when empty. The router validates the names. */
export function parseScopes(text: string): string[] {
  const scopes = [
    ...new Set(
      text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  if (scopes.length === 0) throw new UsageError('--scopes needs at least one scope, e.g. read,pins:write.');
  return scopes;
}

/** The tokens of a list answer, whether wrapped (`{ tokens: [...] }`) or a bare array. */
function tokensOf(answer: unknown): TokenInfo[] {
  if (Array.isArray(answer)) return answer as TokenInfo[];
  const tokens = (answer as { tokens?: unknown } | null)?.tokens;
  return Array.isArray(tokens) ? (tokens as TokenInfo[]) : [];
}

/** `vrouter tokens create|list|revoke`. */
export function registerTokens(program: Command): void {
  const tokens = noun(program, 'tokens', 'Create, list and revoke API tokens.');

  leaf(tokens, 'create', 'Create a token; prints it once, alone on stdout, so TOKEN=$(vrouter tokens create ...) captures it.')
    .argument('<name>', 'token name')
    .requiredOption('--scopes <scopes>', 'comma-separated: events:write, read, pins:write, versions:write, replay, admin')
    .action(
      run<{ scopes: string }>(async (client, [name], options) => {
        const scopes = parseScopes(options.scopes);
        // Unchecked here on purpose: the router names an unknown scope in its answer.
        const answer = await client.tokens.create({ name: name!, scopes: scopes as TokenInfo['scopes'] });
        return { answer, notice: `created token ${answer.name} (${scopes.join(', ')}); it is shown only this once:`, text: () => answer.token };
      }),
    );

  leaf(tokens, 'list', 'List tokens: names and scopes, never their values.').action(
    run(async (client) => {
      const answer = await client.tokens.list();
      const rows = tokensOf(answer);
      return {
        answer,
        text: () =>
          rows.length === 0
            ? 'no tokens'
            : formatTable(
                ['NAME', 'SCOPES', 'CREATED', 'BY'],
                rows.map((t) => [t.name, Array.isArray(t.scopes) ? t.scopes.join(',') : undefined, t.createdAt, t.createdBy]),
              ),
      };
    }),
  );

  leaf(tokens, 'revoke', 'Revoke a token; requests with it are refused from then on.')
    .argument('<name>', 'token name')
    .action(
      run(async (client, [name]) => {
        await client.tokens.revoke(name!);
        return { answer: {}, text: () => `revoked token ${name}` };
      }),
    );
}
