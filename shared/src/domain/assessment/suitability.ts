/**
 * Whether a customer may buy a product now, and whether they may retake the assessment.
 *
 * One rule for every channel (teller console, kiosk, server, HTTP API):
 *  - the customer must be an adult (18+; wealth products need full legal capacity);
 *  - the assessment must be valid: taken no later than now (a few minutes of clock skew
 *    between devices tolerated) and less than 12 calendar months ago;
 *  - the product's risk level R_n must not exceed the customer's level C_n.
 * The first failing check, in that order, is the reason given. A sale that passes still
 * needs an extra confirmation step from customers aged 65 or over and from C1 customers.
 *
 * Validity boundary: an assessment taken at instant T is valid while now < T + 12 months,
 * the months counted on the Beijing calendar (same wall-clock time; 29 Feb → 28 Feb). At
 * exactly T + 12 months it has expired: "valid for 12 months" includes the start instant
 * and excludes the end one, and the error is on the side of re-assessing.
 */
import { z } from 'zod';
import {
  CustomerRiskLevel,
  type LocalizedText,
  ProductRiskLevel,
  customerLevelLabel,
  highestProductRiskFor,
  productRiskLabel,
  productRiskWithinTolerance,
} from './levels.ts';
import { addCalendarMonthsInBeijing, beijingCalendarDate } from './time.ts';

export const ASSESSMENT_VALIDITY_MONTHS = 12;
/** Customers this old or older get the extra confirmation step. */
export const SENIOR_CUSTOMER_AGE = 65;
export const MINIMUM_PURCHASE_AGE = 18;
/** An assessment stamped up to this far in the future (another device's clock) is still accepted. */
export const ASSESSMENT_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** A Date, or an ISO 8601 date-time with Z or an offset. */
const Instant = z
  .union([z.date(), z.iso.datetime({ offset: true })])
  .transform((v) => (typeof v === 'string' ? new Date(v) : v));

export const SuitabilityRequest = z.strictObject({
  customerLevel: CustomerRiskLevel,
  productRisk: ProductRiskLevel,
  /** Whole years, from the verified ID document. */
  customerAge: z.number().int().min(0).max(150),
  /** The stored assessment; only `assessedAt` is used, other fields are ignored. */
  assessment: z.looseObject({ assessedAt: Instant }),
  now: Instant,
});
export type SuitabilityRequest = z.input<typeof SuitabilityRequest>;

export const SuitabilityBlockReason = z.enum([
  'customer-under-18',
  /** assessedAt is later than now (beyond the tolerated clock skew). */
  'assessment-not-yet-valid',
  'assessment-expired',
  /** R_n > C_n. */
  'product-risk-too-high',
]);
export type SuitabilityBlockReason = z.infer<typeof SuitabilityBlockReason>;

export const ExtraConfirmationCode = z.enum(['customer-aged-65-or-over', 'conservative-customer']);
export type ExtraConfirmationCode = z.infer<typeof ExtraConfirmationCode>;

export interface ExtraConfirmationReason {
  code: ExtraConfirmationCode;
  /** Read out by the teller and shown at the kiosk before the customer confirms again. */
  message: LocalizedText;
}

export type SuitabilityDecision =
  | { allowed: true; extraConfirmation: null | ExtraConfirmationReason[] }
  | { allowed: false; reason: SuitabilityBlockReason; message: LocalizedText };

/** The first instant at which an assessment taken at `assessedAt` is no longer valid. */
export function assessmentExpiresAt(assessedAt: Date): Date {
  return addCalendarMonthsInBeijing(assessedAt, ASSESSMENT_VALIDITY_MONTHS);
}

function beijingDateText(instant: Date): LocalizedText {
  const [y, m, d] = beijingCalendarDate(instant).split('-').map(Number);
  return { 'zh-CN': `${y}年${m}月${d}日`, en: beijingCalendarDate(instant) };
}

function blocked(reason: SuitabilityBlockReason, message: LocalizedText): SuitabilityDecision {
  return { allowed: false, reason, message };
}

/**
 * Decides whether a product may be sold. Throws a ZodError for malformed input (unknown
 * level, non-integer age, unparsable date): that is a caller's bug, not a sales decision.
 */
export function checkSuitability(request: SuitabilityRequest): SuitabilityDecision {
  const { customerLevel, productRisk, customerAge, assessment, now } = SuitabilityRequest.parse(request);

  if (customerAge < MINIMUM_PURCHASE_AGE) {
    return blocked('customer-under-18', {
      'zh-CN': '根据规定，理财产品只能向年满18周岁的客户销售。',
      en: 'Wealth products may only be sold to customers aged 18 or over.',
    });
  }
  if (assessment.assessedAt.getTime() > now.getTime() + ASSESSMENT_CLOCK_SKEW_MS) {
    return blocked('assessment-not-yet-valid', {
      'zh-CN': '风险承受能力评估的时间晚于当前时间，无法使用。请重新进行评估。',
      en: 'The risk-tolerance assessment is dated after the current time and cannot be used. Please take the assessment again.',
    });
  }
  const expiresAt = assessmentExpiresAt(assessment.assessedAt);
  if (now.getTime() >= expiresAt.getTime()) {
    const date = beijingDateText(expiresAt);
    return blocked('assessment-expired', {
      'zh-CN': `您的风险承受能力评估已于${date['zh-CN']}过期（有效期为12个月）。请重新评估后再购买。`,
      en: `Your risk-tolerance assessment expired on ${date.en} (it is valid for 12 months). Please take it again before buying.`,
    });
  }
  if (!productRiskWithinTolerance(customerLevel, productRisk)) {
    const c = customerLevelLabel(customerLevel);
    const r = productRiskLabel(productRisk);
    const highest = highestProductRiskFor(customerLevel);
    return blocked('product-risk-too-high', {
      'zh-CN': `该产品风险等级为${r['zh-CN']}，高于您的风险承受能力${c['zh-CN']}。您只能购买${highest}及以下风险等级的产品。`,
      en: `This product is rated ${r.en}, above your risk tolerance of ${c.en}. You may only buy products rated ${highest} or lower.`,
    });
  }

  const reasons: ExtraConfirmationReason[] = [];
  if (customerAge >= SENIOR_CUSTOMER_AGE) {
    reasons.push({
      code: 'customer-aged-65-or-over',
      message: {
        'zh-CN': '您已年满65周岁。为保护您的权益，请您再次确认已经了解本产品的风险，并确认购买。',
        en: 'You are 65 or older. To protect your interests, please confirm once more that you understand the risks of this product and wish to buy it.',
      },
    });
  }
  if (customerLevel === 'C1') {
    reasons.push({
      code: 'conservative-customer',
      message: {
        'zh-CN': '您的风险承受能力为C1（保守型）。请您再次确认：本产品不是存款，不保证本金和收益。',
        en: 'Your risk tolerance is C1 (Conservative). Please confirm once more that this product is not a deposit and does not guarantee your principal or any return.',
      },
    });
  }
  return { allowed: true, extraConfirmation: reasons.length > 0 ? reasons : null };
}

// ---- retakes ----------------------------------------------------------------------------

export const DEFAULT_MAX_RETAKES_PER_DAY = 1;

export interface RetakeRequest {
  /**
   * Assessments this customer already completed on the current Beijing calendar day
   * (count them with `beijingCalendarDate`), in any channel.
   */
  previousAssessmentsToday: number;
  maxRetakesPerDay?: number;
}

export interface RetakeDecision {
  allowed: boolean;
  /** True for every retake, allowed or refused: compliance reviews each one. */
  flagged: boolean;
  /** 0 for the day's first assessment, 1 for the first retake, … */
  retakeNumber: number;
  /** Why a retake is refused; null when allowed. */
  message: LocalizedText | null;
}

/**
 * Retake policy: the day's first assessment is not a retake. Every later one is a retake
 * and is flagged for compliance review (a customer retaking to reach a higher level is
 * the pattern the rule exists to catch); beyond `maxRetakesPerDay` retakes it is refused
 * until the next Beijing calendar day.
 */
export function checkRetake({ previousAssessmentsToday, maxRetakesPerDay = DEFAULT_MAX_RETAKES_PER_DAY }: RetakeRequest): RetakeDecision {
  if (!Number.isInteger(previousAssessmentsToday) || previousAssessmentsToday < 0) {
    throw new RangeError('previousAssessmentsToday must be a non-negative integer');
  }
  if (!Number.isInteger(maxRetakesPerDay) || maxRetakesPerDay < 0) {
    throw new RangeError('maxRetakesPerDay must be a non-negative integer');
  }
  const retakeNumber = previousAssessmentsToday;
  const allowed = retakeNumber <= maxRetakesPerDay;
  return {
    allowed,
    flagged: retakeNumber > 0,
    retakeNumber,
    message: allowed
      ? null
      : {
          'zh-CN': `您今天已经完成${previousAssessmentsToday}次风险承受能力评估，已达到当日重新评估的次数上限。请于明天再进行评估。`,
          en: `You have already completed ${previousAssessmentsToday} risk-tolerance assessments today, the most allowed in one day. Please take it again tomorrow.`,
        },
  };
}
