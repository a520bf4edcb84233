import * as z from 'zod';

/**
 * Why an id from an outside document cannot be used as a name, or null when it can. Ids become
 * paths in work directories and archives and segments of download URLs (see the contract), so a
 * separator, a parent step or a control character in one is refused wherever it appears.
 */
export function unsafeIdReason(id: string): string | null {
  if (id.includes('/')) return 'holds a /';
  if (id.includes('\\')) return 'holds a \\';
  if (id.includes('..')) return 'holds ..';
  if (/[\u0000-\u001f\u007f-\u009f]/.test(id)) return 'holds a control character';
  return null;
}

/** The id as one printable line: control characters as \uXXXX escapes, so the error stays one line. */
export function printableId(id: string): string {
  return id.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A `chunkDocumentId` (metadata) or `documentId` (event): non-empty and safe as a file name. */
export const documentIdSchema = z
  .string()
  .min(1, 'must not be empty')
  .superRefine((id, context) => {
    const reason = unsafeIdReason(id);
    if (reason) context.addIssue({ code: 'custom', message: `'${printableId(id)}' is not a safe file name (${reason}; ids become paths and URLs)` });
  });
