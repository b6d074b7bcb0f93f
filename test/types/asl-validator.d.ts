/** asl-validator 4.0.0 ships JavaScript only; this is the part of its API the tests use. */
declare module 'asl-validator' {
  interface AslValidationError {
    'Error code': string;
    Message: string;
    path?: string;
  }

  interface AslValidationResult {
    isValid: boolean;
    errors: AslValidationError[];
    errorsText(separator?: string): string;
  }

  interface AslValidatorOptions {
    checkPaths?: boolean;
    checkArn?: boolean;
  }

  function aslValidator(definition: unknown, options?: AslValidatorOptions): AslValidationResult;
  export = aslValidator;
}
