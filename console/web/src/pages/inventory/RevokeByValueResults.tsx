// What revokeTokensByValue did with each value sent, in their order: the
// token's hint, owner and name, and the outcome. A value that is no token
// of the organization shows only its position and "Not found": the server
// tells nothing more about it, and the value itself is never shown.

import { useId } from 'preact/hooks';
import { UserName } from '../../components/UserName';
import { VisibleText } from '../../components/VisibleText';
import type { RevokeByValueOutcome, RevokeTokensByValueMutation } from '../../gql/graphql';

export type ValueResult = RevokeTokensByValueMutation['revokeTokensByValue']['results'][number];

const outcomeLabels: Record<RevokeByValueOutcome, string> = {
  REVOKED: 'Revoked',
  ALREADY_REVOKED: 'Already revoked',
  NOT_FOUND: 'Not found',
};

export function RevokeByValueResults({ results }: { results: readonly ValueResult[] }) {
  const captionId = useId();
  const hintId = useId();
  const anyMissing = results.some((r) => r.outcome === 'NOT_FOUND');

  return (
    <>
      <div
        class="table-scroll result-scroll"
        role="region"
        aria-labelledby={captionId}
        aria-describedby={hintId}
        tabIndex={0}
      >
        <table class="result-table">
          <caption id={captionId} class="visually-hidden">
            Result for each token found
          </caption>
          <thead>
            <tr>
              <th scope="col">Position</th>
              <th scope="col">Token</th>
              <th scope="col">Owner</th>
              <th scope="col">Name</th>
              <th scope="col">Outcome</th>
            </tr>
          </thead>
          <tbody>
            {results.map(({ index, outcome, token }) => (
              <tr key={index}>
                <th scope="row">{index + 1}</th>
                {token && outcome !== 'NOT_FOUND' ? (
                  <>
                    <td>
                      <code class="token-hint">{token.hint}</code>
                    </td>
                    <td>
                      <UserName user={token.owner} />
                    </td>
                    <td class="name-cell">
                      <VisibleText text={token.name} />
                    </td>
                  </>
                ) : (
                  <>
                    <td />
                    <td />
                    <td />
                  </>
                )}
                <td class={`outcome outcome-${outcome.toLowerCase().replace('_', '-')}`}>{outcomeLabels[outcome]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p id={hintId} class="hint">
        Positions count the tokens found, in the order they first appear.
        {anyMissing && ' Not found: no token of your organization has that value.'}
      </p>
    </>
  );
}
