import { boxHeader } from './bytes.ts';

export interface FileType {
  majorBrand: string;
  minorVersion: number;
  compatibleBrands: string[];
}

function fourcc(value: string, field: string): Buffer {
  const bytes = Buffer.from(value, 'latin1');
  if (bytes.length !== 4) throw new RangeError(`ftyp ${field} '${value}' is not a four-character code`);
  return bytes;
}

export function ftypBox({ majorBrand, minorVersion, compatibleBrands }: FileType): Buffer {
  const body = Buffer.alloc(4);
  body.writeUInt32BE(minorVersion >>> 0, 0);
  const brands = compatibleBrands.map((brand, i) => fourcc(brand, `compatibleBrands[${i}]`));
  const size = 8 + 4 + 4 + 4 * brands.length;
  return Buffer.concat([boxHeader('ftyp', size), fourcc(majorBrand, 'majorBrand'), body, ...brands]);
}
