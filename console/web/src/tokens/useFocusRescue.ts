// Keeps keyboard focus in the list when the focused row disappears (e.g.
// its token was revoked and the reloaded list no longer shows it): focus
// moves to the list's region instead of falling back to the top of the page.

import type { RefObject } from 'preact';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';

export function useFocusRescue(region: RefObject<HTMLElement | null>, rows: unknown): void {
  const focusWasInside = useRef(false);

  useEffect(() => {
    const track = (event: FocusEvent) => {
      focusWasInside.current = event.target instanceof Node && Boolean(region.current?.contains(event.target));
    };
    document.addEventListener('focusin', track);
    return () => document.removeEventListener('focusin', track);
  }, [region]);

  useLayoutEffect(() => {
    const lost = document.activeElement === null || document.activeElement === document.body;
    if (lost && focusWasInside.current) region.current?.focus();
  }, [rows, region]);
}
