/**
 * A packaged template as CloudFormation would deploy it. Its Conditions compare values osls wrote at package time
 * (the stage's params), so they are decided here: a resource whose Condition is false is left out, each Fn::If
 * becomes the branch its condition picks, and Ref AWS::NoValue disappears where it stands (a property or a list
 * item), as CloudFormation does. Fn::Split of a literal string is split (CloudFormation's Fn::Split of '' gives
 * ['']). Anything else a condition uses (a Ref to a parameter, another function) throws: these templates have no
 * Parameters, and a condition that could not be decided here could not be tested either.
 */
type Props = Record<string, unknown>;

export interface PackagedTemplate {
  Conditions?: Record<string, unknown>;
  Resources: Record<string, object>;
}

const NO_VALUE = Symbol('AWS::NoValue');

const onlyKey = (value: unknown): string | undefined => {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 ? keys[0] : undefined;
};

const deciderOf = (conditions: Record<string, unknown>) => {
  const decided = new Map<string, boolean>();
  const literal = (value: unknown): string => {
    if (typeof value === 'string') return value;
    throw new Error(`a condition compares ${JSON.stringify(value)}, which is not a package-time literal`);
  };
  const evaluate = (value: unknown): boolean => {
    const key = onlyKey(value);
    const argument = key === undefined ? undefined : (value as Props)[key];
    const operands = Array.isArray(argument) ? argument : [];
    switch (key) {
      case 'Fn::Equals':
        return literal(operands[0]) === literal(operands[1]);
      case 'Fn::Not':
        return !evaluate(operands[0]);
      case 'Fn::And':
        return operands.every(evaluate);
      case 'Fn::Or':
        return operands.some(evaluate);
      case 'Condition':
        return decide(String(argument));
      default:
        throw new Error(`condition ${JSON.stringify(value)} is not read by this evaluator`);
    }
  };
  const decide = (name: string): boolean => {
    const known = decided.get(name);
    if (known !== undefined) return known;
    if (!(name in conditions)) throw new Error(`condition ${name} is not in the template's Conditions`);
    const result = evaluate(conditions[name]);
    decided.set(name, result);
    return result;
  };
  return decide;
};

/** The template with its conditions applied (see the module's comment). */
export const deployedTemplate = <T extends PackagedTemplate>(template: T): T => {
  const decide = deciderOf(template.Conditions ?? {});
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve).filter((item) => item !== NO_VALUE);
    if (!value || typeof value !== 'object') return value;
    const props = value as Props;
    const key = onlyKey(props);
    if (key === 'Fn::If') {
      const [name, whenTrue, whenFalse] = props[key] as [string, unknown, unknown];
      return resolve(decide(name) ? whenTrue : whenFalse);
    }
    if (key === 'Ref' && props.Ref === 'AWS::NoValue') return NO_VALUE;
    if (key === 'Fn::Split') {
      const [separator, source] = props[key] as [string, unknown];
      const text = resolve(source);
      return typeof text === 'string' ? text.split(separator) : { [key]: [separator, text] };
    }
    return Object.fromEntries(
      Object.entries(props)
        .map(([name, inner]) => [name, resolve(inner)] as const)
        .filter(([, inner]) => inner !== NO_VALUE),
    );
  };
  const resources = Object.fromEntries(
    Object.entries(template.Resources)
      .filter(([, candidate]) => {
        const condition = (candidate as { Condition?: string }).Condition;
        return condition === undefined || decide(condition);
      })
      .map(([id, candidate]) => [id, resolve(candidate)]),
  );
  return { ...template, Resources: resources };
};
