// A value that follows another after it has stopped changing for a while,
// so typing in a search box sends one query, not one per key.

import { useEffect, useState } from 'preact/hooks';

export function useDebouncedValue<T>(value: T, delayMs: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return debounced;
}
