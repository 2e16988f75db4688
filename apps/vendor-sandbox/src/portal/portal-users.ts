import { hashPassword, verifyPassword } from './password-hash.util';
import type { PortalUser, PortalUsers, TestUserSpec } from './portal.types';

/** The portal's users, passwords kept only as scrypt hashes. */
export class PortalUserDirectory implements PortalUsers {
  private constructor(
    private readonly users: readonly PortalUser[],
    /** Compared against when the user name is unknown, so that costs as much as a wrong password. */
    private readonly decoyHash: string,
  ) {}

  static async create(specs: readonly TestUserSpec[]): Promise<PortalUserDirectory> {
    const users = await Promise.all(
      specs.map(async ({ password, ...rest }) => ({ ...rest, passwordHash: await hashPassword(password) })),
    );
    return new PortalUserDirectory(users, await hashPassword('decoy'));
  }

  all(): readonly PortalUser[] {
    return this.users;
  }

  byId(id: string): PortalUser | undefined {
    return this.users.find((u) => u.id === id);
  }

  byUsername(username: string): PortalUser | undefined {
    const wanted = username.trim().toLowerCase();
    return this.users.find((u) => u.username.toLowerCase() === wanted);
  }

  async verifyPassword(user: PortalUser | undefined, password: string): Promise<boolean> {
    const ok = await verifyPassword(password, user?.passwordHash ?? this.decoyHash);
    return ok && user !== undefined;
  }
}
