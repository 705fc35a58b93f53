/**
 * The console's operator account: created on first start with a random password (printed once
 * by `stadium start`), changed with `stadium console password`.
 */
import { StadiumError } from '@stadium/protocol';
import type { Clock } from '../../clock/clock.js';
import type { Store } from '../../storage/store.js';
import { generatePassword, hashPassword, weakPasswordReason } from './operator-password.js';

/** Name of the operator account made at first start. */
export const DEFAULT_OPERATOR = 'operator';

/**
 * Make the operator account `name` when the store has none. Returns the new password when it
 * was made now (the caller prints it once; it is never stored or shown again), else undefined.
 */
export async function ensureOperator(store: Store, clock: Clock, name = DEFAULT_OPERATOR): Promise<string | undefined> {
  if (await store.getOperator(name)) return undefined;
  const password = generatePassword();
  const now = clock.now();
  const created = await store.createOperator({ name, passwordHash: await hashPassword(password), createdAt: now, updatedAt: now });
  // Another process (a second worker, a second start) made it first: its password stands.
  return created ? password : undefined;
}

/**
 * Set the password of operator `name` (creating the account if there is none). Rejects with
 * `INVALID_PARAMETER` for a password that is too short or too long.
 */
export async function setOperatorPassword(store: Store, clock: Clock, name: string, password: string): Promise<void> {
  const weak = weakPasswordReason(password);
  if (weak) throw new StadiumError('INVALID_PARAMETER', weak);
  const hash = await hashPassword(password);
  const now = clock.now();
  if (await store.setOperatorPassword(name, hash, now)) return;
  if (!(await store.createOperator({ name, passwordHash: hash, createdAt: now, updatedAt: now }))) await store.setOperatorPassword(name, hash, now);
}
