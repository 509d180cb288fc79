// The page's one live region: success and error messages of finished
// actions are shown here and read out by screen readers (aria-live polite).
// Dialogs keep their own status lines, since a modal dialog makes this
// region inert while it is open.

import type { ComponentChildren } from 'preact';
import { createContext } from 'preact';
import { useCallback, useContext, useState } from 'preact/hooks';

export type Tone = 'success' | 'error' | 'info';

type Announce = (text: string, tone?: Tone) => void;

interface Message {
  text: string;
  tone: Tone;
  /** Changes with every announcement, so repeating a text re-renders it. */
  serial: number;
}

const AnnounceContext = createContext<Announce>(() => {});

/** Returns the function that shows and reads out a message. */
export function useAnnounce(): Announce {
  return useContext(AnnounceContext);
}

/** Provides useAnnounce to children and renders the live region above them. */
export function Announcer({ children }: { children: ComponentChildren }) {
  const [message, setMessage] = useState<Message | null>(null);
  const announce = useCallback<Announce>((text, tone = 'info') => {
    setMessage((previous) => ({ text, tone, serial: (previous?.serial ?? 0) + 1 }));
  }, []);

  return (
    <AnnounceContext.Provider value={announce}>
      <div class="announcer" role="status" aria-live="polite" aria-atomic="true">
        {message && (
          <p key={message.serial} class={`message message-${message.tone}`}>
            <span>{message.text}</span>
            <button type="button" class="link-button" onClick={() => setMessage(null)}>
              Dismiss
            </button>
          </p>
        )}
      </div>
      {children}
    </AnnounceContext.Provider>
  );
}
