import { LineIndex } from '../../engine/config/text';
import type { Location, Position } from 'vscode-languageserver-types';
import type { ParsedDocument } from './document';
import { targetAt, taskNamed } from './locate';
import { type ClassLocation, findHandlerClass, findTaskClass } from './modules';
import { pathToUri } from './uri';

/**
 * Go to definition: a dependency goes to the `name` of the task it names; a task's `name` or `task` to
 * its class in the module file; the handler to its class.
 */
export function findDefinition(doc: ParsedDocument, position: Position): Location[] {
  const target = targetAt(doc.outline(), doc.lines.offset(position));
  switch (target?.kind) {
    case 'dependency': {
      const task = taskNamed(target.job, target.at.value);
      return task?.name ? [{ uri: doc.uri, range: doc.range(task.name.span) }] : [];
    }
    case 'task':
    case 'class': {
      const className = target.task.task?.value ?? target.at.value;
      return classLocation(findTaskClass(doc, className), className);
    }
    case 'handler': {
      const found = findHandlerClass(doc, target.at.value);
      return found ? classLocation(found, target.at.value.slice(target.at.value.lastIndexOf('.') + 1)) : [];
    }
    default:
      return [];
  }
}

/** `class Name` in its module (the name selected), or the top of the module when the class is not there. */
function classLocation(found: ClassLocation, className: string): Location[] {
  if (!found.file || found.text === undefined) return [];
  const lines = new LineIndex(found.text);
  const start = found.offset === undefined ? 0 : found.text.indexOf(className, found.offset + 'class'.length);
  const end = found.offset === undefined ? 0 : start + className.length;
  return [{ uri: pathToUri(found.file), range: lines.range(start, end) }];
}
