// A user as name over email, the way admins recognize people.

import type { UserFieldsFragment } from '../gql/graphql';

export function UserName({ user }: { user: Pick<UserFieldsFragment, 'name' | 'email'> }) {
  return (
    <span class="user">
      <span class="user-name">{user.name || user.email}</span>
      {user.name && <span class="user-email">{user.email}</span>}
    </span>
  );
}

/** "Ann Lee (ann@example.com)" for sentences. */
export function userLabel(user: Pick<UserFieldsFragment, 'name' | 'email'>): string {
  return user.name ? `${user.name} (${user.email})` : user.email;
}
