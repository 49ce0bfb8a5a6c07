/** A message attribute as SendMessage takes it and ReceiveMessage answers it (binary values base64, as on the wire). */
export interface SqsMessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

/** What happened to a message, recorded by the server in order for tests to assert on. */
export type SqsHistoryKind = 'sent' | 'received' | 'deleted' | 'delete-stale' | 'visibility' | 'moved';

export interface SqsHistoryEntry {
  kind: SqsHistoryKind;
  queue: string;
  messageId: string;
  /** The message's receive count after the event (for `received`, the count this delivery reports). */
  receiveCount: number;
  /** For `visibility`: the new timeout; for `moved`: the dead-letter queue's name. */
  detail?: string | number;
  /** Epoch milliseconds. */
  at: number;
}

/** A message as the server holds it, for tests to look at without receiving it. */
export interface SqsStoredMessage {
  messageId: string;
  body: string;
  receiveCount: number;
  state: 'visible' | 'in-flight' | 'delayed';
}

/** An API error to answer with, e.g. `{ type: 'InternalError' }` (500) or `{ type: 'RequestThrottled' }` (403). */
export interface SqsErrorSpec {
  type: string;
  status?: number;
  message?: string;
  /** Only calls of this operation (e.g. `ReceiveMessage`) take the fault; default any. */
  operation?: string;
  /** Only calls naming this queue (by name, in QueueUrl or QueueName) take the fault; default any. */
  queue?: string;
}
