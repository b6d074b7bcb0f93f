export type Substitutions = Record<string, string | number | boolean>;

/**
 * CloudFormation's DefinitionSubstitutions: every ${Key} in the definition text is replaced by the value's text,
 * as is (comments included), so a value may also be a number or a JSON fragment. Unknown keys stay as written.
 */
export const applySubstitutions = (definition: string, substitutions: Substitutions): string =>
  definition.replace(/\$\{([^}]+)\}/g, (whole, key: string) =>
    Object.prototype.hasOwnProperty.call(substitutions, key) ? String(substitutions[key]) : whole,
  );
