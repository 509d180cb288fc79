// Previous/next page controls with the position in the whole list.

import type { TokenPages } from '../hooks/useTokenPages';
import { plural } from '../format/plural';

export function Pager({ pages }: { pages: TokenPages }) {
  const { page, pageNumber, pageSize, hasPrevious, hasNext, previous, next } = pages;
  if (!page) return null;
  const first = (pageNumber - 1) * pageSize + 1;
  const last = first + page.nodes.length - 1;
  return (
    <nav class="pager" aria-label="Pages">
      <p class="pager-position">
        {page.nodes.length === 0
          ? plural(page.totalCount, 'token')
          : `${first}–${last} of ${plural(page.totalCount, 'token')}`}
      </p>
      {(hasPrevious || hasNext) && (
        <div class="button-row">
          {/* aria-disabled, not disabled: a button that disables itself under
              the keyboard focus would drop the focus to the page. */}
          <button type="button" class="button" onClick={previous} aria-disabled={!hasPrevious}>
            Previous page
          </button>
          <button type="button" class="button" onClick={next} aria-disabled={!hasNext}>
            Next page
          </button>
        </div>
      )}
    </nav>
  );
}
