// A token's scopes as a compact list of chips.

export function ScopeList({ scopes }: { scopes: readonly string[] }) {
  if (scopes.length === 0) return <span class="muted">None</span>;
  return (
    <ul class="scopes">
      {scopes.map((scope) => (
        <li key={scope}>{scope}</li>
      ))}
    </ul>
  );
}
