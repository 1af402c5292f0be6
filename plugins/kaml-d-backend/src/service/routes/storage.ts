import { HttpAuthService } from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { z } from 'zod';
import { SIGNED_DOWNLOAD_PATH, StorageService } from '../../services/Storage';
import { parseInput } from './validation';

const tokenParams = z.object({ token: z.string().min(10).max(4096) });

/**
 * Storage routes: the Workbench's storage summary, and the signed download route that serves the
 * links of stores without presigned URLs (no Backstage token: the signature is the credential).
 */
export function storageRoutes(options: {
  httpAuth: HttpAuthService;
  storage: StorageService;
}) {
  const { httpAuth, storage } = options;
  const router = Router();

  router.get('/storage/summary', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(await storage.summary());
  });

  router.get(`${SIGNED_DOWNLOAD_PATH}/:token`, async (req, res) => {
    const { token } = parseInput(tokenParams, req.params, 'download link');
    const download = await storage.openSignedDownload(
      token,
      req.header('range'),
    );
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename*=UTF-8''${encodeURIComponent(download.name)}`,
    );
    if (download.etag) res.setHeader('ETag', `"${download.etag}"`);
    if (download.lastModified)
      res.setHeader('Last-Modified', download.lastModified.toUTCString());
    if (download.range) {
      res.status(206);
      res.setHeader(
        'Content-Range',
        `bytes ${download.range.start}-${download.range.end}/${download.size}`,
      );
      res.setHeader(
        'Content-Length',
        String(download.range.end - download.range.start + 1),
      );
    } else {
      res.setHeader('Content-Length', String(download.size));
    }
    download.stream.on('error', error => res.destroy(error));
    download.stream.pipe(res);
  });

  return router;
}
