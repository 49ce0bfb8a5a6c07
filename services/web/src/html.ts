import htm from 'htm';
import { h } from 'preact';

/**
 * Templates as tagged strings, with no JSX build step. Interpolated values are always text or attributes: Preact
 * escapes them, and nothing here ever sets innerHTML, so customer ids and error messages from events (attacker
 * controlled) render as the characters they are.
 */
export const html = htm.bind(h);
