import { Kind, visit, type DocumentNode, type ValueNode } from "graphql";

/**
 * Where a variable is used, as the dotted argument path a domain error would name
 * (`addComment(input: $x)` → "input"; `addComment(input: { body: $b })` → "input.body"),
 * so a bad variable names its field the same way whatever the client called it.
 */
export function argumentPathOfVariable(document: DocumentNode, variable: string): string | undefined {
  let found: string | undefined;
  const search = (value: ValueNode, path: string): void => {
    if (found) return;
    if (value.kind === Kind.VARIABLE && value.name.value === variable) found = path;
    else if (value.kind === Kind.OBJECT) for (const field of value.fields) search(field.value, `${path}.${field.name.value}`);
    else if (value.kind === Kind.LIST) value.values.forEach((item, index) => search(item, `${path}.${index}`));
  };
  visit(document, {
    Argument(node) {
      search(node.value, node.name.value);
    },
  });
  return found;
}

/**
 * The field a variable coercion message is about ('Variable "$x" got invalid value ... at
 * "x.tags[1]"'), as a dotted argument path ("input.tags.1"); the variable's own name when
 * the document does not use it in an argument.
 */
export function fieldOfVariableMessage(message: string, document: DocumentNode | undefined): string | undefined {
  const variable = /Variable "\$([^"]+)"/.exec(message)?.[1];
  if (!variable) return undefined;
  const at = /at "([^"]+)"/.exec(message)?.[1]?.replace(/\[(\d+)\]/g, ".$1") ?? variable;
  // A missing or unknown field of an input object is named by the message, not by the path.
  const inner = /Field "([^"]+)" (?:of required type .* was not provided|is not defined by type)/.exec(message)?.[1];
  const base = (document && argumentPathOfVariable(document, variable)) ?? variable;
  return `${base}${at.slice(variable.length)}${inner ? `.${inner}` : ""}`;
}
