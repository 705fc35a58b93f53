/** Schemas the user-level REST commands share: an account ID as the compatible service takes it. */
import { Type } from '@sinclair/typebox';
import { LIMITS } from '@stadium/protocol';

/** A userID schema: 1–32 bytes of printable ASCII without spaces (the same rule as a login). */
export function userIdSchema(description = '1–32 bytes of printable ASCII, no spaces') {
  return Type.String({ minLength: 1, maxLength: LIMITS.maxUserIdBytes, pattern: '^[\\x21-\\x7e]+$', description });
}

/** A userID. */
export const UserId = userIdSchema();
