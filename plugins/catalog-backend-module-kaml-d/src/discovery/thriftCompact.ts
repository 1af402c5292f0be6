/**
 * A small reader of the Thrift compact protocol, enough to walk a Parquet footer
 * (`FileMetaData`): structs, lists, varints, zig-zag integers, binary and doubles. Fields the
 * caller does not ask for are skipped without being decoded.
 */

/** Compact protocol type ids of struct fields and list elements. */
export const CompactType = {
  STOP: 0,
  TRUE: 1,
  FALSE: 2,
  BYTE: 3,
  I16: 4,
  I32: 5,
  I64: 6,
  DOUBLE: 7,
  BINARY: 8,
  LIST: 9,
  SET: 10,
  MAP: 11,
  STRUCT: 12,
} as const;

/** Deepest struct/list nesting accepted; a footer never comes close. */
const MAX_DEPTH = 64;

export class ThriftCompactReader {
  private offset = 0;
  private depth = 0;

  constructor(private readonly bytes: Uint8Array) {}

  private byte(): number {
    if (this.offset >= this.bytes.length) {
      throw new Error('Thrift data ends in the middle of a value');
    }
    return this.bytes[this.offset++];
  }

  /** Unsigned LEB128 varint, as a number (exact up to 2^53). */
  varint(): number {
    let result = 0;
    let multiplier = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 0x7f) * multiplier;
      if ((b & 0x80) === 0) return result;
      multiplier *= 128;
    }
    throw new Error('Thrift varint is longer than 10 bytes');
  }

  /** Zig-zag encoded signed integer (i16, i32, i64). */
  zigzag(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  binary(): Uint8Array {
    const length = this.varint();
    if (this.offset + length > this.bytes.length) {
      throw new Error('Thrift binary runs past the end of the data');
    }
    const value = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  string(): string {
    return Buffer.from(this.binary()).toString('utf8');
  }

  /**
   * Reads a struct, calling `onField` for each field; `onField` returns false when it did not
   * consume the value, which is then skipped.
   */
  struct(onField: (id: number, type: number) => boolean): void {
    this.enter();
    let lastId = 0;
    for (;;) {
      const header = this.byte();
      const type = header & 0x0f;
      if (type === CompactType.STOP) break;
      const delta = header >> 4;
      const id = delta === 0 ? this.zigzag() : lastId + delta;
      lastId = id;
      if (!onField(id, type)) this.skip(type);
    }
    this.depth--;
  }

  /** Reads a list header and calls `onElement` once per element. */
  list(onElement: (elementType: number, index: number) => void): void {
    this.enter();
    const header = this.byte();
    const elementType = header & 0x0f;
    const size = header >> 4 === 15 ? this.varint() : header >> 4;
    for (let i = 0; i < size; i++) onElement(elementType, i);
    this.depth--;
  }

  /** Value of a field whose type is TRUE/FALSE (booleans live in the field header). */
  static bool(type: number): boolean {
    return type === CompactType.TRUE;
  }

  skip(type: number): void {
    switch (type) {
      case CompactType.TRUE:
      case CompactType.FALSE:
        return;
      case CompactType.BYTE:
        this.byte();
        return;
      case CompactType.I16:
      case CompactType.I32:
      case CompactType.I64:
        this.varint();
        return;
      case CompactType.DOUBLE:
        this.advance(8);
        return;
      case CompactType.BINARY:
        this.binary();
        return;
      case CompactType.LIST:
      case CompactType.SET:
        this.list(elementType => this.skipElement(elementType));
        return;
      case CompactType.MAP: {
        this.enter();
        const size = this.varint();
        if (size > 0) {
          const types = this.byte();
          for (let i = 0; i < size; i++) {
            this.skipElement(types >> 4);
            this.skipElement(types & 0x0f);
          }
        }
        this.depth--;
        return;
      }
      case CompactType.STRUCT:
        this.struct(() => false);
        return;
      default:
        throw new Error(`Unknown Thrift compact type ${type}`);
    }
  }

  /** List elements encode booleans as one byte, unlike struct fields. */
  private skipElement(type: number): void {
    if (type === CompactType.TRUE || type === CompactType.FALSE) this.byte();
    else this.skip(type);
  }

  private advance(n: number): void {
    if (this.offset + n > this.bytes.length) {
      throw new Error('Thrift data ends in the middle of a value');
    }
    this.offset += n;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) {
      throw new Error('Thrift data is nested too deeply');
    }
  }
}
