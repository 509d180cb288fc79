// Sign-in: normally the host application passes the session token in the
// URL fragment and this page is never seen. Otherwise the user signs in
// through the organization's identity provider (when the server names
// one), pastes a session token, or, on a development server, picks a
// demo identity.

import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { DemoRole } from '../../api/adminApi';
import { createDevSession } from '../../api/adminApi';
import { describeError } from '../../api/errorSentences';
import { cleanPastedCredential } from '../../auth/credentialStore';
import type { ProviderSignIn } from '../../auth/providerSignIn';
import { ProviderSignInError, startProviderSignIn } from '../../auth/providerSignIn';

interface SignInPageProps {
  devMode: boolean;
  /** Sign-in through the identity provider, when the server offers it. */
  provider?: ProviderSignIn | undefined;
  /** Why the user is here (expired, rejected, signed out), if known. */
  message?: string | undefined;
  /** Offered when the last attempt failed for a reason a retry may fix. */
  onRetry?: (() => void) | undefined;
  onCredential: (credential: string) => void;
}

const demoIdentities: ReadonlyArray<{ role: DemoRole; label: string }> = [
  { role: 'admin', label: 'Sign in as demo admin' },
  { role: 'member', label: 'Sign in as demo member' },
  { role: 'directory', label: 'Sign in as demo directory user' },
];

export function SignInPage({ devMode, provider, message, onRetry, onCredential }: SignInPageProps) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [demoError, setDemoError] = useState<string | null>(null);
  const [busyRole, setBusyRole] = useState<DemoRole | null>(null);
  const [redirecting, setRedirecting] = useState(false);
  const [providerError, setProviderError] = useState<string | null>(null);
  // Back from the provider's page with the browser's Back button, the page
  // may come from the back/forward cache as it was left: busy.
  useEffect(() => {
    const onPageShow = (event: PageTransitionEvent) => {
      if (event.persisted) setRedirecting(false);
    };
    window.addEventListener('pageshow', onPageShow);
    return () => window.removeEventListener('pageshow', onPageShow);
  }, []);
  const tokenId = useId();
  const tokenHelpId = useId();
  const errorId = useId();

  const submit = (event: Event) => {
    event.preventDefault();
    const input = inputRef.current;
    if (!input) return;
    const credential = cleanPastedCredential(input.value);
    input.value = '';
    if (credential === '') {
      setError('Paste your session token first.');
      input.focus();
      return;
    }
    setError(null);
    onCredential(credential);
  };

  const signInAsDemo = async (role: DemoRole) => {
    setBusyRole(role);
    setDemoError(null);
    try {
      const session = await createDevSession(role);
      onCredential(session.token);
    } catch (err) {
      setDemoError(
        describeError(err, {
          FORBIDDEN: () => 'Demo sign-in is only available while the server runs in development mode.',
        }),
      );
      setBusyRole(null);
    }
  };

  const signInWithProvider = async (config: ProviderSignIn) => {
    setRedirecting(true);
    setProviderError(null);
    try {
      await startProviderSignIn(config); // leaves the page
    } catch (err) {
      setProviderError(
        err instanceof ProviderSignInError ? err.message : `${config.providerName} could not be reached. Try again.`,
      );
      setRedirecting(false);
    }
  };

  return (
    <main id="main" tabIndex={-1} class="page-center signin">
      <h1>Personal access tokens</h1>
      <p class="lead">Sign in to manage your organization’s personal access tokens.</p>
      {message && (
        <p class="message message-info" role="status">
          {message}
          {onRetry && (
            <>
              {' '}
              <button type="button" class="link-button" onClick={onRetry}>
                Try again
              </button>
            </>
          )}
        </p>
      )}

      {provider && (
        <section class="card">
          <h2>Sign in with your organization’s account</h2>
          <div class="button-row">
            <button
              type="button"
              class="button button-primary"
              disabled={redirecting}
              aria-busy={redirecting ? true : undefined}
              onClick={() => void signInWithProvider(provider)}
            >
              Sign in with {provider.providerName}
            </button>
          </div>
          {providerError && (
            <p class="field-error" role="alert">
              {providerError}
            </p>
          )}
        </section>
      )}

      {/* Sections without a name: "Paste your session token" as the name of
          a region would also answer to the field's label, "Session token". */}
      <section class="card">
        <h2>Paste your session token</h2>
        <form onSubmit={submit} noValidate>
          <div class="field">
            <label for={tokenId}>Session token</label>
            <input
              ref={inputRef}
              id={tokenId}
              type="password"
              autoComplete="off"
              spellcheck={false}
              aria-describedby={error ? `${tokenHelpId} ${errorId}` : tokenHelpId}
              aria-invalid={error ? true : undefined}
            />
            <p id={tokenHelpId} class="hint">
              The JWT your identity provider issued. It is kept in this browser tab only, until you sign out or close
              the tab.
            </p>
            {error && (
              <p id={errorId} class="field-error" role="alert">
                {error}
              </p>
            )}
          </div>
          {/* The provider's button is the page's main action when there is one. */}
          <button type="submit" class={provider ? 'button' : 'button button-primary'}>
            Sign in
          </button>
        </form>
      </section>

      {devMode && (
        <section class="card">
          <h2>Development sign-in</h2>
          <p class="hint">This server runs in development mode: sign in as one of the demo organization’s users.</p>
          <div class="button-row">
            {demoIdentities.map(({ role, label }) => (
              <button
                key={role}
                type="button"
                class="button"
                disabled={busyRole !== null}
                aria-busy={busyRole === role ? true : undefined}
                onClick={() => void signInAsDemo(role)}
              >
                {label}
              </button>
            ))}
          </div>
          {demoError && (
            <p class="field-error" role="alert">
              {demoError}
            </p>
          )}
        </section>
      )}
    </main>
  );
}
