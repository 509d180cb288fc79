// A user as name over email, the way admins recognize people. Names and
// e-mails come from the users' sessions as given: they are shown through
// VisibleText, so invisible and bidirectional characters stay inert.

import { visibleText } from '../format/visible';
import type { UserFieldsFragment } from '../gql/graphql';
import { VisibleText } from './VisibleText';

type Named = Pick<UserFieldsFragment, 'name' | 'email'>;

export function UserName({ user }: { user: Named }) {
  return (
    <span class="user">
      <span class="user-name">
        <VisibleText text={user.name || user.email} />
      </span>
      {user.name && (
        <span class="user-email">
          <VisibleText text={user.email} />
        </span>
      )}
    </span>
  );
}

/** "Ann Lee (ann@example.com)" inline, in markup. */
export function UserLabel({ user }: { user: Named }) {
  if (!user.name) return <VisibleText text={user.email} />;
  return (
    <>
      <VisibleText text={user.name} /> (<VisibleText text={user.email} />)
    </>
  );
}

/** "Ann Lee (ann@example.com)" for sentences that must be strings (announcements, options). */
export function userLabel(user: Named): string {
  return user.name ? `${visibleText(user.name)} (${visibleText(user.email)})` : visibleText(user.email);
}

/** The user's name, or the e-mail when there is none, as a string. */
export function userShortLabel(user: Named): string {
  return visibleText(user.name || user.email);
}
