import { describe, expect, it } from 'vitest';
import {
  cleanAddress,
  cleanChineseName,
  cleanEthnicity,
  cleanIdNumber,
  cleanIssuingAuthority,
  cleanMrzLine,
  normaliseOcrText,
  parsePrintedBirthDate,
  parseSex,
  parseValidityPeriod,
} from './parse.ts';

describe('cleaning recognised text', () => {
  it('drops spaces and makes full-width characters ASCII', () => {
    expect(normaliseOcrText(' 金 军 明\n')).toBe('金军明');
    expect(normaliseOcrText('２０栋')).toBe('20栋');
  });

  it('keeps hanzi and the middle dot of a name', () => {
    expect(cleanChineseName('金 军 明')).toBe('金军明');
    expect(cleanChineseName('买买提 • 艾力 .')).toBe('买买提·艾力');
    expect(cleanChineseName('| 王芳 1')).toBe('王芳');
  });

  it('reads the sex only when one of 男 and 女 is there', () => {
    expect(parseSex('男')).toBe('男');
    expect(parseSex(' 女 ')).toBe('女');
    expect(parseSex('吉')).toBeNull();
    expect(parseSex('男女')).toBeNull();
  });

  it('cleans an ethnic group, dropping 族 only from a known group', () => {
    expect(cleanEthnicity('汉')).toBe('汉');
    expect(cleanEthnicity('维 吾 尔 族')).toBe('维吾尔');
    expect(cleanEthnicity('汉，')).toBe('汉');
    expect(cleanEthnicity('族')).toBe('族');
  });

  it('joins an address into one line without noise', () => {
    expect(cleanAddress('广 东 省 广 州 市 荔 湾 区 丽 景\n小 区 20 栋 1206 室 |')).toBe('广东省广州市荔湾区丽景小区20栋1206室');
    expect(cleanAddress('某路１２号（东）—3')).toBe('某路12号(东)-3');
  });

  it('keeps only hanzi of the issuing authority', () => {
    expect(cleanIssuingAuthority('广州市公安局 荔湾分局 .')).toBe('广州市公安局荔湾分局');
  });

  it('keeps digits and X of an ID number', () => {
    expect(cleanIdNumber('4401 0319 5204 3028 9x')).toBe('44010319520430289X');
  });
});

describe('parsing dates', () => {
  it('reads the printed birth date in its three groups', () => {
    expect(parsePrintedBirthDate('1952 年 4 月 30 日')).toBe('1952-04-30');
    expect(parsePrintedBirthDate('1952 4 30')).toBe('1952-04-30');
    expect(parsePrintedBirthDate('19520430')).toBe('1952-04-30');
    expect(parsePrintedBirthDate('1952 2 30')).toBeNull();
    expect(parsePrintedBirthDate('1952 430')).toBeNull();
  });

  it('reads a validity period with dates or 长期', () => {
    expect(parseValidityPeriod('2015.03.10-2035.03.10')).toEqual({ validFrom: '2015-03-10', validTo: '2035-03-10' });
    expect(parseValidityPeriod('2026.07.05- 长 期')).toEqual({ validFrom: '2026-07-05', validTo: '长期' });
    expect(parseValidityPeriod('20150310-20350310')).toEqual({ validFrom: '2015-03-10', validTo: '2035-03-10' });
    expect(parseValidityPeriod('2015.03.10 20350310')).toEqual({ validFrom: '2015-03-10', validTo: '2035-03-10' });
    expect(parseValidityPeriod('2015.03.10-')).toEqual({ validFrom: '2015-03-10', validTo: null });
    expect(parseValidityPeriod('')).toEqual({ validFrom: null, validTo: null });
  });
});

describe('MRZ lines', () => {
  const line2 = 'EL83758792CHN5204308M3103142<<<<<<<<<<<<<<<6';

  it('keeps a well-read line as it is', () => {
    expect(cleanMrzLine(`${line2}\n`)).toBe(line2);
    expect(cleanMrzLine('el8375879 2chn')).toBe('EL83758792CHN');
  });

  it('recounts the longest run of fillers when the line is a few characters off', () => {
    const long = line2.replace('<<<<<<<<<<<<<<<', '<<<<<<<<<<<<<<<<<');
    const short = line2.replace('<<<<<<<<<<<<<<<', '<<<<<<<<<<<<<');
    expect(cleanMrzLine(long)).toBe(line2);
    expect(cleanMrzLine(short)).toBe(line2);
    expect(cleanMrzLine('POCHNJIN«JUNMING' + '<'.repeat(27))).toBe('POCHNJIN<<JUNMING' + '<'.repeat(27));
  });

  it('leaves lines far from 44 characters for the parser to report', () => {
    expect(cleanMrzLine('P<GBR')).toBe('P<GBR');
  });
});
