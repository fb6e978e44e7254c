/**
 * The wealth products the VTM can sell, each with its risk level and its risk disclosure
 * (风险揭示书).
 *
 * A disclosure is versioned per product: the version is part of the signed document, so a
 * reviewer can show, years later, exactly which text the customer was shown and agreed to.
 * A published disclosure version is never edited; changed text gets the next version.
 * `keyPoints` are the 话术 the teller reads aloud, one sentence each, a plain subset of the
 * full text; `acknowledgement` is the sentence the customer copies out by hand (抄录).
 *
 * The catalogue below is seed data (fictional products that follow the shape and wording of
 * real bank-distributed products); it is validated when the module loads.
 */
import { z } from 'zod';
import {
  CustomerRiskLevel,
  LocalizedText,
  ProductRiskLevel,
  customerLevelLabel,
  deepFreeze,
  productRiskLabel,
  productRiskWithinTolerance,
  riskRank,
} from './levels.ts';

/** The sentence the customer hand-copies before signing. */
export const ACKNOWLEDGEMENT_SENTENCE: LocalizedText = Object.freeze({
  'zh-CN': '本人已阅读风险揭示，愿意承担投资风险',
  en: 'I have read the risk disclosure and am willing to bear the investment risk',
});

/** Product codes look like WM-R1-90D: risk level, then the term (or OPEN / DAILY for open-ended). */
export const ProductCode = z
  .string()
  .max(40)
  .regex(/^WM-R[1-5]-[A-Z0-9]+(?:-[A-Z0-9]+)*$/, 'product code like WM-R1-90D');
export type ProductCode = z.infer<typeof ProductCode>;

export const IssuerType = z.enum([
  'bank-wealth-subsidiary',
  'fund-company',
  'trust-company',
  'securities-firm',
  'insurance-asset-manager',
]);
export type IssuerType = z.infer<typeof IssuerType>;

export const ISSUER_TYPE_NAMES: Readonly<Record<IssuerType, LocalizedText>> = Object.freeze({
  'bank-wealth-subsidiary': { 'zh-CN': '银行理财子公司', en: 'a bank wealth-management subsidiary' },
  'fund-company': { 'zh-CN': '公募基金管理公司', en: 'a mutual fund management company' },
  'trust-company': { 'zh-CN': '信托公司', en: 'a trust company' },
  'securities-firm': { 'zh-CN': '证券公司', en: 'a securities firm' },
  'insurance-asset-manager': { 'zh-CN': '保险资产管理公司', en: 'an insurance asset management company' },
});

/** Investment category as in the 2018 asset-management rules (资管新规). */
export const ProductCategory = z.enum(['cash-management', 'fixed-income', 'mixed', 'equity', 'commodity-derivatives']);
export type ProductCategory = z.infer<typeof ProductCategory>;

/** Two lists in step: item i of `en` translates item i of `zh-CN`. */
export const LocalizedList = z
  .strictObject({
    'zh-CN': z.array(z.string().trim().min(1).max(2000)).min(1).max(40),
    en: z.array(z.string().trim().min(1).max(2000)).min(1).max(40),
  })
  .refine((l) => l['zh-CN'].length === l.en.length, 'zh-CN and en lists must have the same length');
export type LocalizedList = z.infer<typeof LocalizedList>;

export const ProductDisclosure = z.strictObject({
  version: z.number().int().positive(),
  effectiveDate: z.iso.date(),
  title: LocalizedText,
  /** The full 风险揭示书, one paragraph per item, shown at the kiosk. */
  body: LocalizedList,
  /** 话术: what the teller must read aloud. */
  keyPoints: LocalizedList,
  /** What the customer copies out by hand. */
  acknowledgement: LocalizedText,
});
export type ProductDisclosure = z.infer<typeof ProductDisclosure>;

export const WealthProduct = z
  .strictObject({
    code: ProductCode,
    name: LocalizedText,
    riskLevel: ProductRiskLevel,
    category: ProductCategory,
    issuerType: IssuerType,
    /** Term in days; null for open-ended products that can be redeemed on business days. */
    termDays: z.number().int().positive().max(36500).nullable(),
    /** Whole yuan. */
    minAmountCny: z.number().int().positive(),
    /** Private (私募) products may be sold to qualified investors (合格投资者) only. */
    qualifiedInvestorsOnly: z.boolean(),
    disclosure: ProductDisclosure,
  })
  .superRefine((p, ctx) => {
    if (p.code.slice(3, 5) !== p.riskLevel) {
      ctx.addIssue({ code: 'custom', message: `code ${p.code} does not match risk level ${p.riskLevel}`, path: ['code'] });
    }
    const termInCode = /-(\d+)D$/.exec(p.code)?.[1];
    if ((termInCode === undefined ? null : Number(termInCode)) !== p.termDays) {
      ctx.addIssue({ code: 'custom', message: `code ${p.code} does not match term ${p.termDays}`, path: ['termDays'] });
    }
  });
export type WealthProduct = z.infer<typeof WealthProduct>;

// ---- seed catalogue --------------------------------------------------------------------

type ProductFacts = Omit<z.input<typeof WealthProduct>, 'disclosure'> & {
  /** Risks particular to this product, added to the disclosure and read aloud (first one). */
  specificRisks: LocalizedText[];
};

const PRINCIPAL_RISK: Record<ProductRiskLevel, LocalizedText> = {
  R1: {
    'zh-CN': '本产品不保证本金和收益。本金损失的可能性很小，收益波动很小。',
    en: 'This product does not guarantee your principal or any return. A loss of principal is very unlikely and returns vary very little.',
  },
  R2: {
    'zh-CN': '本产品不保证本金和收益。本金损失的可能性较小，收益可能出现波动。',
    en: 'This product does not guarantee your principal or any return. A loss of principal is unlikely, but returns can vary.',
  },
  R3: {
    'zh-CN': '本产品不保证本金和收益。您有可能损失部分本金，收益波动较大。',
    en: 'This product does not guarantee your principal or any return. You could lose part of your principal, and returns vary considerably.',
  },
  R4: {
    'zh-CN': '本产品不保证本金和收益。本金损失的可能性较大，价格可能大幅波动。',
    en: 'This product does not guarantee your principal or any return. A loss of principal is quite possible and prices can swing widely.',
  },
  R5: {
    'zh-CN': '本产品不保证本金和收益。您可能损失大部分甚至全部本金，价格波动很大。',
    en: 'This product does not guarantee your principal or any return. You could lose most or even all of your principal, and prices swing very widely.',
  },
};

function liquidityText(termDays: number | null): LocalizedText {
  return termDays === null
    ? {
        'zh-CN': '本产品在开放日可以申购和赎回，赎回资金到账时间以产品说明书为准；市场剧烈波动时赎回可能受到限制。',
        en: 'This product can be bought and redeemed on open days; when redemption money arrives is set out in the product prospectus, and redemptions may be limited when markets are very volatile.',
      }
    : {
        'zh-CN': `本产品期限为${termDays}天，到期前一般不能提前赎回。请确认这笔资金在到期前不需要使用。`,
        en: `This product runs for ${termDays} days and normally cannot be redeemed before it matures. Please make sure you will not need this money before then.`,
      };
}

/** 1000000 → "1,000,000", without depending on the runtime's locale data. */
function groupThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The mandatory risk warning each kind of product opens and closes with. */
const SLOGANS: Record<IssuerType, LocalizedText> = {
  'bank-wealth-subsidiary': {
    'zh-CN': '理财非存款、产品有风险、投资须谨慎。',
    en: 'Wealth products are not deposits; they carry risk; invest with care.',
  },
  'fund-company': { 'zh-CN': '基金有风险，投资须谨慎。', en: 'Funds carry risk; invest with care.' },
  'trust-company': { 'zh-CN': '产品有风险，投资须谨慎。', en: 'This product carries risk; invest with care.' },
  'securities-firm': { 'zh-CN': '产品有风险，投资须谨慎。', en: 'This product carries risk; invest with care.' },
  'insurance-asset-manager': { 'zh-CN': '产品有风险，投资须谨慎。', en: 'This product carries risk; invest with care.' },
};

/** 1000000 → "100万元", 1500 → "1500元": how amounts are written in Chinese bank documents. */
function yuanZh(n: number): string {
  return n % 10_000 === 0 ? `${n / 10_000}万元` : `${n}元`;
}

function disclosureFor(facts: ProductFacts): ProductDisclosure {
  const risk = productRiskLabel(facts.riskLevel);
  const suitable = customerLevelLabel(`C${riskRank(facts.riskLevel)}` as CustomerRiskLevel);
  const orAbove: LocalizedText = facts.riskLevel === 'R5' ? { 'zh-CN': '', en: '' } : { 'zh-CN': '及以上', en: ' or above' };
  const issuer = ISSUER_TYPE_NAMES[facts.issuerType];
  const agency: LocalizedText = {
    'zh-CN': `本产品不是银行存款，不受存款保险保障。本产品由${issuer['zh-CN']}发行和管理，本行仅为代理销售机构，不承担产品的投资、兑付和风险管理责任。`,
    en: `This product is not a bank deposit and is not covered by deposit insurance. It is issued and managed by ${issuer.en}; the bank only distributes it and is not responsible for its investments, payouts or risk management.`,
  };
  const level: LocalizedText = {
    'zh-CN': `本产品风险等级为${risk['zh-CN']}，适合风险承受能力评估结果为${suitable['zh-CN']}${orAbove['zh-CN']}的投资者。`,
    en: `This product is rated ${risk.en} and is suitable for investors assessed as ${suitable.en}${orAbove.en}.`,
  };
  const benchmark: LocalizedText = {
    'zh-CN': '产品的业绩比较基准和过往业绩不代表未来表现，也不是收益承诺。',
    en: 'The performance benchmark and past performance do not indicate future results and are not a promise of any return.',
  };
  const generalRisks: LocalizedText = {
    'zh-CN': '投资本产品可能面临的风险包括但不限于：市场风险、信用风险、流动性风险、政策风险、管理风险、信息传递风险和不可抗力风险。',
    en: 'Risks of this product include, among others: market, credit, liquidity, policy, management, information and force-majeure risks.',
  };
  const qualified: LocalizedText[] = facts.qualifiedInvestorsOnly
    ? [
        {
          'zh-CN': `本产品为私募产品，只向合格投资者销售，起购金额为${yuanZh(facts.minAmountCny)}。`,
          en: `This is a private product sold to qualified investors only; the minimum investment is CNY ${groupThousands(facts.minAmountCny)}.`,
        },
      ]
    : [];
  const slogan = SLOGANS[facts.issuerType];
  const decide: LocalizedText = {
    'zh-CN': '请您在充分了解本产品的风险、确认本产品与您的风险承受能力相匹配后，再作出投资决定。',
    en: 'Please decide to invest only after you fully understand the risks of this product and have confirmed that it matches your risk tolerance.',
  };
  const list = (items: LocalizedText[]): LocalizedList => ({
    'zh-CN': items.map((t) => t['zh-CN']),
    en: items.map((t) => t.en),
  });
  return {
    version: 1,
    effectiveDate: '2026-01-01',
    title: {
      'zh-CN': `「${facts.name['zh-CN']}」风险揭示书`,
      en: `Risk disclosure: ${facts.name.en}`,
    },
    body: list([
      slogan,
      agency,
      level,
      PRINCIPAL_RISK[facts.riskLevel],
      liquidityText(facts.termDays),
      benchmark,
      generalRisks,
      ...facts.specificRisks,
      ...qualified,
      decide,
    ]),
    keyPoints: list([
      agency,
      level,
      PRINCIPAL_RISK[facts.riskLevel],
      liquidityText(facts.termDays),
      benchmark,
      ...facts.specificRisks.slice(0, 1),
      ...qualified,
      slogan,
    ]),
    acknowledgement: ACKNOWLEDGEMENT_SENTENCE,
  };
}

const SEED: ProductFacts[] = [
  {
    code: 'WM-R1-DAILY',
    name: { 'zh-CN': '日日享现金管理类理财产品', en: 'Daily Access Cash Management Product' },
    riskLevel: 'R1',
    category: 'cash-management',
    issuerType: 'bank-wealth-subsidiary',
    termDays: null,
    minAmountCny: 1,
    qualifiedInvestorsOnly: false,
    specificRisks: [
      {
        'zh-CN': '本产品的七日年化收益率会每天变化，过去的收益率不代表将来的收益。',
        en: 'The seven-day annualised yield changes every day; past yields do not indicate future returns.',
      },
    ],
  },
  {
    code: 'WM-R1-90D',
    name: { 'zh-CN': '安心90天固定收益类理财产品', en: 'Peace of Mind 90-Day Fixed-Income Product' },
    riskLevel: 'R1',
    category: 'fixed-income',
    issuerType: 'bank-wealth-subsidiary',
    termDays: 90,
    minAmountCny: 10_000,
    qualifiedInvestorsOnly: false,
    specificRisks: [
      {
        'zh-CN': '本产品主要投资于存款、同业存单和高信用等级债券，仍存在发行人违约的可能。',
        en: 'The product invests mainly in deposits, interbank certificates and high-grade bonds; an issuer can still default.',
      },
    ],
  },
  {
    code: 'WM-R2-180D',
    name: { 'zh-CN': '稳盈180天固定收益类理财产品', en: 'Steady Gain 180-Day Fixed-Income Product' },
    riskLevel: 'R2',
    category: 'fixed-income',
    issuerType: 'bank-wealth-subsidiary',
    termDays: 180,
    minAmountCny: 10_000,
    qualifiedInvestorsOnly: false,
    specificRisks: [
      {
        'zh-CN': '本产品按市值计算净值，债券价格下跌时，产品净值可能下跌。',
        en: 'The product is valued at market prices, so its net asset value can fall when bond prices fall.',
      },
    ],
  },
  {
    code: 'WM-R2-365D',
    name: { 'zh-CN': '稳享一年定期开放债券型基金', en: 'Steady One-Year Fixed-Term Open Bond Fund' },
    riskLevel: 'R2',
    category: 'fixed-income',
    issuerType: 'fund-company',
    termDays: 365,
    minAmountCny: 1_000,
    qualifiedInvestorsOnly: false,
    specificRisks: [
      {
        'zh-CN': '本基金每满一年开放一次申购和赎回，封闭期内不能赎回；利率上升时，债券价格和基金净值可能下跌。',
        en: 'The fund opens for purchases and redemptions once a year and cannot be redeemed in between; when interest rates rise, bond prices and the fund’s value can fall.',
      },
    ],
  },
  {
    code: 'WM-R3-365D',
    name: { 'zh-CN': '平衡优选一年期混合类理财产品', en: 'Balanced Select One-Year Mixed-Asset Product' },
    riskLevel: 'R3',
    category: 'mixed',
    issuerType: 'bank-wealth-subsidiary',
    termDays: 365,
    minAmountCny: 10_000,
    qualifiedInvestorsOnly: false,
    specificRisks: [
      {
        'zh-CN': '本产品部分资金投资于股票等权益类资产，股市下跌时产品净值可能明显下跌。',
        en: 'Part of the product is invested in shares and similar assets, so its value can fall noticeably when the stock market falls.',
      },
    ],
  },
  {
    code: 'WM-R3-OPEN',
    name: { 'zh-CN': '均衡配置混合型证券投资基金', en: 'Balanced Allocation Hybrid Fund' },
    riskLevel: 'R3',
    category: 'mixed',
    issuerType: 'fund-company',
    termDays: null,
    minAmountCny: 1_000,
    qualifiedInvestorsOnly: false,
    specificRisks: [
      {
        'zh-CN': '本基金的股票投资比例可以在较大范围内调整，基金净值会随股票和债券市场波动。',
        en: 'The fund can change its share of equities within a wide range, and its value moves with the stock and bond markets.',
      },
    ],
  },
  {
    code: 'WM-R4-730D',
    name: { 'zh-CN': '成长精选两年期权益类理财产品', en: 'Growth Select Two-Year Equity Product' },
    riskLevel: 'R4',
    category: 'equity',
    issuerType: 'bank-wealth-subsidiary',
    termDays: 730,
    minAmountCny: 10_000,
    qualifiedInvestorsOnly: false,
    specificRisks: [
      {
        'zh-CN': '本产品主要投资于股票，股市大幅下跌时，到期时您可能损失较多本金。',
        en: 'The product invests mainly in shares; if the stock market falls sharply you could lose a large part of your principal by maturity.',
      },
    ],
  },
  {
    code: 'WM-R4-OPEN',
    name: { 'zh-CN': '行业精选股票型证券投资基金', en: 'Sector Select Equity Fund' },
    riskLevel: 'R4',
    category: 'equity',
    issuerType: 'fund-company',
    termDays: null,
    minAmountCny: 1_000,
    qualifiedInvestorsOnly: false,
    specificRisks: [
      {
        'zh-CN': '本基金集中投资于少数行业的股票，净值波动可能大于整个股票市场。',
        en: 'The fund concentrates on shares in a few sectors, so its value can swing more than the stock market as a whole.',
      },
    ],
  },
  {
    code: 'WM-R5-1095D',
    name: { 'zh-CN': '创新成长私募股权集合资金信托计划', en: 'Innovation Growth Private Equity Trust Plan' },
    riskLevel: 'R5',
    category: 'equity',
    issuerType: 'trust-company',
    termDays: 1095,
    minAmountCny: 1_000_000,
    qualifiedInvestorsOnly: true,
    specificRisks: [
      {
        'zh-CN': '本计划投资于未上市企业的股权，退出时间和价格都不确定，到期时可能无法按期分配，甚至损失全部本金。',
        en: 'The plan invests in unlisted companies; when and at what price it can exit are uncertain, so payouts may be late and you could lose all of your principal.',
      },
    ],
  },
  {
    code: 'WM-R5-365D',
    name: { 'zh-CN': '商品增强集合资产管理计划', en: 'Commodity Enhanced Collective Asset Management Plan' },
    riskLevel: 'R5',
    category: 'commodity-derivatives',
    issuerType: 'securities-firm',
    termDays: 365,
    minAmountCny: 1_000_000,
    qualifiedInvestorsOnly: true,
    specificRisks: [
      {
        'zh-CN': '本计划使用期货、期权等衍生品并带有杠杆，价格小幅变动也可能造成大额亏损，您可能损失全部本金。',
        en: 'The plan uses leveraged derivatives such as futures and options; small price moves can cause large losses and you could lose all of your principal.',
      },
    ],
  },
];

/** Every product on sale, R1 first; validated when this module loads and frozen. */
export const PRODUCT_CATALOGUE: readonly WealthProduct[] = deepFreeze(
  z.array(WealthProduct).parse(SEED.map(({ specificRisks, ...facts }) => ({ ...facts, disclosure: disclosureFor({ ...facts, specificRisks }) }))),
);

export function findProduct(code: string): WealthProduct | undefined {
  return PRODUCT_CATALOGUE.find((p) => p.code === code);
}

/** Products a customer of the given level may buy (R_n ≤ C_n), in catalogue order. */
export function productsSuitableFor(level: CustomerRiskLevel): WealthProduct[] {
  return PRODUCT_CATALOGUE.filter((p) => productRiskWithinTolerance(level, p.riskLevel));
}
