import type { VNode } from 'preact';
import { describe, expect, it } from 'vitest';
import { VisibleText } from './VisibleText';

type Props = { children?: unknown; class?: string; role?: string; 'aria-label'?: string; title?: string };

// The component has no hooks, so calling it gives the markup it renders.
function render(text: string): VNode<Props> {
  return VisibleText({ text }) as VNode<Props>;
}

describe('VisibleText', () => {
  it('isolates the text and shows a right-to-left override as an inert, labelled marker', () => {
    const vnode = render('invoice\u202Eexe.txt');
    expect(vnode.type).toBe('bdi');
    const [before, mark, after] = vnode.props.children as [string, VNode<Props>, string];
    expect(before).toBe('invoice');
    expect(after).toBe('exe.txt');
    expect(mark.type).toBe('span');
    expect(mark.props).toMatchObject({
      class: 'hidden-char',
      role: 'img',
      'aria-label': 'right-to-left override (U+202E)',
      children: '⟨U+202E⟩',
    });
  });

  it('renders ordinary text as it is', () => {
    expect(render('Ann Lee').props.children).toEqual(['Ann Lee']);
  });
});
