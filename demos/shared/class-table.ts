// The classify and teach pages' result table: label, score and a bar per class.
import type { ClassificationResult } from 'visionpipe';

/**
 * Replaces `output`'s content with one row per class: label, percentage and a bar.
 *
 * @example
 * ```ts
 * showClassTable(document.getElementById('output')!, result.classes);
 * ```
 */
export function showClassTable(output: HTMLElement, classes: ClassificationResult['classes']): void {
  output.innerHTML = '';
  const table = document.createElement('table');
  for (const { label, score } of classes) {
    const row = table.insertRow();
    row.insertCell().textContent = label;
    row.insertCell().textContent = `${(score * 100).toFixed(1)}%`;
    const bar = document.createElement('span');
    bar.className = 'bar';
    bar.style.width = `${Math.round(score * 200)}px`;
    row.insertCell().append(bar);
  }
  output.append(table);
}
