/** Gives each distinct string an index, in first-seen order, so repeated text is stored once. */
export class Interner {
  private readonly indexes = new Map<string, number>();
  readonly values: string[] = [];

  index(value: string): number {
    let index = this.indexes.get(value);
    if (index === undefined) {
      index = this.values.length;
      this.values.push(value);
      this.indexes.set(value, index);
    }
    return index;
  }
}
