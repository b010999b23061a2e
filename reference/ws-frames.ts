// RFC 6455 §5.2 framing of unmasked text frames (server to client), so a burst of frames
// goes to the socket as one buffer and one write instead of two writes per frame through
// ws's sender. Only used for ws's plain path: no compression, no fragmentation.

/** Header length of an unmasked frame with a payload of `n` bytes. */
function headerLength(n: number): number {
  return n < 126 ? 2 : n < 65_536 ? 4 : 10;
}

/** Concatenated FIN+text frames, one per string, ready for socket.write. */
export function textFrames(messages: readonly string[]): Buffer {
  const lengths = messages.map((m) => Buffer.byteLength(m, 'utf8'));
  let total = 0;
  for (const n of lengths) total += headerLength(n) + n;
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  messages.forEach((message, k) => {
    const n = lengths[k] as number;
    out[at] = 0x81; // FIN + opcode 1 (text)
    if (n < 126) {
      out[at + 1] = n;
      at += 2;
    } else if (n < 65_536) {
      out[at + 1] = 126;
      out.writeUInt16BE(n, at + 2);
      at += 4;
    } else {
      out[at + 1] = 127;
      out.writeUInt32BE(Math.floor(n / 2 ** 32), at + 2);
      out.writeUInt32BE(n >>> 0, at + 6);
      at += 10;
    }
    at += out.write(message, at, 'utf8');
  });
  return out;
}
