import type { Readable } from 'node:stream';
import { parse, type CsvError, type Parser } from 'csv-parse';
import type { Delimiter } from './types.js';

/** One record of the file: its line number and its fields, or why it could not be read. */
export type SourceRecord = { line: number; values: string[]; error?: undefined } | { line: number; values: string[]; error: string };

/**
 * Reads a delimited file as a stream of records (csv-parse), never holding more than the
 * parser's buffer: the caller pulls records as it is ready for them. Quoted fields, BOM, CRLF and
 * fields spanning lines are handled by csv-parse; `whitespace` splits each line on runs of spaces
 * and tabs and knows no quotes. A record that cannot be parsed (an unclosed quote) comes out with an error
 * in its place, in line order, and reading goes on.
 */
export class RecordSource {
  readonly #parser: Parser;
  readonly #whitespace: boolean;
  readonly #errors: SourceRecord[] = [];
  #lastLine = 0;

  constructor(input: Readable, delimiter: Delimiter) {
    this.#whitespace = delimiter === 'whitespace';
    this.#parser = parse({
      bom: true,
      // Line numbers: from csv-parse's info for CSV (a quoted field may span lines); a whitespace
      // file has one record per line, empty lines included, so they are counted here (the info
      // object of every record was a tenth of the time spent reading such a file).
      info: !this.#whitespace,
      // Whitespace: csv-parse reads whole lines (a delimiter that never occurs) and they are split
      // here. As fields, runs of blanks would make rows of differing lengths, and csv-parse builds
      // an error object (with a stack trace) for every such row even when told to accept them.
      delimiter: this.#whitespace ? '\u0000' : delimiter,
      quote: this.#whitespace ? null : '"',
      relax_column_count: true,
      skip_empty_lines: !this.#whitespace,
      skip_records_with_error: true,
      on_skip: (err: CsvError | undefined, raw: string | undefined) => {
        this.#errors.push({ line: (err as { lines?: number } | undefined)?.lines ?? this.#lastLine + 1, values: raw ? [raw] : [], error: err?.message ?? 'the record cannot be read' });
      },
    });
    input.on('error', (err) => this.#parser.destroy(err));
    input.pipe(this.#parser);
  }

  /** Bytes of the file consumed by the parser so far. */
  get bytes(): number {
    return this.#parser.info.bytes;
  }

  async *records(): AsyncGenerator<SourceRecord> {
    if (this.#whitespace) {
      yield* this.#lines();
      return;
    }
    for await (const { record, info } of this.#parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      // info.lines is the line where the record ends; a quoted field may span lines.
      let line = info.lines;
      for (const v of record) if (v.includes('\n')) line -= v.split('\n').length - 1;
      while (this.#errors.length > 0 && this.#errors[0]!.line < line) yield this.#errors.shift()!;
      this.#lastLine = info.lines;
      if (!record.every((v) => v.trim() === '')) yield { line, values: record };
    }
    yield* this.#errors.splice(0);
  }

  async *#lines(): AsyncGenerator<SourceRecord> {
    let line = 0;
    for await (const record of this.#parser as AsyncIterable<string[]>) {
      line++;
      const text = record.join(' ').trim();
      if (text !== '') yield { line, values: text.split(/[ \t]+/) };
    }
    yield* this.#errors.splice(0);
  }
}
