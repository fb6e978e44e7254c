/**
 * China's 34 province-level divisions with their GB/T 2260 codes, the first two digits of
 * every resident ID number.
 *
 * Used to name the province an ID number was issued in and to tell which province a card's
 * address is in. Addresses on the card always start with the full province name
 * ("广东省深圳市…"); a short name counts only when a division suffix follows it ("广西自治区"),
 * so that places named like provinces (青海省的"海南藏族自治州") are not mistaken for them.
 */

export interface Province {
  /** Two-digit GB/T 2260 code, e.g. '44'. */
  code: string;
  /** Official name, e.g. '广东省'. */
  name: string;
  /** Name without the division suffix, e.g. '广东'. */
  shortName: string;
}

function province(code: string, name: string, shortName: string): Province {
  return Object.freeze({ code, name, shortName });
}

export const PROVINCES: readonly Province[] = Object.freeze([
  province('11', '北京市', '北京'),
  province('12', '天津市', '天津'),
  province('13', '河北省', '河北'),
  province('14', '山西省', '山西'),
  province('15', '内蒙古自治区', '内蒙古'),
  province('21', '辽宁省', '辽宁'),
  province('22', '吉林省', '吉林'),
  province('23', '黑龙江省', '黑龙江'),
  province('31', '上海市', '上海'),
  province('32', '江苏省', '江苏'),
  province('33', '浙江省', '浙江'),
  province('34', '安徽省', '安徽'),
  province('35', '福建省', '福建'),
  province('36', '江西省', '江西'),
  province('37', '山东省', '山东'),
  province('41', '河南省', '河南'),
  province('42', '湖北省', '湖北'),
  province('43', '湖南省', '湖南'),
  province('44', '广东省', '广东'),
  province('45', '广西壮族自治区', '广西'),
  province('46', '海南省', '海南'),
  province('50', '重庆市', '重庆'),
  province('51', '四川省', '四川'),
  province('52', '贵州省', '贵州'),
  province('53', '云南省', '云南'),
  province('54', '西藏自治区', '西藏'),
  province('61', '陕西省', '陕西'),
  province('62', '甘肃省', '甘肃'),
  province('63', '青海省', '青海'),
  province('64', '宁夏回族自治区', '宁夏'),
  province('65', '新疆维吾尔自治区', '新疆'),
  province('71', '台湾省', '台湾'),
  province('81', '香港特别行政区', '香港'),
  province('82', '澳门特别行政区', '澳门'),
]);

const BY_CODE = new Map(PROVINCES.map((p) => [p.code, p]));

/** Suffixes that make a short name unambiguously a province-level division. */
const DIVISION_SUFFIXES = ['省', '市', '自治区', '特别行政区'] as const;

/** The province with this two-digit code, or null. */
export function provinceByCode(code: string): Province | null {
  return BY_CODE.get(code) ?? null;
}

/**
 * The province an address starts with, or null when it names none (the caller then cannot
 * tell, which is not the same as a mismatch).
 */
export function provinceOfAddress(address: string): Province | null {
  const text = address.replace(/\s+/g, '');
  const byFullName = PROVINCES.find((p) => text.startsWith(p.name));
  if (byFullName) return byFullName;
  return (
    PROVINCES.find((p) =>
      DIVISION_SUFFIXES.some((suffix) => text.startsWith(p.shortName + suffix)),
    ) ?? null
  );
}
