import { Router } from 'express';
import { openApiJson } from './openapi/openapi-document.ts';

/** GET /api/openapi.json: the API's description. Public: it holds no data, only shapes. */
export function openapiController(): Router {
  const router = Router();
  router.get('/api/openapi.json', (_req, res) => {
    res.type('application/json').send(openApiJson());
  });
  return router;
}
