// Code 128 (set B) for the card token, drawn as SVG rectangles: a till's ordinary 1D scanner reads
// it where a QR code cannot be scanned. Set B covers ASCII 32–127, which holds every character of a
// card token (kmt_ + base64url).

/** The 107 symbols' modules (1 = bar, 0 = space), by value; 106 is STOP with its final bar. */
const PATTERNS = [11011001100, 11001101100, 11001100110, 10010011000, 10010001100, 10001001100, 10011001000, 10011000100, 10001100100, 11001001000, 11001000100, 11000100100, 10110011100, 10011011100, 10011001110, 10111001100, 10011101100, 10011100110, 11001110010, 11001011100, 11001001110, 11011100100, 11001110100, 11101101110, 11101001100, 11100101100, 11100100110, 11101100100, 11100110100, 11100110010, 11011011000, 11011000110, 11000110110, 10100011000, 10001011000, 10001000110, 10110001000, 10001101000, 10001100010, 11010001000, 11000101000, 11000100010, 10110111000, 10110001110, 10001101110, 10111011000, 10111000110, 10001110110, 11101110110, 11010001110, 11000101110, 11011101000, 11011100010, 11011101110, 11101011000, 11101000110, 11100010110, 11101101000, 11101100010, 11100011010, 11101111010, 11001000010, 11110001010, 10100110000, 10100001100, 10010110000, 10010000110, 10000101100, 10000100110, 10110010000, 10110000100, 10011010000, 10011000010, 10000110100, 10000110010, 11000010010, 11001010000, 11110111010, 11000010100, 10001111010, 10100111100, 10010111100, 10010011110, 10111100100, 10011110100, 10011110010, 11110100100, 11110010100, 11110010010, 11011011110, 11011110110, 11110110110, 10101111000, 10100011110, 10001011110, 10111101000, 10111100010, 11110101000, 11110100010, 10111011110, 10111101110, 11101011110, 11110101110, 11010000100, 11010010000, 11010011100, 1100011101011].map(String);
const START_B = 104;
const STOP = 106;

/** The symbol values of a text in set B, with start, checksum and stop. */
export function code128Values(text: string): number[] {
  const values = [START_B];
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (c < 32 || c > 127) throw new Error(`Code 128 B cannot encode ${JSON.stringify(ch)}`);
    values.push(c - 32);
  }
  const checksum = values.reduce((sum, v, i) => sum + v * Math.max(i, 1), 0) % 103;
  return [...values, checksum, STOP];
}

/** The modules of the whole symbol, quiet zones of 10 modules included. */
export function code128Modules(text: string): string {
  const quiet = '0'.repeat(10);
  return quiet + code128Values(text).map((v) => PATTERNS[v]).join('') + quiet;
}

/** An SVG (viewBox in modules) of the barcode; scale it with CSS. */
export function code128Svg(text: string, height = 60): string {
  const modules = code128Modules(text);
  let rects = '';
  for (let i = 0; i < modules.length; ) {
    if (modules[i] === '1') {
      let w = 1;
      while (modules[i + w] === '1') w++;
      rects += `<rect x="${i}" y="0" width="${w}" height="${height}"/>`;
      i += w;
    } else i++;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${modules.length} ${height}" preserveAspectRatio="none" shape-rendering="crispEdges" aria-hidden="true"><rect width="100%" height="100%" fill="#fff"/><g fill="#000">${rects}</g></svg>`;
}
