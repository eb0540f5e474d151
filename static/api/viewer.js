// Renders /api/v1/openapi.json as a readable page (no outside library: served from static/).
"use strict";
(function () {
  const root = document.getElementById("api-doc");
  if (!root) return;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function markdown(text) {
    // Only what the document uses: paragraphs, **bold** and `code`.
    return (text || "").split(/\n\n+/).map((para) => {
      const p = el("p");
      for (const part of para.split(/(\*\*[^*]+\*\*|`[^`]+`)/)) {
        if (part.startsWith("**")) p.append(el("strong", {}, part.slice(2, -2)));
        else if (part.startsWith("`")) p.append(el("code", {}, part.slice(1, -1)));
        else p.append(part);
      }
      return p;
    });
  }

  function refName(ref) { return ref.split("/").pop(); }

  function limits(schema) {
    const words = [];
    const names = { minimum: "≥", maximum: "≤", minLength: "ít nhất ký tự:",
      maxLength: "tối đa ký tự:", minItems: "ít nhất:", maxItems: "tối đa:" };
    for (const [key, label] of Object.entries(names)) {
      if (schema[key] !== undefined) words.push(`${label} ${schema[key]}`);
    }
    if (schema.enum) words.push("một trong: " + schema.enum.join(", "));
    if (schema.const !== undefined) words.push("luôn là " + JSON.stringify(schema.const));
    if (schema.format) words.push(schema.format);
    return words.length ? el("span", { class: "limits" }, " (" + words.join("; ") + ")") : null;
  }

  function typeOf(schema) {
    if (!schema) return "any";
    if (schema.$ref) return refName(schema.$ref);
    if (schema.anyOf) return schema.anyOf.map(typeOf).join(" | ");
    if (schema.type === "array") return typeOf(schema.items) + "[]";
    if (schema.enum) return "enum";
    return [].concat(schema.type || "object").join(" | ");
  }

  function schemaView(schema, defs, depth) {
    if (schema.$ref) {
      const name = refName(schema.$ref);
      return el("a", { href: "#schema-" + name }, name);
    }
    if (!schema.properties || depth > 3) return el("code", {}, typeOf(schema));
    const required = new Set(schema.required || []);
    return el("ul", {}, Object.entries(schema.properties).map(([name, prop]) => {
      const inner = prop.anyOf ? prop.anyOf.find((p) => p.type !== "null") || prop : prop;
      return el("li", {},
        el("code", {}, name), required.has(name) ? " *" : "", ": ",
        el("code", {}, typeOf(prop)), limits(inner),
        prop.description ? " — " + prop.description : "");
    }));
  }

  function operation(path, method, op) {
    const card = el("section", { class: "card op", id: op.operationId });
    card.append(el("h3", {}, el("span", { class: "method m-" + method }, method.toUpperCase()),
      " ", el("code", {}, path)));
    card.append(el("p", {}, el("strong", {}, op.summary || ""), " ",
      el("code", {}, "operationId: " + op.operationId)));
    if (op.description) card.append(...markdown(op.description));
    const security = (op.security || []).map((alt) => Object.keys(alt).join(" + "));
    card.append(el("p", {}, "Xác thực: " + (security.length ? security.join(" hoặc ") : "không")));
    if (op.parameters && op.parameters.length) {
      card.append(el("p", {}, "Tham số:"), el("ul", {}, op.parameters.map((p) =>
        el("li", {}, el("code", {}, p.name), ` (${p.in}${p.required ? ", bắt buộc" : ""}): `,
          el("code", {}, typeOf(p.schema)), limits(p.schema)))));
    }
    if (op.requestBody) {
      const media = op.requestBody.content["application/json"];
      card.append(el("p", {}, "Nội dung gửi: ", schemaView(media.schema, null, 0)));
      card.append(examples(media));
    }
    const rows = Object.entries(op.responses).map(([status, response]) => {
      const body = response.$ref ? el("a", { href: "#errors" }, "lỗi chung")
        : schemaView(response.content["application/json"].schema, null, 0);
      return el("li", {}, el("strong", {}, status), " ", body,
        response.content ? examples(response.content["application/json"]) : null);
    });
    card.append(el("p", {}, "Trả về:"), el("ul", {}, rows));
    return card;
  }

  function examples(media) {
    const values = Object.values(media.examples || {});
    if (!values.length) return null;
    return el("details", {}, el("summary", {}, "Ví dụ"),
      values.map((ex) => el("pre", {}, JSON.stringify(ex.value, null, 2))));
  }

  function render(doc) {
    root.replaceChildren();
    root.append(el("h1", {}, doc.info.title), el("p", {}, "Phiên bản " + doc.info.version +
      " · OpenAPI " + doc.openapi + " · máy chủ " + doc.servers.map((s) => s.url).join(", ")));
    root.append(el("div", { class: "doc-intro card" }, markdown(doc.info.description)));
    const byTag = new Map();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const tag = (op.tags || ["Khác"])[0];
        if (!byTag.has(tag)) byTag.set(tag, []);
        byTag.get(tag).push(operation(path, method, op));
      }
    }
    for (const [tag, cards] of byTag) root.append(el("h2", { class: "tag-title" }, tag), ...cards);
    const errors = el("section", { class: "card", id: "errors" }, el("h2", {}, "Lỗi"));
    for (const [name, response] of Object.entries(doc.components.responses)) {
      errors.append(el("p", {}, el("strong", {}, name.replace("Error", "")), " — ",
        response.description));
    }
    root.append(errors, el("h2", {}, "Lược đồ dữ liệu"));
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      root.append(el("section", { class: "card schema", id: "schema-" + name },
        el("h3", {}, name), schema.description ? el("p", {}, schema.description) : null,
        schemaView(schema, doc.components.schemas, 0)));
    }
  }

  fetch(root.dataset.src, { headers: { Accept: "application/json" } })
    .then((response) => response.json())
    .then(render)
    .catch(() => root.append(el("p", {}, "Không tải được tài liệu.")));
})();
