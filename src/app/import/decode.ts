import { pipeline, Readable, Transform } from 'node:stream';
import iconv from 'iconv-lite';
import { DomainError } from '../../domain/errors.js';
import { detectEncoding, SNIFF_BYTES, type EncodingOption, type TextEncoding } from '../../domain/import/encoding.js';

/** A file's bytes as text for the parser, and the encoding they were read in. */
export interface DecodedInput {
  stream: Readable;
  encoding: TextEncoding;
  /** Reads and drops what is left of the input (an upload's connection stays usable after a refusal). */
  drain(): void;
}

const refusal = (detail: string) => new DomainError('UNKNOWN_ENCODING', `${detail}: save it as UTF-8 (or Windows-1251) text and import it again`);

/**
 * Reads the start of the file, decides its encoding (or takes the one named) and returns the
 * whole file as a stream the CSV parser reads: UTF-8 passes through, checked byte by byte (a bad
 * sequence further on stops the import with UNKNOWN_ENCODING rather than write U+FFFD into
 * names); Windows-1251 is decoded by iconv-lite. A start that is neither is refused before
 * anything is written.
 */
export async function decodeInput(input: Readable, option: EncodingOption): Promise<DecodedInput> {
  const it: AsyncIterator<Buffer | string> = input[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  let ended = false;
  const drain = () => {
    void (async () => {
      while (!(await it.next()).done);
    })().catch(() => undefined);
  };
  while (size < SNIFF_BYTES) {
    const next = await it.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    head.push(chunk);
    size += chunk.length;
  }
  const prefix = Buffer.concat(head);
  const encoding = option === 'auto' ? detectEncoding(prefix, ended) : option;
  if (!encoding) {
    if (!ended) drain();
    throw refusal('the file is neither UTF-8 nor Windows-1251 text (is it a spreadsheet or an archive rather than CSV?)');
  }
  async function* bytes(): AsyncGenerator<Buffer> {
    if (prefix.length > 0) yield prefix;
    if (ended) return;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    }
  }
  const decoder: Transform = encoding === 'utf-8' ? utf8Checker() : (iconv.decodeStream('win1251') as unknown as Transform);
  const stream = pipeline(Readable.from(bytes(), { objectMode: false }), decoder, () => undefined);
  return { stream, encoding, drain };
}

/** Passes UTF-8 through unchanged, failing at the first byte sequence that is not UTF-8. */
function utf8Checker(): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        done(refusal(`the file is not valid UTF-8 (a bad byte within bytes ${offset + 1}–${offset + chunk.length})`));
        return;
      }
      offset += chunk.length;
      done(null, chunk);
    },
    flush(done) {
      try {
        decoder.decode();
        done();
      } catch {
        done(refusal('the file is not valid UTF-8 (it ends inside a character)'));
      }
    },
  });
}
