import type { AwsQueryError } from './awsQueryError';

/** The XML an awsQuery service (SNS, STS) answers with: <Action>Response/<Action>Result, and ErrorResponse/Error. */

/** Elements in order; a nested object is a nested element, a list one <member> element per item (CloudFormation's Stacks). */
export interface XmlFields {
  [name: string]: XmlValue;
}

export type XmlValue = string | XmlFields | XmlValue[];

export const escapeXml = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

const content = (value: XmlValue): string => {
  if (typeof value === 'string') return escapeXml(value);
  if (Array.isArray(value)) return value.map((item) => `<member>${content(item)}</member>`).join('');
  return elements(value);
};

const elements = (fields: XmlFields): string =>
  Object.entries(fields)
    .map(([name, value]) => `<${name}>${content(value)}</${name}>`)
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
