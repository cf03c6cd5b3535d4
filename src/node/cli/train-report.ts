import type { EpochLog } from '../../training/fit';

/**
 * One line per training epoch: loss, accuracy, and the validation scores.
 *
 * @example
 * ```ts
 * epochLine({ epoch: 2, loss: 0.41, accuracy: 0.9, valLoss: 0.5, valAccuracy: 0.88, learningRate: 1e-3, progress: 0.1, elapsedMs: 20 }, 30);
 * // 'epoch  3/30  loss 0.4100  accuracy 0.900  val loss 0.5000  val accuracy 0.880'
 * ```
 */
export function epochLine(log: EpochLog, epochs: number): string {
  const width = String(epochs).length;
  const val = log.valLoss === undefined ? '' : `  val loss ${log.valLoss.toFixed(4)}  val accuracy ${(log.valAccuracy ?? 0).toFixed(3)}`;
  return `epoch ${String(log.epoch + 1).padStart(width)}/${epochs}  loss ${log.loss.toFixed(4)}  accuracy ${log.accuracy.toFixed(3)}${val}`;
}

/**
 * A confusion matrix as text: one row per true class (its count, then how many of it were
 * predicted as each class, then its recall), columns labelled by class number.
 *
 * @example
 * ```ts
 * confusionLines([[5, 1], [0, 6]], ['cat', 'dog']).forEach((line) => console.log(line));
 * ```
 */
export function confusionLines(matrix: readonly (readonly number[])[], labels: readonly string[]): string[] {
  const nameWidth = Math.max(10, ...labels.map((l) => l.length));
  const cell = Math.max(4, ...matrix.flat().map((v) => String(v).length + 1));
  const head = `  ${'true \\ predicted'.padEnd(nameWidth + 4)}${labels.map((_, i) => `#${i + 1}`.padStart(cell)).join('')}   recall`;
  const rows = matrix.map((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    const recall = total === 0 ? '–' : (row[i] / total).toFixed(2);
    return `  #${String(i + 1).padEnd(3)}${labels[i].padEnd(nameWidth)} ${row.map((v) => String(v).padStart(cell)).join('')}   ${recall}`;
  });
  return [head, ...rows];
}

/**
 * The most frequent mistakes of a confusion matrix, worst first: `"shirt → t-shirt: 3"`.
 *
 * @example
 * ```ts
 * confusedPairs([[5, 1], [0, 6]], ['cat', 'dog']); // ['cat → dog: 1']
 * ```
 */
export function confusedPairs(matrix: readonly (readonly number[])[], labels: readonly string[], limit = 3): string[] {
  const pairs: { text: string; count: number }[] = [];
  matrix.forEach((row, a) => row.forEach((count, p) => (a !== p && count > 0 ? pairs.push({ text: `${labels[a]} → ${labels[p]}: ${count}`, count }) : undefined)));
  return pairs.sort((x, y) => y.count - x.count).slice(0, limit).map((p) => p.text);
}
