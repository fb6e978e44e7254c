/**
 * The compliance review API, compliance users only: the session list and its filter
 * options, a session's review detail (each view audited), and decisions. There is no
 * other write route: reviewers cannot change a session's data.
 */
import { Router } from 'express';
import { ReviewDecisionRequest, ReviewListQuery, SessionIdParams } from '@vtm/shared';
import { currentUser, requireRole } from '../http/authentication.ts';
import { parse } from '../http/validate.ts';
import type { ReviewService } from './review.service.ts';

export function reviewController(deps: { review: ReviewService }): Router {
  const router = Router();
  const compliance = requireRole('compliance');

  router.get('/api/review/sessions', compliance, async (req, res) => {
    res.json(await deps.review.list(parse(ReviewListQuery, req.query)));
  });

  router.get('/api/review/filters', compliance, async (_req, res) => {
    res.json(await deps.review.filters());
  });

  router.get('/api/review/sessions/:sessionId', compliance, async (req, res) => {
    const { sessionId } = parse(SessionIdParams, req.params);
    res.json(await deps.review.view(sessionId, currentUser(res)!));
  });

  router.post('/api/review/sessions/:sessionId/decisions', compliance, async (req, res) => {
    const { sessionId } = parse(SessionIdParams, req.params);
    const request = parse(ReviewDecisionRequest, req.body);
    res.status(201).json(await deps.review.decide(sessionId, request, currentUser(res)!));
  });
  return router;
}
