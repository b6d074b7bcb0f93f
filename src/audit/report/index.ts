export * from './evidence';
export { buildEvidence } from './buildEvidence';
export type { EvidenceOptions, EvidenceResult } from './buildEvidence';
export { digestEvidenceOf } from './digestStatus';
export type { DigestChainInput } from './digestStatus';
export { evidenceFromEvents } from './evidenceFromEvents';
export { renderHtml } from './renderHtml';
export { renderJson } from './renderJson';
export { renderMarkdown } from './renderMarkdown';
