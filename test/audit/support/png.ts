import { inflateSync } from 'node:zlib';

export interface DecodedPng {
  width: number;
  height: number;
  /** 3 (RGB) or 4 (RGBA) bytes per pixel, rows top to bottom. */
  channels: 3 | 4;
  pixels: Buffer;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const paeth = (left: number, up: number, upLeft: number): number => {
  const estimate = left + up - upLeft;
  const dLeft = Math.abs(estimate - left);
  const dUp = Math.abs(estimate - up);
  const dUpLeft = Math.abs(estimate - upLeft);
  return dLeft <= dUp && dLeft <= dUpLeft ? left : dUp <= dUpLeft ? up : upLeft;
};

/** A minimal PNG decoder: 8-bit RGB or RGBA, not interlaced (what headless Chromium writes). */
export const decodePng = (png: Buffer): DecodedPng => {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
  let offset = 8;
  let header: { width: number; height: number; bitDepth: number; colourType: number; interlace: number } | undefined;
  const data: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      header = {
        width: body.readUInt32BE(0),
        height: body.readUInt32BE(4),
        bitDepth: body[8] as number,
        colourType: body[9] as number,
        interlace: body[12] as number,
      };
    } else if (type === 'IDAT') {
      data.push(body);
    } else if (type === 'IEND') {
      break;
    }
    offset += 12 + length;
  }
  if (!header) throw new Error('PNG without IHDR');
  const { width, height, bitDepth, colourType, interlace } = header;
  if (bitDepth !== 8 || (colourType !== 2 && colourType !== 6) || interlace !== 0) {
    throw new Error(`unsupported PNG: bit depth ${bitDepth}, colour type ${colourType}, interlace ${interlace}`);
  }
  const channels = colourType === 6 ? 4 : 3;
  const stride = width * channels;
  const raw = inflateSync(Buffer.concat(data));
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * (stride + 1)] as number;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x += 1) {
      const left = x >= channels ? (pixels[y * stride + x - channels] as number) : 0;
      const up = y > 0 ? (pixels[(y - 1) * stride + x] as number) : 0;
      const upLeft = x >= channels && y > 0 ? (pixels[(y - 1) * stride + x - channels] as number) : 0;
      const value = line[x] as number;
      const predicted =
        filter === 0
          ? 0
          : filter === 1
            ? left
            : filter === 2
              ? up
              : filter === 3
                ? (left + up) >> 1
                : filter === 4
                  ? paeth(left, up, upLeft)
                  : NaN;
      if (Number.isNaN(predicted)) throw new Error(`unknown PNG filter ${filter} on row ${y}`);
      pixels[y * stride + x] = (value + predicted) & 0xff;
    }
  }
  return { width, height, channels, pixels };
};

/** "#2f5fa7" as [r, g, b]. */
export const rgb = (hex: string): [number, number, number] => {
  const value = Number.parseInt(hex.replace('#', ''), 16);
  return [(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff];
};

/** For each row, how many pixels are within `tolerance` (per channel) of the colour. */
export const colourCountByRow = (image: DecodedPng, colour: [number, number, number], tolerance = 12): number[] => {
  const counts: number[] = [];
  for (let y = 0; y < image.height; y += 1) {
    let count = 0;
    for (let x = 0; x < image.width; x += 1) {
      const at = (y * image.width + x) * image.channels;
      if (
        Math.abs((image.pixels[at] as number) - colour[0]) <= tolerance &&
        Math.abs((image.pixels[at + 1] as number) - colour[1]) <= tolerance &&
        Math.abs((image.pixels[at + 2] as number) - colour[2]) <= tolerance
      ) {
        count += 1;
      }
    }
    counts.push(count);
  }
  return counts;
};

/** Horizontal bands: runs of consecutive rows with at least `minPerRow` pixels of the colour. */
export const bands = (countsByRow: number[], minPerRow: number): Array<{ top: number; bottom: number; pixels: number }> => {
  const found: Array<{ top: number; bottom: number; pixels: number }> = [];
  countsByRow.forEach((count, y) => {
    if (count < minPerRow) return;
    const last = found[found.length - 1];
    if (last && last.bottom === y - 1) {
      last.bottom = y;
      last.pixels += count;
    } else {
      found.push({ top: y, bottom: y, pixels: count });
    }
  });
  return found;
};
