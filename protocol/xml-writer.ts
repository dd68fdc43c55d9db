/**
 * Writes an operation's output object as EC2 answers it.
 *
 * AWS rule (EC2 query protocol, Smithy `ec2Query` xml tests): the root is
 * `<{Action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">` (the request's `Version`
 * in place of 2016-11-15, see ec2XmlNamespace), its first child is
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

const CURRENT_VERSION = '2016-11-15';
/** An API version as EC2 names them: a date, `2014-06-15`. */
const API_VERSION = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The answer's namespace follows the request's `Version` (`Version=2014-06-15` is answered in
 * `http://ec2.amazonaws.com/doc/2014-06-15/`, as EC2 answers each API version it serves). A missing
 * Version, or one that is not a date, keeps the current version's namespace.
 */
export function ec2XmlNamespace(version: string | null | undefined): string {
  // Nearly every request names the current version: no pattern test, no new string for it.
  if (version === CURRENT_VERSION) return EC2_XML_NAMESPACE;
  return version !== null && version !== undefined && API_VERSION.test(version)
    ? `http://ec2.amazonaws.com/doc/${version}/`
    : EC2_XML_NAMESPACE;
}

export function toResponseXml(
  action: string,
  requestId: string,
  output: object,
  shape: StructureShape,
  namespace: string = EC2_XML_NAMESPACE,
): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${namespace}"><requestId>${escapeXml(requestId)}</requestId>` +
    writeMembers(output as Record<string, unknown>, shape, EC2_NAMING) +
    `</${action}Response>`
  );
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
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${namespace}"><${action}Result>` +
    writeMembers(output as Record<string, unknown>, shape, QUERY_NAMING) +
    `</${action}Result><ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${action}Response>`
  );
}

/** How one protocol names elements: a member's element, and a list entry's (EC2 `item`, Query `member`). */
interface Naming {
  readonly element: (memberName: string, member: Member) => string;
  readonly entryOpen: string;
  readonly entryClose: string;
  /** Each structure's plan under this naming, built on first use. */
  readonly plans: WeakMap<StructureShape, MemberPlan>;
}
const EC2_NAMING: Naming = { element: xmlName, entryOpen: '<item>', entryClose: '</item>', plans: new WeakMap() };
const QUERY_NAMING: Naming = {
  element: (memberName, member) => member.xml ?? memberName,
  entryOpen: '<member>',
  entryClose: '</member>',
  plans: new WeakMap(),
};

/** A structure's members in shape order, with their tags written out once rather than per answer. */
interface MemberStep {
  readonly name: string;
  readonly open: string;
  readonly close: string;
  /** `<element/>`: an empty list. */
  readonly empty: string;
  readonly shape: Shape;
}
type MemberPlan = readonly MemberStep[];

function planOf(shape: StructureShape, naming: Naming): MemberPlan {
  let plan = naming.plans.get(shape);
  if (!plan) {
    plan = Object.entries(shape.members).map(([name, member]) => {
      const element = naming.element(name, member);
      return {
        name,
        open: `<${element}>`,
        close: `</${element}>`,
        empty: `<${element}/>`,
        shape: member.shape,
      };
    });
    naming.plans.set(shape, plan);
  }
  return plan;
}

function writeMembers(value: Record<string, unknown>, shape: StructureShape, naming: Naming): string {
  let xml = '';
  for (const step of planOf(shape, naming)) {
    const memberValue = value[step.name];
    if (memberValue === undefined || memberValue === null) continue;
    xml += writeMember(step, memberValue, naming);
  }
  return xml;
}

function writeMember(step: MemberStep, memberValue: unknown, naming: Naming): string {
  if (step.shape.kind !== 'list') return step.open + writeValue(memberValue, step.shape, naming) + step.close;
  const items = memberValue as readonly unknown[];
  if (items.length === 0) return step.empty;
  let xml = step.open;
  for (const item of items) xml += naming.entryOpen + writeValue(item, step.shape.member, naming) + naming.entryClose;
  return xml + step.close;
}

/**
 * toResponseXml's document in parts, cut between two entries of a top-level list once a part holds
 * `partChars` characters, so a sliced read (server/sliced-reads.ts) can pause while it writes an
 * answer of 100,000 items. Joined, the parts are exactly the document toResponseXml writes.
 */
export function* responseXmlParts(
  action: string,
  requestId: string,
  output: object,
  shape: StructureShape,
  namespace: string,
  partChars: number,
): Generator<string, void, undefined> {
  let xml = `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${namespace}"><requestId>${escapeXml(requestId)}</requestId>`;
  const value = output as Record<string, unknown>;
  for (const step of planOf(shape, EC2_NAMING)) {
    const memberValue = value[step.name];
    if (memberValue === undefined || memberValue === null) continue;
    if (step.shape.kind !== 'list' || (memberValue as readonly unknown[]).length === 0) {
      xml += writeMember(step, memberValue, EC2_NAMING);
      continue;
    }
    xml += step.open;
    for (const item of memberValue as readonly unknown[]) {
      xml += EC2_NAMING.entryOpen + writeValue(item, step.shape.member, EC2_NAMING) + EC2_NAMING.entryClose;
      if (xml.length >= partChars) {
        yield xml;
        xml = '';
      }
    }
    xml += step.close;
  }
  yield `${xml}</${action}Response>`;
}

/** The content of one element (between its tags). */
function writeValue(value: unknown, shape: Shape, naming: Naming): string {
  switch (shape.kind) {
    case 'structure':
      return writeMembers(value as Record<string, unknown>, shape, naming);
    case 'list': {
      // A list directly inside a list: not in any EC2 or STS output shape, written as EC2 would.
      let xml = '';
      for (const item of value as readonly unknown[]) xml += naming.entryOpen + writeValue(item, shape.member, naming) + naming.entryClose;
      return xml;
    }
    case 'boolean':
      return value ? 'true' : 'false';
    case 'integer':
      return String(Number(value));
    case 'timestamp':
      return new Date(value as Date | string | number).toISOString();
    case 'string':
      return escapeXml(String(value));
    default: {
      const never: never = shape;
      throw new Error(`unknown shape ${String(never)}`);
    }
  }
}
