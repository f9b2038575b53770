/**
 * Which text encoding an imported file is in. Files exported by Russian tills and accounting
 * programs (1C, Excel's "CSV (разделители — запятые)") are often Windows-1251; everything else is
 * expected in UTF-8. A file that is neither is refused rather than imported as mojibake.
 */
export type TextEncoding = 'utf-8' | 'windows-1251';

/** What the import is told: a named encoding, or `auto` to detect it from the start of the file. */
export type EncodingOption = TextEncoding | 'auto';

export const ENCODING_OPTIONS: readonly EncodingOption[] = ['auto', 'utf-8', 'windows-1251'];

/** How many bytes from the start of a file are enough to judge its encoding. */
export const SNIFF_BYTES = 64 * 1024;

/**
 * The encoding of a file judged by its first bytes (`complete`: these are the whole file), or
 * `null` when it is neither valid UTF-8 nor plausibly Windows-1251 text. Plausible Windows-1251:
 * no control characters (a binary file, or UTF-16, has them), no byte the code page leaves
 * undefined, at least nine in ten of the bytes above 0x7F are Cyrillic letters, and those letters
 * stand in words of their own rather than inside Latin words (as é or ü of a Western code page would).
 *
 * @example detectEncoding(new Uint8Array([0xcf, 0xf0, 0xe8]), true) // 'windows-1251' ("При")
 */
export function detectEncoding(bytes: Uint8Array, complete: boolean): TextEncoding | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  let high = 0;
  for (const b of bytes) {
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) return null;
    if (b >= 0x80) high++;
  }
  if (high === 0 || isUtf8(bytes, complete)) return 'utf-8';
  return plausibleCp1251(bytes, high) ? 'windows-1251' : null;
}

/** Whether the bytes are valid UTF-8; an incomplete prefix may end inside a character. */
export function isUtf8(bytes: Uint8Array, complete: boolean): boolean {
  let end = bytes.length;
  if (!complete) {
    // Drop a character cut short at the end of the prefix (at most 3 bytes of a 4-byte one).
    let i = end - 1;
    while (i >= 0 && end - i <= 3 && (bytes[i]! & 0xc0) === 0x80) i--;
    if (i >= 0 && bytes[i]! >= 0xc0) {
      const need = bytes[i]! >= 0xf0 ? 4 : bytes[i]! >= 0xe0 ? 3 : 2;
      if (end - i < need) end = i;
    }
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/** Cyrillic letters of Windows-1251: А–я (0xC0–0xFF), Ё (0xA8), ё (0xB8), and the Ukrainian and Belarusian ones. */
const isCyrillic = (b: number) => b >= 0xc0 || b === 0xa8 || b === 0xb8 || b === 0xaa || b === 0xba || b === 0xaf || b === 0xbf || b === 0xb2 || b === 0xb3 || b === 0xa1 || b === 0xa2;
const isLatin = (b: number | undefined) => b !== undefined && ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a));

function plausibleCp1251(bytes: Uint8Array, high: number): boolean {
  let letters = 0;
  let insideLatin = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x80) continue;
    if (b === 0x98) return false; // undefined in Windows-1251
    if (!isCyrillic(b)) continue;
    letters++;
    if (isLatin(bytes[i - 1]) || isLatin(bytes[i + 1])) insideLatin++;
  }
  return letters >= 0.9 * high && insideLatin <= 0.1 * letters;
}
