export * from './evidence';
export { buildEvidence } from './buildEvidence';
export type { EvidenceResult } from './buildEvidence';
export { evidenceFromEvents } from './evidenceFromEvents';
export { renderHtml } from './renderHtml';
export { renderJson } from './renderJson';
export { renderMarkdown } from './renderMarkdown';
