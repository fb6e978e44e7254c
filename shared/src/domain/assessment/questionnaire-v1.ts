/**
 * Risk-tolerance questionnaire risk-2026-v1 (个人客户风险承受能力评估问卷), as data.
 *
 * Modelled on the questionnaires Chinese commercial banks use for individual customers:
 * the customer's situation (age, income, share of assets invested), experience and
 * knowledge, and attitude (horizon, objective, loss tolerance, reaction to a fall, need
 * for the money). Eleven questions, total 0–100:
 *
 *   question                      max   question                      max
 *   1  age band                     8   7  investment horizon          10
 *   2  annual income                8   8  investment objective        10
 *   3  share of financial assets    8   9  maximum acceptable loss     12
 *   4  years of experience          8   10 reaction to a 20% fall      10
 *   5  products invested in        10   11 need for the money           6
 *   6  investment knowledge        10
 *
 * Question 5 is multiple choice scored by its HIGHEST selected option: experience is
 * measured by the riskiest kind of product the customer has already held, and listing
 * many low-risk products must not add up to the experience of one high-risk product.
 * "Savings only / none" is exclusive.
 *
 * Score bands (inclusive, covering 0–100): C1 保守型 0–20, C2 稳健型 21–40,
 * C3 平衡型 41–60, C4 成长型 61–80, C5 进取型 81–100.
 *
 * Cap: choosing "不能接受本金任何损失" (question 9) limits the level to C1 whatever the
 * total, following common bank practice: a customer who accepts no loss of principal may
 * only be offered the lowest-risk products, however experienced or wealthy they are.
 *
 * Question 1 may be preselected from the age on the verified ID (`prefill`); the customer
 * still answers it. A published version is never edited; changes make risk-2026-v2.
 */
import { CUSTOMER_LEVEL_NAMES, deepFreeze } from './levels.ts';
import { QuestionnaireDefinition } from './questionnaire.ts';
import type { z } from 'zod';

const definition = {
  id: 'risk-2026-v1',
  version: 1,
  title: {
    'zh-CN': '个人客户风险承受能力评估问卷',
    en: 'Personal Customer Risk-Tolerance Assessment Questionnaire',
  },
  introduction: {
    'zh-CN':
      '尊敬的客户：为了向您推荐与您的风险承受能力相匹配的产品，请您根据自己的实际情况如实回答以下问题。' +
      '每道题请选择最符合您情况的一项，多选题可以选择多项。评估结果有效期为12个月；' +
      '如果您的财务状况或投资目标发生变化，请及时重新评估。您的回答仅用于本次评估，本行将依法为您保密。',
    en:
      'Dear customer, so that we only offer you products that match your tolerance for risk, please answer ' +
      'the following questions truthfully, according to your own situation. For each question choose the ' +
      'one answer that fits you best; where a question says so, you may choose more than one. The result is ' +
      'valid for 12 months; if your finances or goals change, please take the assessment again. Your answers ' +
      'are used only for this assessment and are kept confidential as the law requires.',
  },
  questions: [
    {
      id: 'age',
      kind: 'single',
      prefill: 'verified-id-age',
      text: { 'zh-CN': '您的年龄是？', en: 'What is your age?' },
      explanation: {
        'zh-CN': '年龄关系到您承受投资波动、弥补投资损失的时间。系统可能已根据您的身份证件预先选中一项，请您确认或更改。',
        en: 'Your age affects how much time you have to ride out ups and downs and to recover from a loss. An answer may be preselected from your ID document; please confirm or change it.',
      },
      options: [
        { id: 'age-18-30', text: { 'zh-CN': '18至30岁', en: '18 to 30' }, score: 6, ageRange: { min: 18, max: 30 } },
        { id: 'age-31-45', text: { 'zh-CN': '31至45岁', en: '31 to 45' }, score: 8, ageRange: { min: 31, max: 45 } },
        { id: 'age-46-55', text: { 'zh-CN': '46至55岁', en: '46 to 55' }, score: 6, ageRange: { min: 46, max: 55 } },
        { id: 'age-56-64', text: { 'zh-CN': '56至64岁', en: '56 to 64' }, score: 4, ageRange: { min: 56, max: 64 } },
        { id: 'age-65-plus', text: { 'zh-CN': '65岁及以上', en: '65 or older' }, score: 1, ageRange: { min: 65, max: null } },
      ],
    },
    {
      id: 'annual-income',
      kind: 'single',
      text: {
        'zh-CN': '您个人的年收入（税后，包括工资、经营收入、租金、养老金等）大约是多少？',
        en: 'About how much is your personal annual income after tax (salary, business income, rent, pension and so on)?',
      },
      explanation: {
        'zh-CN': '稳定的收入可以帮助您在投资出现亏损时保持正常生活。',
        en: 'A steady income helps you keep up your normal life if an investment loses money.',
      },
      options: [
        { id: 'income-under-50k', text: { 'zh-CN': '5万元以下', en: 'Less than CNY 50,000' }, score: 1 },
        { id: 'income-50k-200k', text: { 'zh-CN': '5万元（含）至20万元', en: 'CNY 50,000 to under 200,000' }, score: 3 },
        { id: 'income-200k-500k', text: { 'zh-CN': '20万元（含）至50万元', en: 'CNY 200,000 to under 500,000' }, score: 5 },
        { id: 'income-500k-1m', text: { 'zh-CN': '50万元（含）至100万元', en: 'CNY 500,000 to under 1,000,000' }, score: 7 },
        { id: 'income-1m-plus', text: { 'zh-CN': '100万元及以上', en: 'CNY 1,000,000 or more' }, score: 8 },
      ],
    },
    {
      id: 'investable-share',
      kind: 'single',
      text: {
        'zh-CN': '您计划用于投资理财的资金，约占您家庭金融资产（存款、理财、基金、股票等）的多少？',
        en: 'Roughly what share of your household’s financial assets (deposits, wealth products, funds, shares and so on) do you plan to invest?',
      },
      explanation: {
        'zh-CN': '投资的资金占家庭资产的比例越小，一旦出现亏损，对您家庭生活的影响越小。',
        en: 'The smaller the share you invest, the less a loss would affect your household.',
      },
      options: [
        { id: 'share-under-10', text: { 'zh-CN': '10%以下', en: 'Less than 10%' }, score: 8 },
        { id: 'share-10-30', text: { 'zh-CN': '10%（含）至30%', en: '10% to under 30%' }, score: 6 },
        { id: 'share-30-50', text: { 'zh-CN': '30%（含）至50%', en: '30% to under 50%' }, score: 4 },
        { id: 'share-50-plus', text: { 'zh-CN': '50%及以上', en: '50% or more' }, score: 1 },
      ],
    },
    {
      id: 'experience-years',
      kind: 'single',
      text: {
        'zh-CN': '您投资股票、基金、债券、银行理财等金融产品（不含银行存款）有多少年了？',
        en: 'For how many years have you invested in shares, funds, bonds, bank wealth products or similar (not counting bank deposits)?',
      },
      explanation: {
        'zh-CN': '投资经验越多，通常越了解产品价格的涨跌。',
        en: 'The longer you have invested, the more familiar you usually are with prices going up and down.',
      },
      options: [
        { id: 'years-none', text: { 'zh-CN': '没有投资经验', en: 'No investment experience' }, score: 0 },
        { id: 'years-under-2', text: { 'zh-CN': '2年以下', en: 'Less than 2 years' }, score: 2 },
        { id: 'years-2-5', text: { 'zh-CN': '2年（含）至5年', en: '2 to under 5 years' }, score: 4 },
        { id: 'years-5-10', text: { 'zh-CN': '5年（含）至10年', en: '5 to under 10 years' }, score: 6 },
        { id: 'years-10-plus', text: { 'zh-CN': '10年及以上', en: '10 years or more' }, score: 8 },
      ],
    },
    {
      id: 'experience-products',
      kind: 'multiple',
      scoring: { rule: 'highest' },
      text: {
        'zh-CN': '您曾经投资过以下哪些产品？（可多选）',
        en: 'Which of the following have you invested in? (Choose all that apply)',
      },
      explanation: {
        'zh-CN': '请选择您实际买过的产品，可以选择多项。本题按您所选产品中风险最高的一项计分。',
        en: 'Choose every kind of product you have actually bought. The question is scored by the highest-risk kind you choose.',
      },
      options: [
        {
          id: 'products-none',
          exclusive: true,
          text: { 'zh-CN': '只存过银行存款，没有买过其他产品', en: 'Only bank deposits, nothing else' },
          score: 0,
        },
        {
          id: 'products-low-risk',
          text: { 'zh-CN': '国债、货币市场基金、低风险银行理财', en: 'Government bonds, money-market funds, low-risk bank wealth products' },
          score: 2,
        },
        {
          id: 'products-fixed-income',
          text: { 'zh-CN': '债券、债券基金、固定收益类理财', en: 'Bonds, bond funds, fixed-income wealth products' },
          score: 4,
        },
        {
          id: 'products-mixed',
          text: { 'zh-CN': '混合类理财、混合型基金、投资连结保险', en: 'Mixed-asset wealth products, hybrid funds, unit-linked insurance' },
          score: 6,
        },
        {
          id: 'products-equity',
          text: { 'zh-CN': '股票、股票型基金', en: 'Shares, equity funds' },
          score: 8,
        },
        {
          id: 'products-derivatives',
          text: {
            'zh-CN': '期货、期权、外汇保证金交易、私募基金、信托计划等',
            en: 'Futures, options, leveraged foreign exchange, private funds, trust plans and the like',
          },
          score: 10,
        },
      ],
    },
    {
      id: 'knowledge',
      kind: 'single',
      text: {
        'zh-CN': '以下哪一项最符合您对投资产品的了解程度？',
        en: 'Which of the following best describes how well you understand investment products?',
      },
      explanation: {
        'zh-CN': '了解产品的特点和风险，才能判断产品是否适合自己。',
        en: 'Knowing how products work and what can go wrong helps you judge whether one suits you.',
      },
      options: [
        {
          id: 'knowledge-little',
          text: { 'zh-CN': '了解很少，不太清楚理财产品和存款的区别', en: 'Very little; I am not sure how wealth products differ from deposits' },
          score: 1,
        },
        {
          id: 'knowledge-basic',
          text: {
            'zh-CN': '了解一些，知道理财产品不同于存款，但对基金、股票等了解不多',
            en: 'Some; I know wealth products are not deposits, but know little about funds or shares',
          },
          score: 4,
        },
        {
          id: 'knowledge-good',
          text: {
            'zh-CN': '比较了解，清楚常见理财产品、基金、债券的特点和主要风险',
            en: 'Fairly well; I understand how common wealth products, funds and bonds work and their main risks',
          },
          score: 7,
        },
        {
          id: 'knowledge-expert',
          text: {
            'zh-CN': '非常了解，熟悉包括股票、衍生品在内的各类产品及其风险，能够独立作出判断',
            en: 'Very well; I know all kinds of products, shares and derivatives included, and their risks, and can judge for myself',
          },
          score: 10,
        },
      ],
    },
    {
      id: 'horizon',
      kind: 'single',
      text: {
        'zh-CN': '这笔投资资金，您打算投资多长时间？',
        en: 'For how long do you intend to keep this money invested?',
      },
      explanation: {
        'zh-CN': '投资时间越长，越有机会等待市场从下跌中恢复。',
        en: 'The longer you can stay invested, the more chance there is to wait for a fall to recover.',
      },
      options: [
        { id: 'horizon-under-6m', text: { 'zh-CN': '6个月以内', en: 'Less than 6 months' }, score: 1 },
        { id: 'horizon-6m-1y', text: { 'zh-CN': '6个月（含）至1年', en: '6 months to under 1 year' }, score: 3 },
        { id: 'horizon-1y-3y', text: { 'zh-CN': '1年（含）至3年', en: '1 to under 3 years' }, score: 6 },
        { id: 'horizon-3y-5y', text: { 'zh-CN': '3年（含）至5年', en: '3 to under 5 years' }, score: 8 },
        { id: 'horizon-5y-plus', text: { 'zh-CN': '5年及以上', en: '5 years or more' }, score: 10 },
      ],
    },
    {
      id: 'objective',
      kind: 'single',
      text: { 'zh-CN': '您投资的主要目的是什么？', en: 'What is the main aim of your investment?' },
      explanation: {
        'zh-CN': '追求的收益越高，通常需要承担的风险也越大。',
        en: 'The higher the return you aim for, the more risk you usually have to accept.',
      },
      options: [
        {
          id: 'objective-preserve',
          text: { 'zh-CN': '资金安全最重要，收益比存款略高即可', en: 'Keeping my money safe comes first; a little more than a deposit is enough' },
          score: 1,
        },
        {
          id: 'objective-steady',
          text: { 'zh-CN': '在尽量保证本金安全的前提下，获得稳定的收益', en: 'A steady return while keeping my principal as safe as possible' },
          score: 4,
        },
        {
          id: 'objective-balanced',
          text: { 'zh-CN': '愿意承受一定波动，换取较高的收益', en: 'A higher return, accepting some ups and downs' },
          score: 7,
        },
        {
          id: 'objective-growth',
          text: { 'zh-CN': '追求资产较大增长，能够承受较大波动', en: 'Strong growth of my assets, accepting large ups and downs' },
          score: 10,
        },
      ],
    },
    {
      id: 'max-loss',
      kind: 'single',
      text: {
        'zh-CN': '您最多能够接受投资本金损失多少？',
        en: 'At most, how much of the money you invest could you accept losing?',
      },
      explanation: {
        'zh-CN': '除存款外，理财产品不保证本金和收益。请按您真实能够承受的损失选择。如选择“不能接受本金任何损失”，您的评估结果最高为C1（保守型）。',
        en: 'Unlike deposits, wealth products do not guarantee your principal or any return. Please choose the loss you could really bear. If you choose “I cannot accept any loss of principal”, your result will be at most C1 (Conservative).',
      },
      options: [
        { id: 'loss-none', text: { 'zh-CN': '不能接受本金任何损失', en: 'I cannot accept any loss of principal' }, score: 0 },
        { id: 'loss-up-to-5', text: { 'zh-CN': '5%以内', en: 'Up to 5%' }, score: 3 },
        { id: 'loss-up-to-10', text: { 'zh-CN': '5%以上至10%', en: 'More than 5%, up to 10%' }, score: 6 },
        { id: 'loss-up-to-20', text: { 'zh-CN': '10%以上至20%', en: 'More than 10%, up to 20%' }, score: 9 },
        { id: 'loss-over-20', text: { 'zh-CN': '20%以上', en: 'More than 20%' }, score: 12 },
      ],
    },
    {
      id: 'fall-reaction',
      kind: 'single',
      text: {
        'zh-CN': '如果您的投资在短时间内下跌了20%，您会怎么做？',
        en: 'If your investment fell by 20% in a short time, what would you do?',
      },
      explanation: {
        'zh-CN': '请设想这种情况真实发生时，您最可能的做法。',
        en: 'Please imagine it really happened and choose what you would most likely do.',
      },
      options: [
        {
          id: 'fall-sell-all',
          text: { 'zh-CN': '全部卖出或赎回，不愿再承受损失', en: 'Sell or redeem everything; I would not want to risk more' },
          score: 1,
        },
        { id: 'fall-sell-some', text: { 'zh-CN': '卖出一部分，降低风险', en: 'Sell some to reduce the risk' }, score: 4 },
        { id: 'fall-hold', text: { 'zh-CN': '继续持有，等待回升', en: 'Keep it and wait for it to recover' }, score: 7 },
        { id: 'fall-buy-more', text: { 'zh-CN': '趁价格低时再买入一些', en: 'Buy more while the price is low' }, score: 10 },
      ],
    },
    {
      id: 'liquidity',
      kind: 'single',
      text: {
        'zh-CN': '未来一年内，您是否可能需要动用这笔投资资金（例如看病、购房、子女上学）？',
        en: 'In the coming year, might you need this money (for example for medical costs, a home or school fees)?',
      },
      explanation: {
        'zh-CN': '有些产品在到期前不能取出，或提前取出会有损失。',
        en: 'Some products cannot be cashed in before they mature, or lose value if you cash them in early.',
      },
      options: [
        {
          id: 'liquidity-anytime',
          text: { 'zh-CN': '很可能随时需要用', en: 'I may well need it at any time' },
          score: 1,
        },
        {
          id: 'liquidity-partly',
          text: { 'zh-CN': '可能需要用其中一部分', en: 'I may need part of it' },
          score: 3,
        },
        {
          id: 'liquidity-not-needed',
          text: { 'zh-CN': '基本不需要用', en: 'I almost certainly will not need it' },
          score: 6,
        },
      ],
    },
  ],
  levels: [
    {
      level: 'C1',
      minScore: 0,
      maxScore: 20,
      name: CUSTOMER_LEVEL_NAMES.C1,
      explanation: {
        'zh-CN': '您属于保守型投资者：您最看重本金安全，能够承受的价格波动很小。您可以购买风险等级为R1（低风险）的产品。',
        en: 'You are a conservative investor: keeping your principal safe matters most to you and you can accept very little fluctuation. You may buy products rated R1 (low risk).',
      },
    },
    {
      level: 'C2',
      minScore: 21,
      maxScore: 40,
      name: CUSTOMER_LEVEL_NAMES.C2,
      explanation: {
        'zh-CN': '您属于稳健型投资者：您希望在本金较为安全的前提下获得稳定的收益，能够承受小幅波动。您可以购买风险等级为R1至R2（中低风险及以下）的产品。',
        en: 'You are a moderately conservative investor: you want a steady return while keeping your principal fairly safe, and can accept small fluctuations. You may buy products rated R1 to R2 (up to medium-low risk).',
      },
    },
    {
      level: 'C3',
      minScore: 41,
      maxScore: 60,
      name: CUSTOMER_LEVEL_NAMES.C3,
      explanation: {
        'zh-CN': '您属于平衡型投资者：您愿意承受一定的价格波动和本金损失，以换取较高的收益。您可以购买风险等级为R1至R3（中等风险及以下）的产品。',
        en: 'You are a balanced investor: you accept some fluctuation and some loss of principal in exchange for a higher return. You may buy products rated R1 to R3 (up to medium risk).',
      },
    },
    {
      level: 'C4',
      minScore: 61,
      maxScore: 80,
      name: CUSTOMER_LEVEL_NAMES.C4,
      explanation: {
        'zh-CN': '您属于成长型投资者：您追求资产较快增长，能够承受较大的价格波动和一定的本金损失。您可以购买风险等级为R1至R4（中高风险及以下）的产品。',
        en: 'You are a growth investor: you seek faster growth and can accept large fluctuations and some loss of principal. You may buy products rated R1 to R4 (up to medium-high risk).',
      },
    },
    {
      level: 'C5',
      minScore: 81,
      maxScore: 100,
      name: CUSTOMER_LEVEL_NAMES.C5,
      explanation: {
        'zh-CN': '您属于进取型投资者：您追求较高收益，能够承受很大的价格波动，并理解可能损失大部分甚至全部本金。您可以购买风险等级为R1至R5的产品。',
        en: 'You are an aggressive investor: you seek high returns, can accept very large fluctuations and understand you could lose most or all of your principal. You may buy products rated R1 to R5.',
      },
    },
  ],
  caps: [
    {
      id: 'no-loss-accepted',
      questionId: 'max-loss',
      optionIds: ['loss-none'],
      maxLevel: 'C1',
      reason: {
        'zh-CN': '您选择了“不能接受本金任何损失”，因此您的风险承受能力评估结果为C1（保守型），只能购买R1（低风险）产品。',
        en: 'You chose “I cannot accept any loss of principal”, so your risk-tolerance result is C1 (Conservative) and you may buy R1 (low risk) products only.',
      },
    },
  ],
} satisfies z.input<typeof QuestionnaireDefinition>;

/** risk-2026-v1, validated when this module loads and frozen. */
export const RISK_QUESTIONNAIRE_V1: QuestionnaireDefinition = deepFreeze(QuestionnaireDefinition.parse(definition));
