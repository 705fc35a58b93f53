import { randomInt } from 'node:crypto';
import { AUTO_GROUP_ID_PREFIX } from '@stadium/protocol';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A new server-assigned live-room ID: `@TGS#a` and nine random characters, like `@TGS#aC72FIKG3`. */
export function newAutoGroupId(): string {
  let id = `${AUTO_GROUP_ID_PREFIX}a`;
  for (let i = 0; i < 9; i++) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
}
