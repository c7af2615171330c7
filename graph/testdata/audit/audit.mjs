// Runs graphql-http's server audits against AUDIT_URL and prints the results as JSON, one
// object per audit: {id, name, status, reason, httpStatus}. status is "ok", or "error" for a
// failed MUST, "warn" for a failed SHOULD, "notice" for a failed MAY. AUDIT_TOKEN, when set, is
// sent as a bearer token with every request (the API requires sign-in for everything but login).
import { auditServer } from 'graphql-http';

const url = process.env.AUDIT_URL;
const token = process.env.AUDIT_TOKEN;
if (!url) {
  console.error('AUDIT_URL is not set');
  process.exit(2);
}

function fetchFn(input, init = {}) {
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
}

const results = await auditServer({ url, fetchFn });
process.stdout.write(
  JSON.stringify(
    results.map((r) => ({
      id: r.id,
      name: r.name,
      status: r.status,
      reason: r.reason ?? '',
      httpStatus: r.response ? r.response.status : 0,
    })),
  ),
);
