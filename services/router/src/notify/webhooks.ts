import { type AuditEntry, backoffDelay, type RetryPolicy } from '@vrouter/core';
import type { ChangeNotifier, Logger } from '@vrouter/engine';
import { NOTIFIED_ACTIONS, webhookBody } from './message.js';

export interface WebhookNotifierOptions {
  urls: string[];
  logger: Logger;
  retry?: RetryPolicy;
  timeoutMs?: number;
  /** Deliveries waiting per URL at most; beyond it the oldest is dropped (and said so). */
  maxQueue?: number;
}

interface Delivery {
  body: string;
  attempt: number;
}

/**
 * Posts pin, channel, version and shadow changes to webhooks (Slack incoming webhooks render the `text`), one
 * queue per URL, in order, retried with backoff and jitter. Runs after the admin request has answered. URLs
 * often carry secrets, so logs name a webhook by its position, never its URL.
 */
export class WebhookNotifier implements ChangeNotifier {
  private readonly queues: Delivery[][];
  private readonly running: (Promise<void> | undefined)[];
  private closing = false;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: WebhookNotifierOptions) {
    this.queues = options.urls.map(() => []);
    this.running = options.urls.map(() => undefined);
    this.retry = options.retry ?? { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000 };
  }

  notify(entries: AuditEntry[]): void {
    const relevant = entries.filter((e) => NOTIFIED_ACTIONS.test(e.action));
    if (relevant.length === 0 || this.closing) return;
    const body = JSON.stringify(webhookBody(relevant));
    this.options.urls.forEach((_, i) => {
      const queue = this.queues[i]!;
      if (queue.length >= (this.options.maxQueue ?? 1000)) {
        queue.shift();
        this.options.logger.warn({ webhook: i }, 'webhook queue full: dropped the oldest notification');
      }
      queue.push({ body, attempt: 0 });
      this.running[i] ??= this.drain(i).finally(() => {
        this.running[i] = undefined;
      });
    });
  }

  /** Lets queued notifications go out for a moment, then gives up on the rest (shutdown must not hang on a webhook). */
  async close(graceMs = 2000): Promise<void> {
    this.closing = true;
    await Promise.race([Promise.allSettled(this.running.filter(Boolean)), new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
  }

  private async drain(i: number): Promise<void> {
    const queue = this.queues[i]!;
    for (let delivery = queue[0]; delivery; delivery = queue[0]) {
      delivery.attempt += 1;
      const error = await this.post(this.options.urls[i]!, delivery.body);
      if (error === undefined || delivery.attempt >= this.retry.maxAttempts || this.closing) {
        if (error !== undefined) this.options.logger.warn({ webhook: i, attempts: delivery.attempt, error }, 'webhook notification not delivered; giving up on it');
        queue.shift();
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(this.retry, delivery.attempt)).unref());
    }
  }

  /** Undefined on success, else why it failed (no URL in it). */
  private async post(url: string, body: string): Promise<string | undefined> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      await response.arrayBuffer();
      return response.ok ? undefined : `HTTP ${response.status}`;
    } catch (error) {
      return error instanceof Error ? error.name : 'network error';
    }
  }
}
