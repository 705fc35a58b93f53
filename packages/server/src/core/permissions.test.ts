import { StadiumError } from '@stadium/protocol';
import { describe, expect, it } from 'vitest';
import { authorize, PERMISSIONS, roleOf, ROOM_ROLES, type Operation } from './permissions.js';

describe('permission table', () => {
  it('allows exactly the listed roles and refuses the rest with the registry error', () => {
    for (const op of Object.keys(PERMISSIONS) as Operation[]) {
      for (const role of ROOM_ROLES) {
        const allowed = PERMISSIONS[op].roles.includes(role);
        let error: unknown;
        try {
          authorize(op, role);
        } catch (e) {
          error = e;
        }
        if (allowed) expect(error, `${op} ${role}`).toBeUndefined();
        else {
          expect(error, `${op} ${role}`).toBeInstanceOf(StadiumError);
          // A guest is told to log in where a logged-in user could act; app-admin-only operations are NO_PERMISSION for everyone.
          const userCould = PERMISSIONS[op].roles.some((r) => r !== 'appAdmin');
          expect((error as StadiumError).reason, `${op} ${role}`).toBe(role === 'guest' && userCould ? 'NOT_LOGGED_IN' : (PERMISSIONS[op].refusal ?? 'NO_PERMISSION'));
        }
      }
    }
  });

  it('derives the role from the actor and the room record', () => {
    const record = { ownerId: 'host' };
    expect(roleOf({ userId: 'administrator', kind: 'app-admin' }, record)).toBe('appAdmin');
    expect(roleOf({ userId: 'host', kind: 'user' }, record)).toBe('owner');
    expect(roleOf({ userId: 'mod', kind: 'user' }, record, (u) => u === 'mod')).toBe('admin');
    expect(roleOf({ userId: 'host', kind: 'user' }, record, () => true)).toBe('owner');
    expect(roleOf({ userId: 'fan', kind: 'user' }, record, (u) => u === 'mod')).toBe('member');
    expect(roleOf({ userId: 'viewer', kind: 'user' }, record)).toBe('member');
    expect(roleOf({ userId: null, kind: 'guest' }, record)).toBe('guest');
    expect(roleOf({ userId: 'host', kind: 'user' }, null)).toBe('member');
  });
});
