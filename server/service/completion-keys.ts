import { findNodeAtLocation, type JSONPath } from 'jsonc-parser';
import { type CompletionItem, CompletionItemKind, InsertTextFormat, MarkupKind, TextEdit } from 'vscode-languageserver-types';
import type { ParsedDocument } from './document';
import type { Span } from './outline';
import { type SchemaNode, schemaAt } from './schema-nav';

/** The properties the schema allows in the object under the cursor, less those it already has. */
export function keyCompletions(doc: ParsedDocument, locationPath: JSONPath, replace: Span, snippets: boolean): CompletionItem[] {
  const objectPath = locationPath.slice(0, -1);
  const schema = schemaAt(objectPath);
  if (!schema?.properties) return [];
  const existing = existingKeys(doc, objectPath, replace);
  const colonFollows = /^\s*:/.test(doc.text.slice(replace.end, replace.end + 200));
  const items: CompletionItem[] = [];
  for (const key of Object.keys(schema.properties)) {
    if (existing.has(key)) continue;
    const property = schemaAt([...objectPath, key]);
    const value = colonFollows ? '' : snippets ? `: ${valueSnippet(property)}` : ': ';
    items.push({
      label: key,
      kind: CompletionItemKind.Property,
      detail: property?.type,
      documentation: property?.description ? { kind: MarkupKind.Markdown, value: property.description } : undefined,
      filterText: JSON.stringify(key),
      sortText: `${schema.required?.includes(key) ? 0 : 1}${key}`,
      insertTextFormat: snippets && !colonFollows ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      textEdit: TextEdit.replace(doc.range(replace), JSON.stringify(key) + value),
    });
  }
  return items;
}

function valueSnippet(schema: SchemaNode | undefined): string {
  if (schema?.enum) return `"\${1|${schema.enum.map(String).join(',')}|}"`;
  switch (schema?.type) {
    case 'string':
      return '"$1"';
    case 'array':
      return '[$1]';
    case 'object':
      return '{$1}';
    case 'number':
    case 'integer':
      return '${1:0}';
    default:
      return '$1';
  }
}

/** The keys of the object at `objectPath`, except the one being typed (at `replace`). */
function existingKeys(doc: ParsedDocument, objectPath: JSONPath, replace: Span): Set<string> {
  const root = doc.tree();
  const node = root && (objectPath.length === 0 ? root : findNodeAtLocation(root, objectPath));
  const keys = new Set<string>();
  for (const property of node?.type === 'object' ? (node.children ?? []) : []) {
    const key = property.children?.[0];
    if (key && !(key.offset === replace.start && replace.end > replace.start)) keys.add(String(key.value));
  }
  return keys;
}
