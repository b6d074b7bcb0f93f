import { invalidParameter } from './errors';

const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

/** The topics that exist, by ARN, in one region and account. */
export class Topics {
  private readonly arns = new Set<string>();

  constructor(
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  arn(name: string): string {
    return `arn:aws:sns:${this.region}:${this.accountId}:${name}`;
  }

  /** Creates a topic (idempotent) and returns its ARN; InvalidParameter for a name SNS does not take. */
  create(name: string): string {
    if (!TOPIC_NAME.test(name)) throw invalidParameter('Invalid parameter: Topic Name');
    const arn = this.arn(name);
    this.arns.add(arn);
    return arn;
  }

  has(arn: string): boolean {
    return this.arns.has(arn);
  }

  add(arn: string): void {
    this.arns.add(arn);
  }
}
