import { describe, expect, it } from 'vitest';
import { PROVINCES, provinceByCode, provinceOfAddress } from './regions.ts';

describe('province-level divisions', () => {
  it('lists the 34 divisions once each, Taiwan, Hong Kong and Macao included', () => {
    expect(PROVINCES).toHaveLength(34);
    expect(new Set(PROVINCES.map((p) => p.code)).size).toBe(34);
    expect(new Set(PROVINCES.map((p) => p.name)).size).toBe(34);
    expect(provinceByCode('11')?.name).toBe('北京市');
    expect(provinceByCode('71')?.name).toBe('台湾省');
    expect(provinceByCode('81')?.name).toBe('香港特别行政区');
    expect(provinceByCode('82')?.name).toBe('澳门特别行政区');
    expect(provinceByCode('83')).toBeNull();
    expect(provinceByCode('10')).toBeNull();
  });

  it('gives every division a short name its full name starts with', () => {
    for (const p of PROVINCES) expect(p.name.startsWith(p.shortName)).toBe(true);
  });
});

describe('provinceOfAddress', () => {
  it.each([
    ['北京市朝阳区建国路88号', '11'],
    ['广西壮族自治区南宁市青秀区', '45'],
    ['新疆维吾尔自治区乌鲁木齐市', '65'],
    ['内蒙古自治区呼和浩特市', '15'],
    ['黑龙江省哈尔滨市南岗区', '23'],
    ['山西省太原市', '14'],
    ['陕西省西安市', '61'],
    ['  上海市 浦东新区', '31'],
    ['广西自治区南宁市', '45'],
    ['吉林市船营区', '22'],
    ['青海省海南藏族自治州共和县', '63'],
    ['香港特别行政区', '81'],
  ])('%s → %s', (address, code) => {
    expect(provinceOfAddress(address)?.code).toBe(code);
  });

  it.each([
    ['no province named', '朝阳区建国路88号'],
    ["a prefecture named like a province (青海's 海南州)", '海南藏族自治州共和县'],
    ['a short name without a division suffix', '广东深圳市'],
    ['empty', ''],
  ])('null for %s', (_, address) => {
    expect(provinceOfAddress(address)).toBeNull();
  });
});
