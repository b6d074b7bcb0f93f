import type { AwsQueryError } from './awsQueryError';

/** The XML an awsQuery service (SNS, STS) answers with: <Action>Response/<Action>Result, and ErrorResponse/Error. */

/** Elements in order; a nested object is a nested element. */
export interface XmlFields {
  [name: string]: string | XmlFields;
}

export const escapeXml = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

const elements = (fields: XmlFields): string =>
  Object.entries(fields)
    .map(([name, value]) => `<${name}>${typeof value === 'string' ? escapeXml(value) : elements(value)}</${name}>`)
    .join('');

/** `fields` become the elements of <ActionResult>, in the service's namespace. */
export const resultXml = (namespace: string, action: string, fields: XmlFields, requestId: string): string =>
  `<${action}Response xmlns="${namespace}">` +
  `<${action}Result>${elements(fields)}</${action}Result>` +
  `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata>` +
  `</${action}Response>`;

export const errorXml = (namespace: string, error: AwsQueryError, requestId: string): string =>
  `<ErrorResponse xmlns="${namespace}">` +
  `<Error><Type>${error.type}</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
  `<RequestId>${escapeXml(requestId)}</RequestId>` +
  `</ErrorResponse>`;
