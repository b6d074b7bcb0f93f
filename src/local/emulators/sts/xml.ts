/** The XML STS answers with (awsQuery): <Action>Response/<Action>Result, and ErrorResponse/Error. */

export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

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

export const resultXml = (action: string, fields: XmlFields, requestId: string): string =>
  `<${action}Response xmlns="${STS_NAMESPACE}">` +
  `<${action}Result>${elements(fields)}</${action}Result>` +
  `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata>` +
  `</${action}Response>`;

export const errorXml = (type: 'Sender' | 'Receiver', code: string, message: string, requestId: string): string =>
  `<ErrorResponse xmlns="${STS_NAMESPACE}">` +
  `<Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error>` +
  `<RequestId>${escapeXml(requestId)}</RequestId>` +
  `</ErrorResponse>`;
