/** Function identifiers as Lambda accepts them: name, name:qualifier, partial ARN, full ARN. */
export interface FunctionRef {
  name: string;
  qualifier?: string;
}

const NAME = '([A-Za-z0-9_-]{1,140})';
const QUALIFIER = '(?::(\\$LATEST|[A-Za-z0-9_-]{1,128}))?';
const FULL_ARN = new RegExp(`^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\\d{12}:function:${NAME}${QUALIFIER}$`);
const PARTIAL_ARN = new RegExp(`^\\d{12}:function:${NAME}${QUALIFIER}$`);
const BARE = new RegExp(`^${NAME}${QUALIFIER}$`);

/** undefined when the text is no function identifier at all. A Qualifier query parameter wins over none. */
export const parseFunctionName = (raw: string, queryQualifier?: string): FunctionRef | undefined => {
  const match = FULL_ARN.exec(raw) ?? PARTIAL_ARN.exec(raw) ?? BARE.exec(raw);
  if (!match?.[1]) return undefined;
  const qualifier = match[2] ?? (queryQualifier || undefined);
  return qualifier ? { name: match[1], qualifier } : { name: match[1] };
};

export const functionArn = (region: string, accountId: string, ref: FunctionRef): string =>
  `arn:aws:lambda:${region}:${accountId}:function:${ref.name}${ref.qualifier ? `:${ref.qualifier}` : ''}`;
