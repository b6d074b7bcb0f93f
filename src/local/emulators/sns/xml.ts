/** The XML SNS answers with (awsQuery): <Action>Response/<Action>Result, and ErrorResponse/Error. */

const NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';

export const escapeXml = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** `fields` become <Name>value</Name> inside <ActionResult>. */
export const resultXml = (action: string, fields: Record<string, string>, requestId: string): string => {
  const inner = Object.entries(fields)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  return (
    `<${action}Response xmlns="${NAMESPACE}">` +
    `<${action}Result>${inner}</${action}Result>` +
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata>` +
    `</${action}Response>`
  );
};

export const errorXml = (type: 'Sender' | 'Receiver', code: string, message: string, requestId: string): string =>
  `<ErrorResponse xmlns="${NAMESPACE}">` +
  `<Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error>` +
  `<RequestId>${escapeXml(requestId)}</RequestId>` +
  `</ErrorResponse>`;
