/** A case as read from a file, before validation: its value and the 1-based line it starts on. */
export interface RawCase {
  value: unknown;
  line: number;
}
