/**
 * Writes an operation's output object as EC2 answers it.
 *
 * AWS rule (EC2 query protocol, Smithy `ec2Query` xml tests): the root is
 * `<{Action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">`, its first child is
 * `<requestId>`, and the members follow directly (no `…Result` wrapper, unlike plain Query).
 * Element names are the model's lower-camel `locationName`s; a list is a container element with one
 * `<item>` per entry, and an empty list is an empty element, which SDKs read as `[]` while a missing
 * element reads as "absent" (aws-reference §4.3, D-24). Booleans are `true`/`false`.
 *
 * The writer follows the shape's member order, not the object's, so answers are deterministic.
 * A member that is `undefined` is left out; the handler decides what is present.
 */
import { escapeXml } from './errors.js';
import { xmlName, type Member, type Shape, type StructureShape } from './shapes.js';

export const EC2_XML_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

export function toResponseXml(
  action: string,
  requestId: string,
  output: object,
  shape: StructureShape,
  namespace: string = EC2_XML_NAMESPACE,
): string {
  const parts: string[] = [
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${namespace}"><requestId>${escapeXml(requestId)}</requestId>`,
  ];
  writeMembers(parts, output as Record<string, unknown>, shape, xmlName);
  parts.push(`</${action}Response>`);
  return parts.join('');
}

/**
 * The plain AWS Query protocol (STS): members sit in `<{Action}Result>`, element names are the
 * member names as they are (PascalCase), and the request id closes the document in
 * `<ResponseMetadata><RequestId>`.
 */
export function toQueryResponseXml(
  action: string,
  requestId: string,
  output: object,
  shape: StructureShape,
  namespace: string,
): string {
  const parts: string[] = [`<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${namespace}"><${action}Result>`];
  writeMembers(parts, output as Record<string, unknown>, shape, queryXmlName);
  parts.push(
    `</${action}Result><ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${action}Response>`,
  );
  return parts.join('');
}

type ElementNaming = (memberName: string, member: Member) => string;
const queryXmlName: ElementNaming = (memberName, member) => member.xml ?? memberName;

/** A structure's members in shape order with their element names, computed once per shape and naming. */
type MemberPlan = ReadonlyArray<readonly [memberName: string, element: string, shape: Shape]>;
const plans = new Map<ElementNaming, WeakMap<StructureShape, MemberPlan>>();
function planOf(shape: StructureShape, naming: ElementNaming): MemberPlan {
  let byShape = plans.get(naming);
  if (!byShape) plans.set(naming, (byShape = new WeakMap()));
  let plan = byShape.get(shape);
  if (!plan) {
    plan = Object.entries(shape.members).map(([name, member]) => [name, naming(name, member), member.shape] as const);
    byShape.set(shape, plan);
  }
  return plan;
}

function writeMembers(parts: string[], value: Record<string, unknown>, shape: StructureShape, naming: ElementNaming): void {
  for (const [name, element, memberShape] of planOf(shape, naming)) {
    const memberValue = value[name];
    if (memberValue === undefined || memberValue === null) continue;
    writeElement(parts, element, memberValue, memberShape, naming);
  }
}

function writeElement(parts: string[], element: string, value: unknown, shape: Shape, naming: ElementNaming): void {
  switch (shape.kind) {
    case 'structure':
      parts.push(`<${element}>`);
      writeMembers(parts, value as Record<string, unknown>, shape, naming);
      parts.push(`</${element}>`);
      return;
    case 'list': {
      const items = value as readonly unknown[];
      if (items.length === 0) {
        parts.push(`<${element}/>`);
        return;
      }
      parts.push(`<${element}>`);
      // EC2 names list entries <item>; the Query protocol <member>.
      const entry = naming === xmlName ? 'item' : 'member';
      for (const item of items) writeElement(parts, entry, item, shape.member, naming);
      parts.push(`</${element}>`);
      return;
    }
    case 'boolean':
      parts.push(`<${element}>${value ? 'true' : 'false'}</${element}>`);
      return;
    case 'integer':
      parts.push(`<${element}>${Number(value)}</${element}>`);
      return;
    case 'string':
      parts.push(`<${element}>${escapeXml(String(value))}</${element}>`);
      return;
    default: {
      const never: never = shape;
      throw new Error(`unknown shape ${String(never)}`);
    }
  }
}
