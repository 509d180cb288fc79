// A modal dialog on the native <dialog> element: showModal() gives the
// dialog role, a focus trap, an inert background and Escape to close. This
// wrapper adds the title as its accessible name and returns focus to the
// element that opened it. Render it to open it; stop rendering it to close.

import type { ComponentChildren } from 'preact';
import { useId, useLayoutEffect, useRef } from 'preact/hooks';

interface DialogProps {
  title: string;
  /** Called when the user dismisses the dialog (Escape); stop rendering it then. */
  onClose: () => void;
  children: ComponentChildren;
  /** An extra class, e.g. "dialog-wide". */
  class?: string;
}

export function Dialog({ title, onClose, children, class: className }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  const titleId = useId();

  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const handleClose = () => onCloseRef.current();
    dialog.addEventListener('close', handleClose);
    dialog.showModal();
    return () => {
      // Unmounting closes the dialog without reporting it back: the parent
      // already knows, and may be opening another dialog in its place.
      dialog.removeEventListener('close', handleClose);
      if (dialog.open) dialog.close();
      returnFocus(opener);
    };
  }, []);

  return (
    <dialog ref={ref} aria-labelledby={titleId} class={className ? `dialog ${className}` : 'dialog'}>
      <h2 id={titleId} class="dialog-title">
        {title}
      </h2>
      {children}
    </dialog>
  );
}

// Back to the opener, or to the main region when the opener is gone (e.g.
// the row whose Revoke button opened the dialog left the list).
function returnFocus(opener: HTMLElement | null) {
  if (opener?.isConnected) {
    opener.focus();
    return;
  }
  document.getElementById('main')?.focus();
}
