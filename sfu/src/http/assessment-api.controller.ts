/**
 * The assessment rules for the bank's other channels (web, app, branch): the same
 * questionnaire, scoring and suitability rule the VTM uses, from shared/.
 */
import { Router } from 'express';
import {
  InvalidAnswersError,
  RISK_QUESTIONNAIRE_V1,
  ScoreRequest,
  SuitabilityApiRequest,
  checkSuitability,
  findProduct,
  scoreAssessment,
} from '@vtm/shared';
import { RequestError, notFound } from '../errors.ts';
import { requireRole } from './authentication.ts';
import { parse } from './validate.ts';

export function assessmentApiController(): Router {
  const router = Router();
  router.use('/api/questionnaires', requireRole());
  router.use('/api/assessments', requireRole());
  router.use('/api/suitability', requireRole());

  router.get('/api/questionnaires/current', (_req, res) => {
    res.json(RISK_QUESTIONNAIRE_V1);
  });

  router.post('/api/assessments/score', (req, res) => {
    const { answers } = parse(ScoreRequest, req.body);
    try {
      const scored = scoreAssessment(RISK_QUESTIONNAIRE_V1, answers);
      res.json({
        questionnaireId: scored.questionnaireId,
        questionnaireVersion: scored.questionnaireVersion,
        score: scored.score,
        maxScore: scored.maxScore,
        level: scored.level,
        appliedCaps: scored.appliedCaps,
      });
    } catch (error) {
      if (error instanceof InvalidAnswersError) {
        throw new RequestError('invalid-data', error.errors.map((e) => e.message.en).join(' '));
      }
      throw error;
    }
  });

  router.post('/api/suitability', (req, res) => {
    const request = parse(SuitabilityApiRequest, req.body);
    const product = findProduct(request.productCode);
    if (!product) throw notFound('product');
    const now = new Date();
    const decision = checkSuitability({
      customerLevel: request.level,
      productRisk: product.riskLevel,
      customerAge: request.age,
      assessment: { assessedAt: request.assessedAt ?? now.toISOString() },
      now,
    });
    res.json({ productCode: product.code, productRisk: product.riskLevel, ...decision });
  });
  return router;
}
