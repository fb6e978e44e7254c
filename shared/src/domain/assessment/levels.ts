/**
 * The two five-step scales of the wealth-product sale and the words we use for them.
 *
 * A customer's risk tolerance is C1–C5 (from the questionnaire); a product's risk is
 * R1–R5 (set by the issuer). The scales line up one to one: a C3 customer may buy R1–R3.
 * The names are fixed here, once, so that the kiosk, the console, receipts and the
 * compliance review never disagree about what "C3" is called.
 */
import { z } from 'zod';

/** Text shown to people, in every language the product offers. */
export const LocalizedText = z.strictObject({
  'zh-CN': z.string().trim().min(1).max(4000),
  en: z.string().trim().min(1).max(4000),
});
export type LocalizedText = z.infer<typeof LocalizedText>;

export const CUSTOMER_RISK_LEVELS = ['C1', 'C2', 'C3', 'C4', 'C5'] as const;
export const CustomerRiskLevel = z.enum(CUSTOMER_RISK_LEVELS);
export type CustomerRiskLevel = z.infer<typeof CustomerRiskLevel>;

export const PRODUCT_RISK_LEVELS = ['R1', 'R2', 'R3', 'R4', 'R5'] as const;
export const ProductRiskLevel = z.enum(PRODUCT_RISK_LEVELS);
export type ProductRiskLevel = z.infer<typeof ProductRiskLevel>;

/** 1 for C1/R1 … 5 for C5/R5. */
export function riskRank(level: CustomerRiskLevel | ProductRiskLevel): 1 | 2 | 3 | 4 | 5 {
  return Number(level.slice(1)) as 1 | 2 | 3 | 4 | 5;
}

/** The lower (more protective) of two customer levels; used when a cap applies. */
export function lowerCustomerLevel(a: CustomerRiskLevel, b: CustomerRiskLevel): CustomerRiskLevel {
  return riskRank(a) <= riskRank(b) ? a : b;
}

/** The highest product risk level a customer level may buy (C_n → R_n). */
export function highestProductRiskFor(level: CustomerRiskLevel): ProductRiskLevel {
  return `R${riskRank(level)}` as ProductRiskLevel;
}

export const CUSTOMER_LEVEL_NAMES: Readonly<Record<CustomerRiskLevel, LocalizedText>> = Object.freeze({
  C1: { 'zh-CN': '保守型', en: 'Conservative' },
  C2: { 'zh-CN': '稳健型', en: 'Moderately conservative' },
  C3: { 'zh-CN': '平衡型', en: 'Balanced' },
  C4: { 'zh-CN': '成长型', en: 'Growth' },
  C5: { 'zh-CN': '进取型', en: 'Aggressive' },
});

export const PRODUCT_RISK_NAMES: Readonly<Record<ProductRiskLevel, LocalizedText>> = Object.freeze({
  R1: { 'zh-CN': '低风险', en: 'Low risk' },
  R2: { 'zh-CN': '中低风险', en: 'Medium-low risk' },
  R3: { 'zh-CN': '中等风险', en: 'Medium risk' },
  R4: { 'zh-CN': '中高风险', en: 'Medium-high risk' },
  R5: { 'zh-CN': '高风险', en: 'High risk' },
});

/** The suitability rule itself: a product of risk R_n may be sold to a customer of level C_m only if n ≤ m. */
export function productRiskWithinTolerance(customerLevel: CustomerRiskLevel, productRisk: ProductRiskLevel): boolean {
  return riskRank(productRisk) <= riskRank(customerLevel);
}

/** "C3（平衡型）" / "C3 (Balanced)". */
export function customerLevelLabel(level: CustomerRiskLevel): LocalizedText {
  const name = CUSTOMER_LEVEL_NAMES[level];
  return { 'zh-CN': `${level}（${name['zh-CN']}）`, en: `${level} (${name.en})` };
}

/** "R4（中高风险）" / "R4 (Medium-high risk)". */
export function productRiskLabel(level: ProductRiskLevel): LocalizedText {
  const name = PRODUCT_RISK_NAMES[level];
  return { 'zh-CN': `${level}（${name['zh-CN']}）`, en: `${level} (${name.en})` };
}

/** Freezes a plain data tree so that no importer can change shared rule data by accident. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
