/** One of a Publish's MessageAttributes, as SNS takes it (and as the outbox keeps it). */
export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  /** Base64, as it came on the wire. */
  BinaryValue?: string;
}
