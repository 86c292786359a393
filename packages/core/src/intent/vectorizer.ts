import { FEATURE_GROUPS, type FeatureGroup, type RawFeatures } from './features.js';

/** A sparse row: column indices and their values. */
export interface SparseVector {
  indices: Int32Array;
  values: Float64Array;
}

const groupOf = (key: string): FeatureGroup => key.slice(0, key.indexOf(':')) as FeatureGroup;

/**
 * Maps raw features to columns with TF-IDF weights learnt from the training set. N-gram groups
 * use sublinear term frequency (1 + ln tf) × smoothed idf, L2-normalised per group and scaled
 * by the group's weight; cue features are binary and evidence features keep their 0..1 value,
 * both scaled by their group's weight.
 */
export class Vectorizer {
  private readonly columns = new Map<string, number>();
  private readonly idf: number[] = [];
  private readonly names: string[] = [];

  constructor(rows: readonly RawFeatures[]) {
    const df = new Map<string, number>();
    for (const r of rows) for (const k of r.keys()) df.set(k, (df.get(k) ?? 0) + 1);
    const n = rows.length;
    for (const [k, d] of [...df].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      this.columns.set(k, this.idf.length);
      this.names.push(k);
      this.idf.push(Math.log((n + 1) / (d + 1)) + 1);
    }
  }

  /** The same row restricted to some feature groups (each group is normalised on its own, so this is exact). */
  restrict(x: SparseVector, groups: ReadonlySet<FeatureGroup>): SparseVector {
    const keep: number[] = [];
    for (let i = 0; i < x.indices.length; i++) if (groups.has(groupOf(this.names[x.indices[i]!]!))) keep.push(i);
    return {
      indices: Int32Array.from(keep, (i) => x.indices[i]!),
      values: Float64Array.from(keep, (i) => x.values[i]!),
    };
  }

  /** The feature a column stands for. */
  name(column: number): string {
    return this.names[column] ?? '?';
  }

  get dimension(): number {
    return this.idf.length;
  }

  transform(raw: RawFeatures): SparseVector {
    const cols: number[] = [];
    const vals: number[] = [];
    const groups: FeatureGroup[] = [];
    const sq: Record<FeatureGroup, number> = { w: 0, b: 0, h: 0, f: 0, e: 0 };
    for (const [k, tf] of raw) {
      const col = this.columns.get(k);
      if (col === undefined) continue;
      const g = groupOf(k);
      const v = g === 'f' ? 1 : g === 'e' ? tf : (1 + Math.log(tf)) * this.idf[col]!;
      cols.push(col);
      vals.push(v);
      groups.push(g);
      sq[g] += v * v;
    }
    const values = new Float64Array(vals.length);
    for (let i = 0; i < vals.length; i++) {
      const g = groups[i]!;
      // Cues and evidence keep their own scale; n-gram groups are L2-normalised.
      const norm = g === 'f' || g === 'e' ? 1 : Math.sqrt(sq[g]) || 1;
      values[i] = (vals[i]! / norm) * FEATURE_GROUPS[g];
    }
    return { indices: Int32Array.from(cols), values };
  }
}
