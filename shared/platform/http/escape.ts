const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for HTML element content and quoted attribute values. Every value that
 * reaches a server-rendered page goes through here; pages never build markup from data.
 */
export const escapeHtml = (value: string | number): string =>
  String(value).replace(/[&<>"']/g, (ch) => ENTITIES[ch] as string);
