// A small JSON Schema validator for the keywords the manifest schema uses: $ref into $defs,
// anyOf, type, enum, required, properties, additionalProperties, items, minItems/maxItems,
// minLength/maxLength, pattern, format "date-time", minimum/maximum.
//
// Each error is {path, keyword, params}: `path` is the dotted location ("owner.nik",
// "documents.0.sha256"), `keyword` the schema keyword that failed.

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/;

function resolveRef(root, ref) {
  if (!ref.startsWith("#/")) {
    throw new Error(`only local $ref values are supported, got ${ref}`);
  }
  let node = root;
  for (const part of ref.slice(2).split("/")) {
    node = node?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  if (node === undefined) {
    throw new Error(`$ref ${ref} does not point into the schema`);
  }
  return node;
}

function typeOf(value) {
  if (value === null) {
    return "null";
  }
  if (Array.isArray(value)) {
    return "array";
  }
  return typeof value;
}

function matchesType(type, value) {
  switch (type) {
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "object":
      return typeOf(value) === "object";
    default:
      return typeOf(value) === type;
  }
}

function join(path, part) {
  return path === "" ? String(part) : `${path}.${part}`;
}

function checkString(node, value, path, errors) {
  const length = [...value].length;
  if (node.minLength !== undefined && length < node.minLength) {
    errors.push({ path, keyword: "minLength", params: { limit: node.minLength } });
  }
  if (node.maxLength !== undefined && length > node.maxLength) {
    errors.push({ path, keyword: "maxLength", params: { limit: node.maxLength } });
  }
  if (node.pattern !== undefined && !new RegExp(node.pattern, "u").test(value)) {
    errors.push({ path, keyword: "pattern", params: { pattern: node.pattern } });
  }
  if (node.format === "date-time" && (!DATE_TIME.test(value) || Number.isNaN(Date.parse(value)))) {
    errors.push({ path, keyword: "format", params: { format: "date-time" } });
  }
}

function checkNumber(node, value, path, errors) {
  if (node.minimum !== undefined && value < node.minimum) {
    errors.push({ path, keyword: "minimum", params: { limit: node.minimum } });
  }
  if (node.maximum !== undefined && value > node.maximum) {
    errors.push({ path, keyword: "maximum", params: { limit: node.maximum } });
  }
}

function checkObject(node, value, path, root, errors) {
  for (const name of node.required ?? []) {
    if (!(name in value) || value[name] === undefined) {
      errors.push({ path: join(path, name), keyword: "required", params: {} });
    }
  }
  const properties = node.properties ?? {};
  for (const [name, child] of Object.entries(value)) {
    if (child === undefined) {
      continue;
    }
    if (name in properties) {
      check(properties[name], child, join(path, name), root, errors);
    } else if (node.additionalProperties === false) {
      errors.push({ path: join(path, name), keyword: "additionalProperties", params: {} });
    } else if (typeof node.additionalProperties === "object") {
      check(node.additionalProperties, child, join(path, name), root, errors);
    }
  }
}

function checkArray(node, value, path, root, errors) {
  if (node.minItems !== undefined && value.length < node.minItems) {
    errors.push({ path, keyword: "minItems", params: { limit: node.minItems } });
  }
  if (node.maxItems !== undefined && value.length > node.maxItems) {
    errors.push({ path, keyword: "maxItems", params: { limit: node.maxItems } });
  }
  if (node.items) {
    value.forEach((item, index) => check(node.items, item, join(path, index), root, errors));
  }
}

// anyOf passes when one branch passes. Otherwise the errors of the first branch whose type
// fits the value are reported, because they name the actual problem (e.g. a pattern).
function checkAnyOf(branches, value, path, root, errors) {
  const results = branches.map((branch) => {
    const branchErrors = [];
    check(branch, value, path, root, branchErrors);
    return { branch: branch.$ref ? resolveRef(root, branch.$ref) : branch, branchErrors };
  });
  if (results.some((result) => result.branchErrors.length === 0)) {
    return;
  }
  const typed = results.find((result) => result.branch.type && matchesType(result.branch.type, value));
  errors.push(...(typed ?? results[0]).branchErrors);
}

function check(node, value, path, root, errors) {
  if (node.$ref) {
    const { $ref, ...siblings } = node;
    node = { ...resolveRef(root, $ref), ...siblings };
  }
  if (node.anyOf) {
    checkAnyOf(node.anyOf, value, path, root, errors);
  }
  if (node.enum && !node.enum.includes(value)) {
    errors.push({ path, keyword: "enum", params: { allowed: node.enum.join(", ") } });
    return;
  }
  if (node.type) {
    const types = Array.isArray(node.type) ? node.type : [node.type];
    if (!types.some((type) => matchesType(type, value))) {
      errors.push({ path, keyword: "type", params: { type: types.join(" | ") } });
      return;
    }
  }
  switch (typeOf(value)) {
    case "string":
      checkString(node, value, path, errors);
      break;
    case "number":
      checkNumber(node, value, path, errors);
      break;
    case "object":
      checkObject(node, value, path, root, errors);
      break;
    case "array":
      checkArray(node, value, path, root, errors);
      break;
    default:
      break;
  }
}

// Validate `value` against `schema` and return the list of errors, empty when the value is valid.
export function validate(schema, value) {
  const errors = [];
  check(schema, value, "", schema, errors);
  return errors;
}

// Return the `enum` of a property, following $ref, e.g. enumOf(schema, "legal_form").
export function enumOf(schema, property) {
  let node = schema.properties?.[property];
  if (node?.$ref) {
    node = resolveRef(schema, node.$ref);
  }
  return node?.enum ?? [];
}
