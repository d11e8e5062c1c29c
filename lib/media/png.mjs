// Minimal PNG encoder (8-bit RGBA, non-interlaced) for overlays and test fixtures.
import zlib from 'node:zlib';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO 3309 / PNG) of a byte sequence, continuing from `crc` (default: fresh). */
export function crc32(bytes, crc = 0) {
  let c = (crc ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One PNG chunk: length, type, data, CRC over type+data. */
export function pngChunk(type, data) {
  const typeBuf = Buffer.from(type, 'latin1');
  const body = Buffer.concat([typeBuf, data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

/** IHDR payload. colorType 6 = RGBA, 2 = RGB, 0 = gray. */
export function pngIhdr(width, height, bitDepth = 8, colorType = 6) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = colorType;
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // adaptive filtering
  ihdr[12] = 0; // no interlace
  return ihdr;
}

/** Assemble a PNG file from an IHDR payload and an already zlib-compressed IDAT stream. */
export function assemblePng(ihdr, idat) {
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
}

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/**
 * Encode 8-bit RGBA pixels as a PNG file.
 * Each row takes the cheaper (sum of absolute residuals) of filter 0 (None) and 4 (Paeth).
 * @param {Uint8Array|Uint8ClampedArray|Buffer} rgba width*height*4 bytes
 * @returns {Buffer}
 */
export function encodePng(rgba, width, height, { level = 6 } = {}) {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`encodePng: bad size ${width}x${height}`);
  }
  const stride = width * 4;
  if (!rgba || rgba.length < stride * height) throw new RangeError(`encodePng: need ${stride * height} bytes of RGBA`);
  const raw = Buffer.alloc((stride + 1) * height);
  const paethRow = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const src = y * stride;
    const prev = src - stride;
    let costNone = 0, costPaeth = 0;
    for (let i = 0; i < stride; i++) {
      const x = rgba[src + i];
      const a = i >= 4 ? rgba[src + i - 4] : 0;
      const b = y > 0 ? rgba[prev + i] : 0;
      const c = y > 0 && i >= 4 ? rgba[prev + i - 4] : 0;
      const r = (x - paeth(a, b, c)) & 0xff;
      paethRow[i] = r;
      costNone += x < 128 ? x : 256 - x;
      costPaeth += r < 128 ? r : 256 - r;
    }
    const dst = y * (stride + 1);
    if (costPaeth < costNone) {
      raw[dst] = 4;
      raw.set(paethRow, dst + 1);
    } else {
      raw[dst] = 0;
      raw.set(rgba.subarray(src, src + stride), dst + 1);
    }
  }
  const idat = zlib.deflateSync(raw, { level });
  return assemblePng(pngIhdr(width, height, 8, 6), idat);
}

/** `data:image/png;base64,...` URL of the RGBA pixels. */
export function pngDataUrl(rgba, width, height) {
  return 'data:image/png;base64,' + encodePng(rgba, width, height).toString('base64');
}
