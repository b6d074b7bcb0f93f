import { type Json, type KmsContext, stringMember } from '../context';
import { resolveKey } from '../keyIds';
import { keyMetadata } from '../keyMetadata';

export const describeKey = (context: KmsContext, input: Json): Json => ({
  KeyMetadata: keyMetadata(resolveKey(context.store, context.home, stringMember(input, 'KeyId') ?? ''), context.home),
});
