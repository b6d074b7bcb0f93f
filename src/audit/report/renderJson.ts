import type { Evidence } from './evidence';

/** The evidence as machine-readable JSON (two-space indented, newline-terminated). */
export const renderJson = (evidence: Evidence): string => `${JSON.stringify(evidence, null, 2)}\n`;
