// Percent-decoding as Java does it. `decodeComponent` is java.net.URI's (invalid UTF-8 becomes
// U+FFFD); `decodeFormComponent` is URLDecoder's (`+` is a space). Malformed escapes, which make
// URLDecoder throw, are kept as they are.

const decoder = new TextDecoder('utf-8', { fatal: false });

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

function decode(text: string, plusIsSpace: boolean): string {
  if (text.indexOf('%') === -1 && !(plusIsSpace && text.indexOf('+') !== -1)) return text;
  let out = '';
  let i = 0;
  const length = text.length;
  while (i < length) {
    const code = text.charCodeAt(i);
    if (code === 37 /* % */) {
      const bytes: number[] = [];
      let j = i;
      while (j + 2 < length && text.charCodeAt(j) === 37) {
        const high = hexValue(text.charCodeAt(j + 1));
        const low = hexValue(text.charCodeAt(j + 2));
        if (high < 0 || low < 0) break;
        bytes.push(high * 16 + low);
        j += 3;
      }
      if (bytes.length === 0) {
        out += '%';
        i++;
      } else {
        out += decoder.decode(new Uint8Array(bytes));
        i = j;
      }
    } else if (plusIsSpace && code === 43 /* + */) {
      out += ' ';
      i++;
    } else {
      out += text.charAt(i);
      i++;
    }
  }
  return out;
}

/** Decodes `%XX` escapes as UTF-8, as `java.net.URI#getPath` and friends do. */
export const decodeComponent = (text: string): string => decode(text, false);

/** Decodes a form-encoded component, as `java.net.URLDecoder.decode(text, UTF_8)` does. */
export const decodeFormComponent = (text: string): string => decode(text, true);
