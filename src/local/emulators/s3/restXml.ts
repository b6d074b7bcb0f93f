import { XMLParser } from 'fast-xml-parser';
import { escapeXml } from '../awsQuery/xml';
import type { ServiceModel } from '../models';
import { type MemberRef, shapeNamed } from '../models/serviceModel';
import { malformedXml } from './errors';

/**
 * S3's REST-XML protocol, driven by S3's own model (aws-models/): an operation's output, built as an
 * object of the model's member names with their values as text, is written to the headers and the XML
 * body its shape binds each member to; an XML request payload is read back into the same kind of object.
 * So the members the emulator answers with are the ones the model checks, and their wire names cannot drift.
 */

export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

export type Members = Record<string, unknown>;

export interface RestXmlAnswer {
  headers: Record<string, string>;
  body: Buffer;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : String(value));

const element = (model: ServiceModel, name: string, shapeName: string, value: unknown, namespace = ''): string => {
  const shape = shapeNamed(model, shapeName);
  const open = `<${name}${namespace ? ` xmlns="${namespace}"` : ''}>`;
  if (shape.type !== 'structure') return `${open}${escapeXml(text(value))}</${name}>`;
  const members = value as Members;
  const children = Object.entries(shape.members ?? {})
    .filter(([member]) => members[member] !== undefined)
    .map(([member, ref]) => memberXml(model, member, ref, members[member]))
    .join('');
  return `${open}${children}</${name}>`;
};

const memberXml = (model: ServiceModel, member: string, ref: MemberRef, value: unknown): string => {
  const shape = shapeNamed(model, ref.shape);
  const name = ref.locationName ?? member;
  if (shape.type !== 'list') return element(model, name, ref.shape, value);
  const item = shape.member as MemberRef;
  const items = value as unknown[];
  if (shape.flattened || ref.flattened) return items.map((entry) => element(model, item.locationName ?? name, item.shape, entry)).join('');
  return `<${name}>${items.map((entry) => element(model, item.locationName ?? 'member', item.shape, entry)).join('')}</${name}>`;
};

/**
 * The wire form of an output: header-bound members as headers (`headers` maps prefix them), the payload
 * member as the body (bytes, or one XML element), other members as children of `<rootElement>`.
 */
export const writeOutput = (model: ServiceModel, shapeName: string | undefined, output: Members, rootElement?: string): RestXmlAnswer => {
  const headers: Record<string, string> = {};
  if (shapeName === undefined) return { headers, body: Buffer.alloc(0) };
  const shape = shapeNamed(model, shapeName);
  let body = Buffer.alloc(0);
  const inBody: string[] = [];
  for (const [member, ref] of Object.entries(shape.members ?? {})) {
    const value = output[member];
    if (value === undefined) continue;
    if (ref.location === 'header') headers[ref.locationName ?? member] = text(value);
    else if (ref.location === 'headers') {
      for (const [key, entry] of Object.entries(value as Record<string, string>)) headers[`${ref.locationName ?? ''}${key}`] = entry;
    } else if (ref.location !== undefined) continue;
    else if (member === shape.payload) {
      body =
        shapeNamed(model, ref.shape).type === 'blob'
          ? Buffer.from(value as Uint8Array)
          : Buffer.from(element(model, ref.locationName ?? member, ref.shape, value, S3_NAMESPACE));
    } else inBody.push(memberXml(model, member, ref, value));
  }
  if (rootElement !== undefined) body = Buffer.from(`<${rootElement} xmlns="${S3_NAMESPACE}">${inBody.join('')}</${rootElement}>`);
  return { headers, body };
};

const parser = new XMLParser({ ignoreAttributes: true, removeNSPrefix: true, parseTagValue: false, trimValues: true });

const asArray = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

const fromXml = (model: ServiceModel, shapeName: string, node: unknown): unknown => {
  const shape = shapeNamed(model, shapeName);
  if (shape.type !== 'structure') return typeof node === 'string' ? node : malformed();
  if (node === '') return {};
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return malformed();
  const source = node as Members;
  const out: Members = {};
  for (const [member, ref] of Object.entries(shape.members ?? {})) {
    const wire = source[ref.locationName ?? member];
    if (wire === undefined) continue;
    const memberShape = shapeNamed(model, ref.shape);
    if (memberShape.type === 'list') {
      const item = memberShape.member as MemberRef;
      const entries = memberShape.flattened || ref.flattened ? asArray(wire) : asArray((wire as Members)[item.locationName ?? 'member']);
      out[member] = entries.map((entry) => fromXml(model, item.shape, entry));
    } else if (Array.isArray(wire)) return malformed();
    else out[member] = fromXml(model, ref.shape, wire);
  }
  return out;
};

const malformed = (): never => {
  throw malformedXml();
};

/**
 * An XML payload read as the members of its shape (scalars stay text), or undefined for an empty body.
 * A body that is not XML, or whose root is not `rootElement`, is MalformedXML, as S3 answers it.
 */
export const readPayload = (model: ServiceModel, shapeName: string, rootElement: string, body: Buffer): Members | undefined => {
  if (body.length === 0) return undefined;
  let parsed: unknown;
  try {
    parsed = parser.parse(body.toString('utf8'), true);
  } catch {
    return malformed();
  }
  const root = (parsed as Members)[rootElement];
  if (root === undefined) return malformed();
  return fromXml(model, shapeName, root) as Members;
};
