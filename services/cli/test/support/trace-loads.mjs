// Preloaded with `node --import`: records every module URL the process resolves, one a line, to $VROUTER_TRACE_FILE.
import { register } from 'node:module';

register('./trace-hooks.mjs', import.meta.url, { data: { file: process.env.VROUTER_TRACE_FILE } });
