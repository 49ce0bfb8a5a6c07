import { spawn } from 'node:child_process';
import { startDynamoDbLocal } from '../src/dynamodb-local.js';

/**
 * Runs a command (the test runner) against one DynamoDB Local for all test files: starts it on a free loopback
 * port, passes its endpoint as VROUTER_TEST_DYNAMODB_LOCAL, stops it afterwards, and exits with the command's code.
 */
const [command, ...args] = process.argv.slice(2);
if (!command) throw new Error('usage: with-dynamodb-local.ts <command> [args...]');
const local = await startDynamoDbLocal();
process.stdout.write(`# store: DynamoDB Local at ${local.endpoint}\n`);
const code = await new Promise<number>((resolve) => {
  const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, VROUTER_TEST_DYNAMODB_LOCAL: local.endpoint } });
  child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
});
await local.close();
process.exit(code);
