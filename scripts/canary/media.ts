/**
 * The small media files the canary sends, made here so the canary needs no sample files and no
 * ffmpeg: a PNG (drawn), an MP3 and an OGG Opus file (1 s of silence, framed by hand), a WebP
 * sticker (encoded once by Chromium's canvas and kept as base64), and a text document. Each one
 * decodes in Chromium (checked when they were written: an <img>, decodeAudioData). A video
 * cannot be made this way; CANARY_VIDEO names a sample file instead.
 */
import { deflateSync } from 'node:zlib';

export interface MediaFile {
  mimetype: string;
  filename: string;
  data: Buffer;
}

export function dataUri(file: MediaFile): string {
  return `data:${file.mimetype};base64,${file.data.toString('base64')}`;
}

// --- PNG ---------------------------------------------------------------------------------------

const PNG_CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = PNG_CRC[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

/** A `size`x`size` RGB PNG: a gradient tinted by `seed`, so two runs never send the same bytes. */
export function png(seed: number, size = 96): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3); // filter 0, then the pixels
    for (let x = 0; x < size; x++) row.set([(x * 255) / size, (y * 255) / size, seed & 0xff], 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.concat(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

// --- MP3: MPEG-1 Layer III frames whose side info is all zero decode as silence ---------------

/** About `seconds` of mono 44.1 kHz 128 kbit/s MP3 silence. */
export function mp3(seconds = 1): Buffer {
  const frameBytes = 417; // 144 * 128000 / 44100, no padding
  const header = Buffer.from([0xff, 0xfb, 0x90, 0xc4]); // MPEG-1, Layer III, no CRC, 128k, 44.1k, mono, original
  const frame = Buffer.alloc(frameBytes);
  header.copy(frame, 0);
  const frames = Math.ceil((seconds * 44100) / 1152);
  return Buffer.concat(Array.from({ length: frames }, () => frame));
}

// --- OGG Opus: an Ogg stream (RFC 3533) of Opus silence frames (RFC 7845) ---------------------

const OGG_CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n << 24;
  for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
  return c >>> 0;
});

function oggCrc(bytes: Buffer): number {
  let c = 0;
  for (const b of bytes) c = ((c << 8) ^ OGG_CRC[((c >>> 24) ^ b) & 0xff]!) >>> 0;
  return c >>> 0;
}

function oggPage(packets: Buffer[], granule: bigint, sequence: number, flags: number, serial: number): Buffer {
  const lacing: number[] = [];
  for (const p of packets) {
    let left = p.length;
    while (left >= 255) {
      lacing.push(255);
      left -= 255;
    }
    lacing.push(left);
  }
  const head = Buffer.alloc(27 + lacing.length);
  head.write('OggS', 0, 'ascii');
  head[4] = 0; // version
  head[5] = flags; // 2 = first page, 4 = last page
  head.writeBigUInt64LE(granule, 6);
  head.writeUInt32LE(serial, 14);
  head.writeUInt32LE(sequence, 18);
  head[26] = lacing.length;
  Buffer.from(lacing).copy(head, 27);
  const page = Buffer.concat([head, ...packets]);
  page.writeUInt32LE(oggCrc(page), 22);
  return page;
}

/** About `seconds` of mono 48 kHz Opus silence in an Ogg container (what WhatsApp voice notes are). */
export function oggOpus(seconds = 1): Buffer {
  const serial = 0x6861746c; // "hatl"
  const preSkip = 312;
  const opusHead = Buffer.alloc(19);
  opusHead.write('OpusHead', 0, 'ascii');
  opusHead[8] = 1; // version
  opusHead[9] = 1; // one channel
  opusHead.writeUInt16LE(preSkip, 10);
  opusHead.writeUInt32LE(48000, 12);
  opusHead.writeInt16LE(0, 16); // output gain
  opusHead[18] = 0; // channel mapping family 0
  const vendor = Buffer.from('hatline-canary', 'ascii');
  const opusTags = Buffer.alloc(8 + 4 + vendor.length + 4);
  opusTags.write('OpusTags', 0, 'ascii');
  opusTags.writeUInt32LE(vendor.length, 8);
  vendor.copy(opusTags, 12);
  opusTags.writeUInt32LE(0, 12 + vendor.length); // no comments
  // TOC 0xF8: CELT-only, fullband, 20 ms, mono, one frame; FF FE is a silent frame.
  const silence = Buffer.from([0xf8, 0xff, 0xfe]);
  const count = Math.ceil(seconds * 50);
  return Buffer.concat([
    oggPage([opusHead], 0n, 0, 2, serial),
    oggPage([opusTags], 0n, 1, 0, serial),
    oggPage(Array.from({ length: count }, () => silence), BigInt(count * 960), 2, 4, serial),
  ]);
}

// --- WebP ----------------------------------------------------------------------------------------

/** A 96x96 lossy WebP (a gradient), encoded by Chromium's canvas.toDataURL('image/webp'). */
const WEBP_BASE64 = [
  'UklGRiQIAABXRUJQVlA4WAoAAAAwAAAAXwAAXwAASUNDUMgBAAAAAAHIAAAAAAQwAABtbnRyUkdCIFhZWiAH4AABAAEAAAAA',
  'AABhY3NwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAA9tYAAQAAAADTLQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlkZXNjAAAA8AAAACRyWFlaAAABFAAAABRnWFlaAAABKAAAABRiWFlaAAABPAAA',
  'ABR3dHB0AAABUAAAABRyVFJDAAABZAAAAChnVFJDAAABZAAAAChiVFJDAAABZAAAAChjcHJ0AAABjAAAADxtbHVjAAAAAAAA',
  'AAEAAAAMZW5VUwAAAAgAAAAcAHMAUgBHAEJYWVogAAAAAAAAb6IAADj1AAADkFhZWiAAAAAAAABimQAAt4UAABjaWFlaIAAA',
  'AAAAACSgAAAPhAAAts9YWVogAAAAAAAA9tYAAQAAAADTLXBhcmEAAAAAAAQAAAACZmYAAPKnAAANWQAAE9AAAApbAAAAAAAA',
  'AABtbHVjAAAAAAAAAAEAAAAMZW5VUwAAACAAAAAcAEcAbwBvAGcAbABlACAASQBuAGMALgAgADIAMAAxADZBTFBI6AIAAA2Q',
  'BmvbMTd3bCffbudLprZtm1Ft27Zt23YXtW3b/mYWNeNyP7zvU/6KiAnAv9IS4YJOEHSCAJvVZrParNJxQkJr1KwEmYJOEHSC',
  'Tsyz12R6TUGG2rXSQ13fSrWq3zAb7/Pl36qDE7R0KVEzMmnhknfcpO5WBwxmaVtn48wnXHgPrQ1G/Vt32Dz6I3s1JoNht15N',
  'euxlzHO6CLZTL3zYI46l/AvAfvvWzW4w49Q7BjxmX75kPiNOM8Cp19S4Hkw4LQO/3VP3StHOaRl47p69XYpm08B3yxw9teoP',
  '3rt5jdemfWruMO7Gai3KxIDApfPOqaebAQrd1rR9o5bzWtCYZnhztYaCysi009XJUpsMTF56U5XpoNNlUk81okBpZafdypwm',
  'koIZ3b8oigStmbIalTgNIQaDxn5REAlqC4TsUdCfHPQfL88/PT1Fb76VVQ30upffJSuKIEQZ5LiXp6jKni8yioHigCxnZFQh',
  'CVEGGVHUZQHNmZ1uO8hDFPJcdqCnSm/53Qt8Q53e4iCQPP1vX5wnUXFwaNETZfnv4zF5Fkc3w/1Jem93lHCgKkk7IdMQRZJB',
  'zs4K7gS9Pyrn3YWyBO2E7PX1CTLI21rDnZyEffLeXShLziEonN+enOlKjFkzEXPRruTL+AHETILi1YUykXLvirKkUSNI6QsV',
  '14eVJ2TPZzXQeYoHGfF9oert5ePJ6A+Vp+eoQITxkVpoMklPgrUfVLf0WeFMQEojaLh/1xQCOkHT6fH9uBsBjftHdOJsvkUr',
  'dEndm6vpd6H5l76YxM+XnmBy8t25rpwkNwSji9aujODiWRMwe7zTpEocGIaB4dcNUk0OYexl39dg+suKcX1bOjH0ZdkEMP+y',
  '3+2F2Zi52RZcnuxQcEhqJp6OPgNOk1aMqtUps2a3p+0Gz7PmJEfWLOGiWvIJkxHc3zeab1SvVclXhbd7THtA5GuTab+PKIpi',
  'uCiKkH58LklxIDXFKkmS9FySJPx1BlZQOCBGAwAAsBMAnQEqYABgAD5tLJFFpCKhl4y2GEAGxLQG4XZD6MVhB+kBTmouZ++/',
  'TAWh8gHay8SnpZ/xD0E+cZ6DfQA/wH+j6x/0APNU/1f7nfBJ+4fpH////6dgAkcRo8Fd0bRC0e71ur8jjGmABDWnyhsjwXBu',
  'pZwIMeGtdgkmJ0uyXhqvYTat3dx8G8A+D3bEP8c9ZBdM7z25drcfwV0K5QvSHfK12V6BgAD+/W5JY+Cf/8k3/+Rw//8oIUid',
  'q021dWD57uWX75eO+X/xgPo4fPmuI+x3esmzr/FTQ18DVelcNibXLEAUR/0OiSsTohHOYBIk5L3E6mKYWL/GGNdq/WnBWts1',
  '/k0GZzk8DYr7ZdXWKI1jp/semJ8D/LiiDH0rc2ulQMg2rNUuf/PrysdS699vwK5XxEmVm7HAMiqskWwFgj+jR1IRZfeXkneA',
  'g+ozbdm6/3FHOx731zXFH+M6PSq9HQzXv8+vFdz+/HFHeCxiOz+myQApITDEA8I+GQtw09+PcemleV2jH/MWXgNFKWPUAsBN',
  'JQw8Makt1RcgTwsVLC0swtWL2RA/AVpVnhi+kAnbccAIy5GSqi1lxyB59QFLdMTV4W73M8PAFrnrCsUHbcUfUUZvQywEWzhJ',
  '4I/kHML7S/0QihwrM3Je/tuZk3/mAaHxxaXVDHJR7QHB1CiVrONrdBeS0J1nXp5prb/rAOweIKtwEXj0X39/H3PemOAbxKpO',
  '91Kj3YWQiC/9LjPjsLhtrxW70GP2/q0873K2027HjbaeJICxj6Ux3ohkNPxBL55Sr2Ux8pt7ImwaMTCxxAv5+e/0mmyxmoTU',
  'Rq/teFjUl1RqKPOVmQImQCtSjiGs7hKTlEh2wzujUMU/kNz/8TjkMZmm7vdZsLhZImlq7egCtxHI+WheD7oqFgJAGKFQ/3Pb',
  'mK6jNkhHFK4BZLGPG36+Yeiz2S3FPqt9OunUFU6/3qAQ9KZIZhk9Ailn3nEf21Xu2wcS+uhUM/N/EJATyA1ihRnKROloMTC8',
  'AaqvzotLGuFpKbW2fESqPA/7mWL+JJkjz37GqCWkqIl3ooZ2Axknc+14ok1djh/pI/aKwEbR42RqGVj21oGc8f/v28D/iIZw',
  'CAAAAA==',
].join('');

export function webp(): Buffer {
  return Buffer.from(WEBP_BASE64, 'base64');
}

// --- all of them -----------------------------------------------------------------------------------

export interface CanaryMedia {
  image: MediaFile;
  reply: MediaFile;
  audio: MediaFile;
  voice: MediaFile;
  sticker: MediaFile;
  document: MediaFile;
}

/** The files of one run; `tag` (the run's id) goes into the document and tints the images. */
export function canaryMedia(tag: string): CanaryMedia {
  const seed = [...tag].reduce((n, ch) => (n * 31 + ch.charCodeAt(0)) & 0xffff, 7);
  return {
    image: { mimetype: 'image/png', filename: 'canary.png', data: png(seed) },
    reply: { mimetype: 'image/png', filename: 'canary-reply.png', data: png(seed + 128) },
    audio: { mimetype: 'audio/mpeg', filename: 'canary.mp3', data: mp3() },
    voice: { mimetype: 'audio/ogg; codecs=opus', filename: 'canary.ogg', data: oggOpus() },
    sticker: { mimetype: 'image/webp', filename: 'canary.webp', data: webp() },
    document: {
      mimetype: 'text/plain',
      filename: `hatline-canary-${tag}.txt`,
      data: Buffer.from(`Hatline canary ${tag}\nA document sent by scripts/canary.ts; its bytes are compared on arrival.\n`),
    },
  };
}
