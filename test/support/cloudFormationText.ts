/** Reading a packaged CloudFormation template's values the same way in every test that checks it. */
type Props = Record<string, unknown>;

/** A value CloudFormation accepts as one item or a list, as a list. */
export const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** One textual form for an ARN however the template writes it: GetAtt and Ref become ${Id.Attr} and ${Id}. */
export const arnText = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const intrinsic = value as Props;
  if ('Fn::GetAtt' in intrinsic) {
    const [id, attribute] = intrinsic['Fn::GetAtt'] as [string, string];
    return `\${${id}.${attribute}}`;
  }
  if ('Ref' in intrinsic) return `\${${String(intrinsic.Ref)}}`;
  if ('Fn::Sub' in intrinsic) {
    const sub = intrinsic['Fn::Sub'];
    return typeof sub === 'string' ? sub : (sub as [string])[0];
  }
  if ('Fn::Join' in intrinsic) {
    const [separator, parts] = intrinsic['Fn::Join'] as [string, unknown[]];
    return parts.map(arnText).join(separator);
  }
  throw new Error(`unexpected ARN form: ${JSON.stringify(value)}`);
};
