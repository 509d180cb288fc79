// Prints, after the run, what axe found on every screen the tests checked
// (the violations: serious and critical ones have already failed their
// test, minor and moderate ones are only reported here; and the results
// axe left for a person to review), then one closing line in the plain
// form CI reads: "browser: N passed, N failed, N skipped".

import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';
import type { AxeFinding } from './fixtures';

const impactOrder = ['critical', 'serious', 'moderate', 'minor', 'unknown'];

export default class SummaryReporter implements Reporter {
  private readonly findings: AxeFinding[] = [];
  private screens = 0;
  // Each test once; outcome() weighs all its attempts.
  private readonly tests = new Map<string, TestCase>();

  onTestEnd(test: TestCase, result: TestResult): void {
    this.tests.set(test.id, test);
    for (const attachment of result.attachments) {
      if (attachment.name !== 'axe' || !attachment.body) continue;
      this.screens++;
      this.findings.push(...(JSON.parse(attachment.body.toString()) as AxeFinding[]));
    }
  }

  onEnd(): void {
    this.printAxe();
    const count = (...outcomes: string[]) =>
      [...this.tests.values()].filter((t) => outcomes.includes(t.outcome())).length;
    const [passed, failed, skipped] = [count('expected', 'flaky'), count('unexpected'), count('skipped')];
    console.log(`browser: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  }

  private printAxe(): void {
    if (this.screens === 0) return;
    const violations = this.findings.filter((f) => f.kind === 'violation');
    const review = this.findings.filter((f) => f.kind === 'needs review');
    const lines = [
      `axe: ${this.screens} screens checked, ${violations.length} violations, ${review.length} results to review`,
      ...violations
        .sort((a, b) => impactOrder.indexOf(a.impact) - impactOrder.indexOf(b.impact) || a.id.localeCompare(b.id))
        .map((f) => `  ${f.impact} ${f.id} on "${f.screen}" (${f.help}): ${f.targets.join(', ')}`),
      ...review.map((f) => `  review ${f.id} on "${f.screen}": ${f.targets.join(', ')}`),
    ];
    console.log(`\n${lines.join('\n')}`);
  }

  printsToStdio(): boolean {
    return false;
  }
}
