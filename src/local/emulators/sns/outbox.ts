import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MessageAttributeValue } from './publishRequest';

/** One published message: also one JSON line of the outbox file. */
export interface PublishedMessage {
  messageId: string;
  topicArn: string;
  subject?: string;
  message: string;
  messageAttributes: Record<string, MessageAttributeValue>;
  messageStructure?: string;
  messageGroupId?: string;
  messageDeduplicationId?: string;
  publishedAt: string;
}

/**
 * Published messages, in memory and (with a path) appended to a JSON-lines file. A file that
 * already exists is read at start, so the list survives a restart on the same outbox.
 */
export class Outbox {
  private readonly messages: PublishedMessage[] = [];

  constructor(readonly path?: string) {
    if (path && existsSync(path)) {
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        if (line.trim() !== '') this.messages.push(JSON.parse(line) as PublishedMessage);
      }
    }
  }

  append(message: PublishedMessage): void {
    if (this.path) {
      mkdirSync(dirname(this.path), { recursive: true });
      appendFileSync(this.path, `${JSON.stringify(message)}\n`, 'utf8');
    }
    this.messages.push(message);
  }

  list(): PublishedMessage[] {
    return [...this.messages];
  }
}
