// An instant in the viewer's time zone with a relative hint: beneath it in
// tables, in parentheses within a sentence.

import { formatDateTime, formatFullDateTime, formatRelative } from '../format/dates';

interface DateTimeProps {
  /** RFC 3339; null shows the fallback text. */
  value: string | null | undefined;
  /** What to say when there is no instant (e.g. "Never used"). */
  fallback?: string;
  /** Within a sentence rather than stacked in a cell. */
  inline?: boolean;
}

export function DateTime({ value, fallback = '—', inline = false }: DateTimeProps) {
  if (!value) return <span class="muted">{fallback}</span>;
  const relative = formatRelative(value);
  return (
    <span class={inline ? 'datetime-inline' : 'datetime'}>
      <time dateTime={value} title={formatFullDateTime(value)}>
        {formatDateTime(value)}
      </time>
      <span class="relative">{inline ? ` (${relative})` : relative}</span>
    </span>
  );
}
