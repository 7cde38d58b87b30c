/**
 * A Redis sorted set: member -> score map plus members kept ordered by (score, member bytes).
 * The order is a sorted array with binary search: O(log n) lookups and rank queries, O(n)
 * memmove on insert/remove, which stays in the microseconds up to ~100k members; popping the
 * minimum batches the removal. Ties on score order by member, byte-wise, as in Redis.
 */

/** One entry. */
export interface ZEntry {
  readonly member: string;
  readonly score: number;
}

export class SortedSet {
  private readonly scores = new Map<string, number>();
  private readonly order: ZEntry[] = [];

  get size(): number {
    return this.order.length;
  }

  score(member: string): number | undefined {
    return this.scores.get(member);
  }

  /** Index of the first entry not before (score, member). */
  private lowerBound(score: number, member: string): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.order[mid] as ZEntry, score, member)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Adds or moves a member. */
  set(member: string, score: number): void {
    const old = this.scores.get(member);
    if (old !== undefined) {
      if (old === score) return;
      this.order.splice(this.lowerBound(old, member), 1);
    }
    this.scores.set(member, score);
    this.order.splice(this.lowerBound(score, member), 0, { member, score });
  }

  delete(member: string): boolean {
    const old = this.scores.get(member);
    if (old === undefined) return false;
    this.scores.delete(member);
    this.order.splice(this.lowerBound(old, member), 1);
    return true;
  }

  /** 0-based rank of a member, or undefined. */
  rank(member: string): number | undefined {
    const score = this.scores.get(member);
    return score === undefined ? undefined : this.lowerBound(score, member);
  }

  /** Entries by rank, inclusive, already clamped by the caller. */
  range(start: number, stop: number): ZEntry[] {
    return this.order.slice(start, stop + 1);
  }

  /** First rank whose score is >= min (or > min when exclusive). */
  firstAtOrAbove(min: number, exclusive: boolean): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = (this.order[mid] as ZEntry).score;
      if (s < min || (exclusive && s === min)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** One past the last rank whose score is <= max (or < max when exclusive). */
  endAtOrBelow(max: number, exclusive: boolean): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = (this.order[mid] as ZEntry).score;
      if (s < max || (!exclusive && s === max)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Removes and returns ranks [start, end). */
  removeRange(start: number, end: number): ZEntry[] {
    const removed = this.order.splice(start, Math.max(0, end - start));
    for (const entry of removed) this.scores.delete(entry.member);
    return removed;
  }
}

function before(entry: ZEntry, score: number, member: string): boolean {
  return entry.score < score || (entry.score === score && entry.member < member);
}
