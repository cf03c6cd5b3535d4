/** Result sections: printed as aligned tables and saved as JSON. */
import type { Stats } from './timing';

/** One measured row: timing statistics plus what the row produced (for sanity checks). */
export interface Row extends Stats {
  /** e.g. `{ kept: 12 }`: outputs that must agree across competitors. */
  info?: Record<string, number | string>;
}

/** A table: rows with ratios against its reference row. */
export interface Section {
  id: string;
  title: string;
  /** Which row ratios are against. */
  reference: string;
  rows: Row[];
  /** Headline numbers (targets, derived ratios). */
  summary?: Record<string, number | string>;
  notes?: string[];
}

const ms = (v: number): string => (v >= 100 ? v.toFixed(1) : v >= 10 ? v.toFixed(2) : v.toFixed(3));

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

/** The section as printable text. */
export function formatSection(section: Section): string {
  const head = ['', 'median ms', 'p90 ms', 'min ms', 'n', `× ${section.reference}`, 'info'];
  const body = section.rows.map((r) => [
    r.name,
    ms(r.median),
    ms(r.p90),
    ms(r.min),
    String(r.samples),
    r.ratio.toFixed(2),
    Object.entries(r.info ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(' '),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].length)));
  const line = (cells: string[]): string => cells.map((cell, c) => pad(cell, widths[c], c > 0 && c < 6)).join('  ').trimEnd();
  const out = [`\n## ${section.title}`];
  if (body.length > 0) out.push(line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line));
  for (const [k, v] of Object.entries(section.summary ?? {})) out.push(`  ${k}: ${typeof v === 'number' ? v.toFixed(3) : v}`);
  for (const note of section.notes ?? []) out.push(`  note: ${note}`);
  return out.join('\n');
}

/** Attaches `info` to the stats rows by name. */
export function withInfo(stats: Stats[], info: Record<string, Record<string, number | string>>): Row[] {
  return stats.map((s) => ({ ...s, info: info[s.name] }));
}
