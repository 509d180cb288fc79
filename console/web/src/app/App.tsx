// The console's lifecycle: pick up a credential (URL fragment, the
// identity provider's answer, session storage, a pasted token or a demo
// session), check it with the server,
// then show the console; any rejection or expiry leads back to sign-in
// with a sentence saying why.

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, isAbort } from '../api/ApiError';
import { fetchConsoleConfig } from '../api/adminApi';
import { describeError } from '../api/errorSentences';
import { createGraphQLClient } from '../api/graphqlClient';
import { clearCredential, loadCredential, saveCredential, takeCredentialFromFragment } from '../auth/credentialStore';
import { decodeClaims, isExpired, msUntilExpiry } from '../auth/jwt';
import type { ProviderSignIn } from '../auth/providerSignIn';
import { completeProviderSignIn, ProviderSignInError, takeCallbackFromUrl } from '../auth/providerSignIn';
import { Announcer } from '../components/Announcer';
import { SessionDocument } from '../gql/graphql';
import type { SettingsFieldsFragment } from '../gql/graphql';
import { SignInPage } from '../pages/signin/SignInPage';
import { Console } from './Console';
import type { Session } from './session';
import { SessionContext } from './session';

type State =
  | { kind: 'checking' }
  | { kind: 'signedOut'; message?: string; retry?: () => void }
  | { kind: 'signedIn'; session: Omit<Session, 'setSettings'> };

const expiredMessage = 'Your session has expired. Sign in again.';
const rejectedMessage = 'Your session token was not accepted. Sign in again.';
const notATokenMessage = 'That is not a session token. Paste the whole token (three parts separated by dots).';
const noProviderMessage =
  'This server does not sign in through an identity provider, so the sign-in answer was refused. Paste your session token instead.';
const providerFailedMessage = 'Signing in through your identity provider failed. Sign in again.';

// setTimeout's longest delay (about 24.8 days).
const maxTimerDelay = 2 ** 31 - 1;

export function App() {
  const [state, setState] = useState<State>({ kind: 'checking' });
  const [devMode, setDevMode] = useState(false);
  const [provider, setProvider] = useState<ProviderSignIn | undefined>(undefined);
  // Each sign-in gets a generation; answers for an older one are dropped.
  const generation = useRef(0);

  const signOut = useCallback((message?: string) => {
    generation.current++;
    clearCredential();
    setState({ kind: 'signedOut', message });
  }, []);

  const signIn = useCallback(
    async (credential: string) => {
      const claims = decodeClaims(credential);
      if (!claims) return signOut(notATokenMessage);
      if (isExpired(claims)) return signOut(expiredMessage);
      const current = ++generation.current;
      setState({ kind: 'checking' });
      const client = createGraphQLClient(credential, () => {
        // A late timer (e.g. after the computer slept) may leave the server
        // to notice the expiry: say so rather than "not accepted".
        if (generation.current === current) signOut(isExpired(claims) ? expiredMessage : rejectedMessage);
      });
      try {
        const data = await client.request(SessionDocument, {});
        if (generation.current !== current) return;
        saveCredential(credential);
        setState({
          kind: 'signedIn',
          session: {
            client,
            claims,
            viewer: data.viewer,
            settings: data.organizationPatSettings,
            availableScopes: data.availableScopes,
            isAdmin: data.viewerRole === 'ADMIN',
          },
        });
      } catch (err) {
        if (generation.current !== current) return;
        if (err instanceof ApiError && err.code === 'UNAUTHENTICATED') return; // signOut already ran
        // The server may be down: keep the credential so a retry can use it.
        saveCredential(credential);
        setState({ kind: 'signedOut', message: describeError(err), retry: () => void signIn(credential) });
      }
    },
    [signOut],
  );

  // Start-up: the host application's fragment wins over the identity
  // provider's answer, which wins over a stored credential. Both leave
  // the address bar at once.
  useEffect(() => {
    const controller = new AbortController();
    const configured = fetchConsoleConfig(controller.signal);
    configured.then(
      (config) => {
        setDevMode(config.devMode);
        setProvider(config.signIn);
      },
      () => {},
    );
    const handedOver = takeCredentialFromFragment();
    const callback = takeCallbackFromUrl();
    const credential = handedOver ?? (callback ? null : loadCredential());
    if (credential) void signIn(credential);
    else if (callback) {
      const current = ++generation.current;
      configured
        .then(async (config) => {
          if (!config.signIn) throw new ProviderSignInError(noProviderMessage);
          const token = await completeProviderSignIn(config.signIn, callback);
          if (generation.current === current) void signIn(token);
        })
        .catch((err: unknown) => {
          if (isAbort(err) || generation.current !== current) return;
          signOut(err instanceof ProviderSignInError ? err.message : providerFailedMessage);
        });
    } else setState({ kind: 'signedOut' });
    // The host may also hand over a new credential to the open page.
    const onHashChange = () => {
      const handedOver = takeCredentialFromFragment();
      if (handedOver) void signIn(handedOver);
    };
    window.addEventListener('hashchange', onHashChange);
    return () => {
      controller.abort();
      window.removeEventListener('hashchange', onHashChange);
    };
  }, [signIn]);

  // Sign out when the session token's exp passes.
  const exp = state.kind === 'signedIn' ? state.session.claims.exp : undefined;
  useEffect(() => {
    if (exp === undefined) return;
    let timer: ReturnType<typeof setTimeout>;
    // An exp beyond setTimeout's range takes several waits.
    const wait = () => {
      const left = msUntilExpiry({ exp });
      if (left <= 0) signOut(expiredMessage);
      else timer = setTimeout(wait, Math.min(left, maxTimerDelay));
    };
    wait();
    return () => clearTimeout(timer);
  }, [exp, signOut]);

  const setSettings = useCallback((settings: SettingsFieldsFragment) => {
    setState((s) => (s.kind === 'signedIn' ? { ...s, session: { ...s.session, settings } } : s));
  }, []);

  return (
    <Announcer>
      {state.kind === 'checking' && (
        <main id="main" tabIndex={-1} class="page-center" aria-busy="true">
          <p>Signing in…</p>
        </main>
      )}
      {state.kind === 'signedOut' && (
        <SignInPage
          devMode={devMode}
          provider={provider}
          message={state.message}
          onRetry={state.retry}
          onCredential={(credential) => void signIn(credential)}
        />
      )}
      {state.kind === 'signedIn' && (
        <SessionContext.Provider value={{ ...state.session, setSettings }}>
          <Console devMode={devMode} onSignOut={() => signOut('You signed out.')} />
        </SessionContext.Provider>
      )}
    </Announcer>
  );
}
