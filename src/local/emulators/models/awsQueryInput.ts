import { type MemberRef, type ServiceModel, shapeNamed } from './serviceModel';

/**
 * An awsQuery request (form-encoded: `Name=value`, lists as `Name.member.N`, maps as
 * `Name.entry.N.key` / `.value`, nested structures as `Name.Member`) read into an object along the
 * operation's input shape, so it can be checked like a JSON one. Scalars stay text; `Action` and
 * `Version` are the protocol's, not members.
 */
export const awsQueryInput = (model: ServiceModel, shapeName: string, params: URLSearchParams): Record<string, unknown> => {
  const keys = [...params.keys()];
  const present = (prefix: string): boolean => params.has(prefix) || keys.some((key) => key.startsWith(`${prefix}.`));

  const read = (name: string, prefix: string, ref?: MemberRef): unknown => {
    const shape = shapeNamed(model, name);
    switch (shape.type) {
      case 'structure': {
        if (prefix !== '' && !present(prefix)) return undefined;
        const out: Record<string, unknown> = {};
        for (const [member, memberRef] of Object.entries(shape.members ?? {})) {
          const wireName = memberRef.locationName ?? member;
          const value = read(memberRef.shape, prefix ? `${prefix}.${wireName}` : wireName, memberRef);
          if (value !== undefined) out[member] = value;
        }
        return out;
      }
      case 'list': {
        if (!present(prefix)) return undefined;
        const member = shape.member as MemberRef;
        const flattened = shape.flattened || ref?.flattened;
        const items: unknown[] = [];
        for (let n = 1; ; n += 1) {
          const item = read(member.shape, flattened ? `${prefix}.${n}` : `${prefix}.${member.locationName ?? 'member'}.${n}`, member);
          if (item === undefined) break;
          items.push(item);
        }
        return items;
      }
      case 'map': {
        if (!present(prefix)) return undefined;
        const key = shape.key as MemberRef;
        const value = shape.value as MemberRef;
        const entries: Record<string, unknown> = {};
        for (let n = 1; ; n += 1) {
          const entry = shape.flattened || ref?.flattened ? `${prefix}.${n}` : `${prefix}.entry.${n}`;
          const entryKey = params.get(`${entry}.${key.locationName ?? 'key'}`);
          if (entryKey === null) break;
          entries[entryKey] = read(value.shape, `${entry}.${value.locationName ?? 'value'}`, value);
        }
        return entries;
      }
      default:
        return params.get(prefix) ?? undefined;
    }
  };

  return read(shapeName, '') as Record<string, unknown>;
};
