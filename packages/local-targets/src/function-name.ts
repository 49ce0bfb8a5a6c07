/** Lambda's own limits: names of letters, digits, `-` and `_`; qualifiers may also hold `$` (`$LATEST`). */
const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const QUALIFIER = /^[A-Za-z0-9$_-]{1,128}$/;

export interface FunctionReference {
  name: string;
  /** The qualifier carried by the reference itself (`name:alias` or an ARN suffix), if any. */
  qualifier?: string;
}

/**
 * Parses every form the Invoke API accepts for FunctionName: `name`, `name:qualifier`,
 * `account:function:name[:qualifier]` and `arn:partition:lambda:region:account:function:name[:qualifier]`.
 * Region and account are ignored: locally a name identifies the function. Returns null for anything else.
 */
export function parseFunctionReference(raw: string): FunctionReference | null {
  const parts = raw.split(':');
  let rest: string[];
  if (parts[0] === 'arn') {
    if (parts.length < 7 || parts.length > 8 || parts[2] !== 'lambda' || parts[5] !== 'function') return null;
    rest = parts.slice(6);
  } else if (parts.length >= 3 && parts[1] === 'function') {
    if (parts.length > 4) return null;
    rest = parts.slice(2);
  } else {
    if (parts.length > 2) return null;
    rest = parts;
  }
  const [name, qualifier] = rest;
  if (name === undefined || !NAME.test(name)) return null;
  if (qualifier === undefined) return { name };
  return QUALIFIER.test(qualifier) ? { name, qualifier } : null;
}

/** Whether `qualifier` is a syntactically valid version or alias name. */
export function isValidQualifier(qualifier: string): boolean {
  return QUALIFIER.test(qualifier);
}
