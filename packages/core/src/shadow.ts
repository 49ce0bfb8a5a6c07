import { createHash } from 'node:crypto';
import type { ShadowConfig } from './model.js';

/**
 * Whether a customer's events for `component` are mirrored to the shadow version: a stable hash of the pair
 * puts each customer at a point in [0, 100), so raising the percentage only ever adds customers.
 */
export function inShadowSample(shadow: ShadowConfig | undefined, component: string, customer: string | undefined): boolean {
  if (!shadow || shadow.percent <= 0) return false;
  if (shadow.percent >= 100) return true;
  const digest = createHash('sha256')
    .update(component)
    .update('\u0000')
    .update(customer ?? '')
    .digest();
  return (digest.readUInt32BE(0) / 0x1_0000_0000) * 100 < shadow.percent;
}
