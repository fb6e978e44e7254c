/**
 * Random but valid synthetic identities. Everything a validator checks is made consistent:
 * the ID number's region code matches the address and the issuing bureau, its birth date and
 * sex digits match the printed ones, the validity period follows the holder's age at issue,
 * and the documents are valid on the reference date. Check digits and the MRZ come from the
 * project's one implementation in shared/, never from code of our own.
 */
import { RESIDENT_ID_LONG_TERM, formatTd3Mrz, residentIdCheckDigit, validityTermForAge } from '../../../shared/src/domain/identity/index.ts';
import { COMMUNITIES, COMPOUND_SURNAMES, COUNTIES, FOREIGN_STATES, GIVEN_FEMALE, GIVEN_MALE, MINORITIES, STREETS, SURNAMES, minoritiesFor, type County } from './catalogue.ts';
import { addDays, addYears, ageOn, maxDate, randomDate } from './dates.ts';
import { Random } from './random.ts';
import type { PassportFields, ResidentIdBackFields, ResidentIdFrontFields } from './types.ts';

/** The neutral drawn portrait's look; no face is ever rendered, only shapes and colours. */
export interface PortraitStyle {
  skin: string;
  hair: string;
  hairStyle: 'short' | 'long' | 'bun';
  clothes: string;
}

export interface ResidentCard {
  front: ResidentIdFrontFields;
  back: ResidentIdBackFields;
  county: County;
  portrait: PortraitStyle;
}

export interface PassportPage {
  fields: PassportFields;
  mrz: [string, string];
  /** What the visual zone prints besides the MRZ fields. */
  print: {
    stateZh?: string;
    stateEn: string;
    nameZh?: { surname: string; given: string };
    placeOfBirth: string;
    placeOfIssue: string;
    issueDate: string;
    authority: string;
  };
  portrait: PortraitStyle;
}

export interface SyntheticIdentity {
  index: number;
  card: ResidentCard;
  passport: PassportPage;
}

export interface IdentityOptions {
  seed: string;
  index: number;
  /** The day on which every document must be valid and every holder an adult. */
  referenceDate: string;
}

/** Second-generation cards were first issued in 2004; nothing valid today predates that. */
const SECOND_GENERATION_SINCE = '2004-01-01';
/** Documents stay valid at least this long after the reference date, so a saved set keeps working for a while. */
const VALIDITY_MARGIN_DAYS = 30;

export function synthesizeIdentity({ seed, index, referenceDate }: IdentityOptions): SyntheticIdentity {
  // Separate streams so that changing how passports are made leaves ID cards unchanged.
  const card = synthesizeResidentCard(new Random(`${seed}/card/${index}`), referenceDate);
  const passport = synthesizePassport(new Random(`${seed}/passport/${index}`), card, referenceDate);
  return { index, card, passport };
}

// ---------------------------------------------------------------------------------------
// Resident ID card

function synthesizeResidentCard(rng: Random, referenceDate: string): ResidentCard {
  const sex = rng.chance(0.5) ? 'M' : 'F';
  const county = rng.pick(COUNTIES);
  const birthDate = adultBirthDate(rng, referenceDate);
  const name = chineseName(rng, sex);
  const front: ResidentIdFrontFields = {
    name: name.surname + name.given,
    sex: sex === 'M' ? '男' : '女',
    ethnicity: ethnicityFor(rng, county),
    birthDate,
    address: addressIn(rng, county),
    idNumber: residentIdNumber(rng, county.code, birthDate, sex),
  };
  const back = cardValidity(rng, birthDate, referenceDate, county.issuingAuthority);
  return { front, back, county, portrait: portraitStyle(rng, sex, birthDate, referenceDate) };
}

/** Adults aged 18 to 90 on the reference date. */
function adultBirthDate(rng: Random, referenceDate: string): string {
  return randomDate(rng, addDays(addYears(referenceDate, -91), 1), addYears(referenceDate, -18));
}

function chineseName(rng: Random, sex: 'M' | 'F'): { surname: string; given: string; surnameLatin: string; givenLatin: string } {
  const givenPool = sex === 'M' ? GIVEN_MALE : GIVEN_FEMALE;
  const [surname, surnameLatin] = rng.chance(0.03) ? rng.pick(COMPOUND_SURNAMES) : rng.pick(SURNAMES);
  // Names are 2 or 3 hanzi in all: a compound surname takes a one-character given name.
  const givenLength = surname.length === 2 ? 1 : rng.chance(0.6) ? 2 : 1;
  const parts = Array.from({ length: givenLength }, () => rng.pick(givenPool));
  return {
    surname,
    surnameLatin,
    given: parts.map(([zh]) => zh).join(''),
    givenLatin: parts.map(([, latin]) => latin).join(''),
  };
}

/** Mostly 汉, otherwise usually a minority common in the region. */
function ethnicityFor(rng: Random, county: County): string {
  if (rng.chance(0.85)) return '汉';
  const local = minoritiesFor(county);
  return local.length > 0 && rng.chance(0.8) ? rng.pick(local) : rng.pick(MINORITIES);
}

/** Province (none for municipalities), city, district, then a street-level address, ≤ 3 printed lines. */
function addressIn(rng: Random, county: County): string {
  const prefix = `${county.province}${county.city}${county.district}`;
  const street = rng.pick(STREETS);
  const formats = [
    () => `${street}${rng.int(1, 399)}号`,
    () => `${street}${rng.int(1, 199)}号院${rng.int(1, 20)}号楼${rng.int(1, 6)}单元${rng.int(1, 28)}0${rng.int(1, 4)}号`,
    () => `${rng.pick(COMMUNITIES)}小区${rng.int(1, 30)}栋${rng.int(1, 33)}0${rng.int(1, 6)}室`,
    () => `${street}${rng.int(1, 900)}弄${rng.int(1, 60)}号${rng.int(1, 6)}0${rng.int(1, 4)}室`,
  ];
  const address = prefix + rng.pick(formats)();
  // The card prints about 11 characters a line on at most 3 lines.
  return address.length <= 32 ? address : prefix + formats[0]!();
}

/** GB 11643: region, birth date, a sequence whose last digit is odd for men, the check digit. */
function residentIdNumber(rng: Random, regionCode: string, birthDate: string, sex: 'M' | 'F'): string {
  const sequence = sex === 'M' ? 2 * rng.int(0, 499) + 1 : 2 * rng.int(1, 499);
  const first17 = regionCode + birthDate.replaceAll('-', '') + String(sequence).padStart(3, '0');
  return first17 + residentIdCheckDigit(first17);
}

const LONG_TERM = RESIDENT_ID_LONG_TERM;

/** An issue date whose validity period still covers the reference date (plus a margin). */
function cardValidity(rng: Random, birthDate: string, referenceDate: string, issuingAuthority: string): ResidentIdBackFields {
  // Cards are compulsory from 16 but may be issued younger: a young adult may still carry a 5-year card.
  const earliest = maxDate(addYears(birthDate, 10), SECOND_GENERATION_SINCE);
  const validToFor = (validFrom: string) => {
    const term = validityTermForAge(ageOn(birthDate, validFrom));
    return term === LONG_TERM ? LONG_TERM : addYears(validFrom, term);
  };
  for (let attempt = 0; attempt < 40; attempt++) {
    const validFrom = randomDate(rng, earliest, referenceDate);
    const validTo = validToFor(validFrom);
    if (validTo === LONG_TERM || validTo > addDays(referenceDate, VALIDITY_MARGIN_DAYS)) return { issuingAuthority, validFrom, validTo };
  }
  // A card renewed within the last year is always valid long enough.
  const validFrom = maxDate(earliest, addDays(referenceDate, -rng.int(0, 365)));
  return { issuingAuthority, validFrom, validTo: validToFor(validFrom) };
}

function portraitStyle(rng: Random, sex: 'M' | 'F', birthDate: string, referenceDate: string): PortraitStyle {
  const age = ageOn(birthDate, referenceDate);
  const greyChance = age > 60 ? 0.7 : age > 45 ? 0.25 : 0;
  return {
    skin: rng.pick(['#e9c9a8', '#dfb892', '#d4a983', '#c99a72', '#eed3b5']),
    hair: rng.chance(greyChance) ? rng.pick(['#8d8d8d', '#b5b3ae', '#6f6c68']) : rng.pick(['#1c1a18', '#2a2420', '#3a2d24']),
    hairStyle: sex === 'M' ? 'short' : rng.pick(['short', 'long', 'bun'] as const),
    clothes: rng.pick(['#2f3b52', '#3c3c3c', '#5a4a3a', '#1f4a5a', '#6a6f78', '#f0f0f0']),
  };
}

// ---------------------------------------------------------------------------------------
// Passport

/** Chinese passports for most identities (the card holder's own), some foreign ones. */
function synthesizePassport(rng: Random, card: ResidentCard, referenceDate: string): PassportPage {
  return rng.chance(0.75) ? chinesePassport(rng, card, referenceDate) : foreignPassport(rng, referenceDate);
}

/** Issued within the last 10 years (less the margin), and when the holder was already an adult. */
function adultPassportIssueDate(rng: Random, birthDate: string, referenceDate: string): string {
  const earliest = addDays(addYears(referenceDate, -10), VALIDITY_MARGIN_DAYS + 1);
  return randomDate(rng, maxDate(addYears(birthDate, 18), earliest), referenceDate);
}

/** The National Immigration Administration took over passports in April 2019. */
const NIA_SINCE = '2019-04-02';

function chinesePassport(rng: Random, card: ResidentCard, referenceDate: string): PassportPage {
  const { front, county } = card;
  const sex = front.sex === '男' ? 'M' : 'F';
  // The same name again from the card's hanzi: the catalogue holds each character's spelling.
  const name = latinNameOf(front.name);
  const issueDate = adultPassportIssueDate(rng, front.birthDate, referenceDate);
  const fields: PassportFields = {
    // E + 8 digits until the numbers ran out (2017), then E + letter + 7 digits.
    documentNumber: issueDate < '2017-01-01' ? `E${rng.digits(8)}` : `E${rng.pick([...'ABCDFGHJKLM'])}${rng.digits(7)}`,
    surname: name.surnameLatin,
    givenNames: name.givenLatin,
    nationality: 'CHN',
    issuingCountry: 'CHN',
    birthDate: front.birthDate,
    sex,
    // Chinese passports end the day before the tenth anniversary of issue.
    expiryDate: addDays(addYears(issueDate, 10), -1),
  };
  const place = `${county.placeZh}/${county.placeLatin}`;
  return {
    fields,
    // Chinese ordinary passports write their type as 'PO' in the MRZ (the visual zone says P).
    mrz: mrzFor('PO', fields),
    print: {
      stateZh: '中华人民共和国',
      stateEn: "PEOPLE'S REPUBLIC OF CHINA",
      nameZh: { surname: name.surname, given: name.given },
      placeOfBirth: place,
      placeOfIssue: place,
      issueDate,
      authority: issueDate >= NIA_SINCE ? '国家移民管理局\nNational Immigration Administration, PRC' : '公安部出入境管理局\nExit & Entry Administration, MPS',
    },
    portrait: card.portrait,
  };
}

/** Splits a card name back into surname and given name and spells both in pinyin. */
function latinNameOf(nameZh: string): { surname: string; given: string; surnameLatin: string; givenLatin: string } {
  const compound = COMPOUND_SURNAMES.find(([zh]) => nameZh.startsWith(zh));
  const [surname, surnameLatin] = compound ?? SURNAMES.find(([zh]) => zh === nameZh[0])!;
  const given = nameZh.slice(surname.length);
  const spell = (ch: string) => [...GIVEN_MALE, ...GIVEN_FEMALE].find(([zh]) => zh === ch)?.[1] ?? '';
  return { surname, surnameLatin, given, givenLatin: [...given].map(spell).join('') };
}

function foreignPassport(rng: Random, referenceDate: string): PassportPage {
  const state = rng.pick(FOREIGN_STATES);
  const sex = rng.chance(0.5) ? 'M' : 'F';
  const birthDate = adultBirthDate(rng, referenceDate);
  const givenPool = sex === 'M' ? state.givenMale : state.givenFemale;
  const first = rng.pick(givenPool);
  const second = rng.chance(0.4) ? rng.pick(givenPool.filter((g) => g !== first)) : undefined;
  const issueDate = adultPassportIssueDate(rng, birthDate, referenceDate);
  const fields: PassportFields = {
    documentNumber: documentNumberLike(rng, state.numberPattern),
    surname: rng.pick(state.surnames),
    givenNames: second ? `${first} ${second}` : first,
    nationality: state.code,
    issuingCountry: state.code,
    birthDate,
    sex,
    expiryDate: addYears(issueDate, 10),
  };
  return {
    fields,
    mrz: mrzFor('P', fields),
    print: { stateEn: state.name, placeOfBirth: rng.pick(state.cities), placeOfIssue: state.authority, issueDate, authority: state.authority },
    portrait: portraitStyle(rng, sex, birthDate, referenceDate),
  };
}

/** L: a letter (never I or O, which states avoid next to digits), D: a digit, A: either. */
function documentNumberLike(rng: Random, pattern: string): string {
  const letters = 'ABCDEFGHJKLMNPRSTUVWXYZ';
  return [...pattern]
    .map((p) => (p === 'L' ? rng.pick([...letters]) : p === 'D' ? String(rng.int(0, 9)) : rng.pick([...letters, ...'0123456789'])))
    .join('');
}

function mrzFor(documentType: 'P' | 'PO', fields: PassportFields): [string, string] {
  return formatTd3Mrz({ documentType, ...fields });
}
