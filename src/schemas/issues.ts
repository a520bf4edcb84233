import type * as z from 'zod';
import { InvalidInputError, formatIssuePath, type SchemaIssue } from '../errors.ts';

type Path = (string | number)[];
type ZodIssue = z.core.$ZodIssue;

const kindOf = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`);

/** Messages that say what was expected and what came, instead of zod's "Invalid input". */
export const readableIssueMessages = (issue: z.core.$ZodRawIssue): string | undefined => {
  if (issue.input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_union')) return 'required';
  if (issue.code === 'invalid_type') return `expected ${issue.expected}, got ${kindOf(issue.input)}`;
  return undefined;
};

const toPath = (path: readonly PropertyKey[]): Path => path.map((p) => (typeof p === 'symbol' ? String(p) : p));

/**
 * One issue as a field path and a message. A union failure (e.g. "a number, or a string of
 * digits") is explained by the branch whose type matched, else by the types it would take.
 */
function explain(issue: ZodIssue, at: Path): SchemaIssue {
  const path = [...at, ...toPath(issue.path)];
  if (issue.code === 'invalid_union' && issue.errors.length > 0 && issue.message !== 'required') {
    const branches = issue.errors.filter((b) => b.length > 0);
    const matched = branches.find((b) => !(b[0].code === 'invalid_type' && b[0].path.length === 0) && b[0].code !== 'invalid_union');
    if (matched) return explain(matched[0], path);
    const expected = [...new Set(branches.map((b) => (b[0].code === 'invalid_type' ? b[0].expected : null)).filter(Boolean))];
    const got = branches[0]?.[0]?.message.match(/got (.+)$/)?.[1];
    if (expected.length > 0) return { path, message: `expected ${expected.join(' or ')}${got ? `, got ${got}` : ''}` };
  }
  return { path, message: issue.message };
}

/**
 * The one place a schema failure becomes our error: the file, the first failing field's path
 * (from the document's root, `at` being where `value` sits in it) and what is wrong; all issues
 * are kept on the error for logs.
 */
export function schemaFailure(error: z.ZodError, file: string, at: Path = []): InvalidInputError {
  const issues = error.issues.map((issue) => explain(issue, at));
  const first = issues[0];
  const field = first && first.path.length > 0 ? formatIssuePath(first.path) : undefined;
  return new InvalidInputError(first?.message ?? 'does not match the schema', { file, field, issues });
}
