/** Version reported by `GET /api/kaml-d/health`. */
export const KAML_D_BACKEND_VERSION = '0.1.0';
